// must fail at line 6: StringFind needs the text and what to find
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void OnTimer()
  {
   int at = StringFind("webhook_command_1.json");
   Print(at);
  }
