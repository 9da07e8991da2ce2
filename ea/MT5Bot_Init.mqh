//+------------------------------------------------------------------+
//| MT5Bot_Init.mqh: what OnInit settles before the EA may run: its  |
//| inputs are sane, and it is the only copy on this terminal.       |
//+------------------------------------------------------------------+
#define LOCK_FILE "webhook_terminal.lock"

int g_lock = INVALID_HANDLE;   // LOCK_FILE, held open for the EA's lifetime

//+------------------------------------------------------------------+
//| One copy per terminal data folder (ea/README.md, "One copy per   |
//| terminal"). Two copies on one MQL5\Files folder would each claim |
//| commands and read the executed ids, and one starting up would    |
//| answer the other's order in flight `unknown`. A file opened      |
//| without FILE_SHARE_READ/WRITE is exclusive: every other open of  |
//| it fails until it is closed, and the terminal closes it when     |
//| this EA is removed or crashes, Windows when the terminal dies.   |
//| So nothing stale is ever left to clear by hand, unlike a global  |
//| variable, which outlives a crash.                                |
//+------------------------------------------------------------------+
bool HoldLock()
  {
   ResetLastError();
   g_lock = FileOpen(LOCK_FILE, FILE_READ | FILE_WRITE | FILE_BIN);
   return g_lock != INVALID_HANDLE;
  }

void ReleaseLock()
  {
   if(g_lock != INVALID_HANDLE)
      FileClose(g_lock);
   g_lock = INVALID_HANDLE;
  }

bool InRange(long value, long low, long high)
  {
   return value >= low && value <= high;
  }

// http(s)://host[:port][/path], nothing a header or a query could smuggle.
string UrlProblem(string url)
  {
   string rest = "";
   if(StartsWith(url, "https://"))
      rest = StringSubstr(url, 8);
   else
      if(StartsWith(url, "http://"))
         rest = StringSubstr(url, 7);
      else
         return "the server URL must start with http:// or https://";
   if(rest == "" || StartsWith(rest, "/") || StartsWith(rest, ":"))
      return "the server URL has no host";
   for(int i = 0; i < StringLen(url); i++)
     {
      ushort c = StringGetCharacter(url, i);
      if(c <= ' ' || c >= 127 || c == '?' || c == '#' || c == '@')
         return "the server URL may hold no spaces, '?', '#', '@' or non-ASCII";
     }
   return "";
  }

string KeyProblem(string key)
  {
   if(key == "")
      return "the HTTP transport needs this account's EA key";
   for(int i = 0; i < StringLen(key); i++)
     {
      ushort c = StringGetCharacter(key, i);
      if(c <= ' ' || c >= 127)
         return "the EA key may hold no spaces or control characters";
     }
   return "";
  }

// The first input out of range, in words; "" when all are fine. The
// transport is an enumeration: the Inputs tab offers only its values.
string InputsProblem()
  {
   string limits = LimitInputsError();
   if(limits != "")
      return limits;
   if(!InRange(InpPollMilliseconds, 10, 10000))
      return "the poll interval is 10 to 10000 ms";
   if(!InRange(InpHeartbeatSeconds, 1, 60))
      return "the heartbeat interval is 1 to 60 s";
   if(!InRange(InpDeviationPoints, 0, 10000))
      return "the deviation is 0 to 10000 points";
   if(InpTransport != TRANSPORT_HTTP)
      return "";
   if(!InRange(InpHttpTimeoutMs, 500, 60000))
      return "the HTTP timeout is 500 to 60000 ms";
   string problem = UrlProblem(InpServerUrl);
   return problem != "" ? problem : KeyProblem(InpEAKey);
  }

// Unloaded only to be loaded again at once (new inputs, timeframe, build).
bool Reloading(int reason)
  {
   return reason == REASON_PARAMETERS || reason == REASON_CHARTCHANGE
          || reason == REASON_RECOMPILE;
  }

// Said in the journal and on the chart, where whoever attached it looks.
int Refuse(int code, string why)
  {
   Print("mt5bot not started: ", why);
   Comment("mt5bot not started: ", why);
   return code;
  }
//+------------------------------------------------------------------+
