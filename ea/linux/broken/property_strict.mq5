// must fail at line 2: '#property strict' is MQL4 only
#property strict
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer() {}
