// must fail at line 6: undefined variable (a typo of 'volume')
void OnTimer()
  {
   double volume = 0.1;
   MqlTradeRequest request;
   request.volume = volum;
  }
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
