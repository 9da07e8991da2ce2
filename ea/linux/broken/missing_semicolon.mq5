// must fail at line 8: a statement without its ';'
#property version "1.00"
input int InpPollMilliseconds = 100;

int OnInit()
  {
   int ms = InpPollMilliseconds
   EventSetMillisecondTimer(ms);
   return INIT_SUCCEEDED;
  }
void OnDeinit(const int reason) { EventKillTimer(); }
void OnTimer() {}
