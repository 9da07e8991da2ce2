// must fail at line 6: iMA is a real MQL5 builtin, but not one the EA declares
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer()
  {
   int handle = iMA("EURUSD", 0, 14, 0, 0, 0);
   Print(handle);
  }
