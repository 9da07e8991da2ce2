// must fail at line 9: FileCloze is not a builtin
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer()
  {
   int handle = FileOpen("x.json", FILE_READ | FILE_BIN);
   if(handle == INVALID_HANDLE)
      return;
   FileCloze(handle);
  }
