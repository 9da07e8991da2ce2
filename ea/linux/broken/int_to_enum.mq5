// must fail at line 6: a SYMBOL_FILLING_* flag is not an ENUM_ORDER_TYPE_FILLING
ENUM_ORDER_TYPE_FILLING Filling(string symbol)
  {
   long modes = SymbolInfoInteger(symbol, SYMBOL_FILLING_MODE);
   if((modes & SYMBOL_FILLING_IOC) != 0)
      return SYMBOL_FILLING_IOC;
   return ORDER_FILLING_FOK;
  }
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer() {}
