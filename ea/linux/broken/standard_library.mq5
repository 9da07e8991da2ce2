// must fail at line 3: the EA uses no standard library (CTrade)
#property version "1.00"
#include <Trade\Trade.mqh>
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer() {}
