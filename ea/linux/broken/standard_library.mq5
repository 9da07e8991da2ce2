// must fail at line 3: the EA uses no standard library (CTrade)
#property strict
#include <Trade\Trade.mqh>
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer() {}
