// must fail at line 7: "x=" + a number (IntegerToString it)
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer()
  {
   int total = PositionsTotal();
   Print("positions: " + total);
  }
