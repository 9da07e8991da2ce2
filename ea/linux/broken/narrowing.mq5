// must fail at line 6: long to int loses data
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer()
  {
   int digits = SymbolInfoInteger("EURUSD", SYMBOL_DIGITS);
   Print(digits);
  }
