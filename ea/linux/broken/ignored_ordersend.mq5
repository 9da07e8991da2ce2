// must fail at line 8: OrderSend's result must be checked
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer()
  {
   MqlTradeRequest request;
   MqlTradeResult result;
   OrderSend(request, result);
  }
