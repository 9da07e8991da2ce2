// must fail at line 7: MQL5 has no '->'
struct Quote { double bid; };
int OnInit() { return INIT_SUCCEEDED; }
void OnDeinit(const int reason) {}
void Show(Quote &quote)
  {
   Print(quote->bid);
  }
void OnTimer() {}
