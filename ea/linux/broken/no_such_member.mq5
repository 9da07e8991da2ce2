// must fail at line 7: MqlTradeRequest has deviation, not slippage
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer()
  {
   MqlTradeRequest request;
   request.slippage = 10;
  }
