//+------------------------------------------------------------------+
//| MT5Bot_Patience.mqh: what the EA waits for, and for how long, as |
//| ea/paper/patience.py (PROTOCOL.md 4, issue 14). Every wait is    |
//| bounded by its own limit and never goes past the command's       |
//| expires_at; TimeGMT() has whole seconds, so a wait ends a second |
//| early rather than a moment late.                                 |
//+------------------------------------------------------------------+
#define QUOTE_WAIT_MS   2000  // the longest wait for a symbol's first tick
#define QUOTE_SLEEP_MS  20
#define LOOKUP_WAIT_MS  1000  // the longest wait for a position we opened to show
#define LOOKUP_SLEEP_MS 50
#define OFFLINE_SLEEP_MS 500  // between two looks at a lost connection
#define SEND_RETRIES    3     // sends again after an answer that proves nothing executed
#define RETRY_SLEEP_MS  250   // between two sends, as the paper terminal waits
#define MOST_WAIT_STEPS 10000 // a clock that never moves cannot hold a command

double g_expires_at;    // the command in hand's expires_at: no wait goes beyond it
bool   g_no_quote;      // a request of the command in hand was not sent for want of a tick
bool   g_offline;       // the command in hand ran out of time waiting for a connection
bool   g_accepted;      // a request of the command in hand was accepted
bool   g_unsent;        // the last request was not sent: the connection never came back
ulong  g_opened[];      // positions this EA opened whose deal it has not yet seen listed
ulong  g_opened_at[];   // GetMicrosecondCount() of each one's deal

// Whether a sleep of `milliseconds` ends before the command expires.
bool WaitFits(int milliseconds)
  {
   return (double)TimeGMT() + 1.0 + milliseconds / 1000.0 <= g_expires_at;
  }

//+------------------------------------------------------------------+
//| A symbol just added to Market Watch has an empty tick (0/0, no   |
//| time) until its first quote arrives; a price computed from it is |
//| 0 and a stop from it negative. So wait for a valid tick, in      |
//| short sleeps, at most QUOTE_WAIT_MS and never past the command's |
//| expiry; false when none came (nothing may be sent then).         |
//+------------------------------------------------------------------+
bool ValidTick(const MqlTick &tick)
  {
   return tick.bid > 0 && tick.ask > 0 && tick.ask >= tick.bid && tick.time > 0;
  }

bool FreshTick(string symbol, MqlTick &tick)
  {
   ulong until = GetMicrosecondCount() + (ulong)QUOTE_WAIT_MS * 1000;
   for(int step = 0; step < MOST_WAIT_STEPS; step++)
     {
      if(SymbolInfoTick(symbol, tick) && ValidTick(tick))
         return true;
      if(GetMicrosecondCount() >= until || !WaitFits(QUOTE_SLEEP_MS))
         break;
      Sleep(QUOTE_SLEEP_MS);
     }
   g_no_quote = true;
   return false;
  }

// The reason a request was not sent; the result then starts `no_quote:`.
string NoQuote(string symbol)
  {
   return "no valid tick for " + symbol + " within " + IntegerToString(QUOTE_WAIT_MS / 1000)
          + " s";
  }

// MT5Bot.mq5: the heartbeat, when its interval has passed.
void HeartbeatWhenDue();

//+------------------------------------------------------------------+
//| While TERMINAL_CONNECTED is 0 nothing is sent: wait for the      |
//| connection, in OFFLINE_SLEEP_MS sleeps, never past the command's |
//| expiry. False (and g_offline) when the time ran out first. The   |
//| heartbeat goes on meanwhile (saying `connected: false`), so the  |
//| server does not take a waiting terminal for a dead one.          |
//+------------------------------------------------------------------+
bool AwaitConnection()
  {
   for(int step = 0; step < MOST_WAIT_STEPS; step++)
     {
      if(TerminalInfoInteger(TERMINAL_CONNECTED) != 0)
         return true;
      if(!WaitFits(OFFLINE_SLEEP_MS))
         break;
      Sleep(OFFLINE_SLEEP_MS);
      HeartbeatWhenDue();
     }
   g_offline = true;
   return false;
  }

// The pause before a send again; false when it would reach the expiry.
bool RetryPause()
  {
   if(!WaitFits(RETRY_SLEEP_MS))
      return false;
   Sleep(RETRY_SLEEP_MS);
   return true;
  }

//+------------------------------------------------------------------+
//| A broker may list a position a moment after its deal. The EA     |
//| remembers the positions it opened until it has seen them, and a  |
//| lookup (CLOSE, the CLOSE_* actions, MODIFY, close_first) waits   |
//| for them first, at most LOOKUP_WAIT_MS after each one's deal, so |
//| a close right after an open finds the position.                  |
//+------------------------------------------------------------------+
void NoteOpened(ulong ticket)
  {
   if(ticket == 0)
      return;
   int n = ArraySize(g_opened);
   ArrayResize(g_opened, n + 1);
   ArrayResize(g_opened_at, n + 1);
   g_opened[n] = ticket;
   g_opened_at[n] = GetMicrosecondCount();
  }

// Forget the positions now listed or waited for long enough; true when
// none is left to wait for.
bool OpenedShown()
  {
   ulong now = GetMicrosecondCount();
   int kept = 0;
   for(int i = 0; i < ArraySize(g_opened); i++)
     {
      if(PositionSelectByTicket(g_opened[i])
         || now >= g_opened_at[i] + (ulong)LOOKUP_WAIT_MS * 1000)
         continue;
      g_opened[kept] = g_opened[i];
      g_opened_at[kept] = g_opened_at[i];
      kept++;
     }
   ArrayResize(g_opened, kept);
   ArrayResize(g_opened_at, kept);
   return kept == 0;
  }

void SettleOpened()
  {
   for(int step = 0; step < LOOKUP_WAIT_MS / LOOKUP_SLEEP_MS + 1; step++)
     {
      if(OpenedShown() || !WaitFits(LOOKUP_SLEEP_MS))
         return;
      Sleep(LOOKUP_SLEEP_MS);
     }
  }
//+------------------------------------------------------------------+
