// must fail at line 8: a string is not a volume
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer()
  {
   MqlTradeRequest request;
   string symbol = "EURUSD";
   request.volume = symbol;
  }
