// must fail at line 6: MQL4's Bid does not exist in MQL5
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer()
  {
   double price = Bid;
   Print(price);
  }
