// must fail at line 2: MQL5 passes arrays by reference only
int Count(string names[])
  {
   return ArraySize(names);
  }
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer() {}
