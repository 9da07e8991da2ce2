// must fail at line 7: inputs are read-only
input int InpPollMilliseconds = 100;

int OnInit()
  {
   if(InpPollMilliseconds < 10)
      InpPollMilliseconds = 10;
   return INIT_SUCCEEDED;
  }
void OnDeinit(const int reason) {}
void OnTimer() {}
