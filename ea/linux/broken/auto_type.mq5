// must fail at line 6: MQL5 has no 'auto'
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer()
  {
   auto total = PositionsTotal();
   Print(total);
  }
