// must fail at line 2: no DLLs
#import "kernel32.dll"
int GetTickCount();
#import
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer() {}
