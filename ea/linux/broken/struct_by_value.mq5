// must fail at line 2: MQL5 passes structures by reference only
bool Send(MqlTradeRequest request)
  {
   MqlTradeResult result;
   return OrderSend(request, result);
  }
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer() {}
