// must fail at line 4: OnTimer returns nothing
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
int OnTimer()
  {
   return 0;
  }
