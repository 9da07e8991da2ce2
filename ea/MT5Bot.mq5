//+------------------------------------------------------------------+
//| MT5Bot.mq5: executes mt5bot's commands on this MT5 account.      |
//|                                                                  |
//| ea/PROTOCOL.md is the contract and ea/paper/ the reference       |
//| terminal; ea/vectors/ are the cases both must answer alike, and  |
//| ea/linux/ checks and runs this source on Linux (ea/README.md).   |
//| Raw MQL5 only: no standard library, no DLLs.                     |
//+------------------------------------------------------------------+
#property copyright "mt5bot"
#property version   "1.10"

#define EA_VERSION "mt5-1.1"
#define COMMAND_ROUNDS 10

enum MT5BOT_TRANSPORT
  {
   TRANSPORT_FILES = 0,  // Files in MQL5\Files (server on this machine)
   TRANSPORT_HTTP = 1    // HTTP to the server (WebRequest)
  };

input MT5BOT_TRANSPORT InpTransport = TRANSPORT_FILES; // Transport
input int    InpPollMilliseconds = 100;   // Poll interval (ms)
input int    InpHeartbeatSeconds = 2;     // Heartbeat interval (s)
input string InpServerUrl = "";           // HTTP: server URL, e.g. https://bot.example.com
input string InpEAKey = "";               // HTTP: this account's EA key
input int    InpHttpTimeoutMs = 5000;     // HTTP: timeout per call (ms)
input int    InpDeviationPoints = 10;     // Max. deviation for market orders (points)
input double InpMaxLotsPerOrder = 0;      // Max. lots per opening order (0 = off)
input int    InpMaxPositions = 0;         // Max. positions + pending orders of ours (0 = off)

string g_login = "";        // this account, once the terminal is logged in
bool   g_started = false;
ulong  g_heartbeat_due = 0; // GetMicrosecondCount() of the next heartbeat
bool   g_connected = true;  // TERMINAL_CONNECTED as last logged

#include "MT5Bot_Json.mqh"
#include "MT5Bot_JsonWrite.mqh"
#include "MT5Bot_Files.mqh"
#include "MT5Bot_Command.mqh"
#include "MT5Bot_Patience.mqh"
#include "MT5Bot_Trade.mqh"
#include "MT5Bot_Unsure.mqh"
#include "MT5Bot_Batch.mqh"
#include "MT5Bot_Limits.mqh"
#include "MT5Bot_Close.mqh"
#include "MT5Bot_Open.mqh"
#include "MT5Bot_Status.mqh"
#include "MT5Bot_Http.mqh"
#include "MT5Bot_Book.mqh"
#include "MT5Bot_Chart.mqh"
#include "MT5Bot_Init.mqh"

//+------------------------------------------------------------------+
//| Whether the terminal is connected to the trade server. While it  |
//| is not, commands wait as command files: none is claimed or       |
//| marked executed, so each runs once the connection is back, or    |
//| the server withdraws it, `expired`, when its expires_at passed   |
//| meanwhile. A send now would only be used up on 10031. Changes    |
//| are logged, not polls.                                           |
//+------------------------------------------------------------------+
bool Connected()
  {
   bool connected = TerminalInfoInteger(TERMINAL_CONNECTED) != 0;
   if(connected != g_connected)
      Print(connected ? "connected to the trade server again"
            : "not connected to the trade server: commands wait");
   if(!connected)
      NoteError("not connected to the trade server");
   g_connected = connected;
   return connected;
  }

//+------------------------------------------------------------------+
//| Execute a checked command (step 7); trade permissions first, so  |
//| a disabled terminal answers clearly instead of with 10027.       |
//+------------------------------------------------------------------+
void Execute(const Command &c, Result &r)
  {
   g_first_refusal = 0;
   g_expires_at = c.expires_at;
   g_no_quote = false;
   g_offline = false;
   g_accepted = false;
   g_unsent = false;
   string blocker = TradeBlocker();
   if(blocker != "")
     {
      Refused(r, blocker);
      return;
     }
   if(!AwaitConnection())   // lost since Handle looked: nothing is sent
     {
      ResultReset(r, "expired", 0, "no connection to the trade server before "
                  + JsonNumberText(c.expires_at) + "; not sent");
      return;
     }
   if(c.action == "BUY" || c.action == "SELL")
      OpenOrder(c, r);
   else
      if(c.action == "CLOSE")
         CloseTicket(c, r);
      else
         if(c.action == "CLOSE_SYMBOL")
            CloseSymbol(c, -1, r);
         else
            if(c.action == "CLOSE_LONG")
               CloseSymbol(c, POSITION_TYPE_BUY, r);
            else
               if(c.action == "CLOSE_SHORT")
                  CloseSymbol(c, POSITION_TYPE_SELL, r);
               else
                  if(c.action == "CLOSE_ALL")
                     CloseAll(c, r);
                  else
                     if(c.action == "MODIFY")
                        Modify(c, r);
                     else
                        Cancel(c, r);
   ResultNotes(r);
  }

//+------------------------------------------------------------------+
//| Write the result of the command in `progress` and delete it. If  |
//| the write fails the file stays in progress: a restart answers it |
//| `unknown`, never runs it again.                                  |
//+------------------------------------------------------------------+
void Finish(string rest, string progress, string id, const Result &r)
  {
   string text = ResultJson(id, g_login, r, (double)TimeGMT());
   if(WriteTextAtomic(RESULT_PREFIX + rest, text))
      FileDelete(progress);
   PrintFormat("%s: %s %s", id, r.status, r.message);
   NoteResult(id, r);
  }

void FinishWith(string rest, string progress, string id, string status, string message)
  {
   Result r;
   ResultReset(r, status, 0, message);
   Finish(rest, progress, id, r);
  }

void MoveAside(string progress, string rest, string reason)
  {
   PrintFormat("%s: %s; moved aside as %s", progress, reason, BAD_PREFIX + rest);
   MoveFile(progress, BAD_PREFIX + rest, FILE_REWRITE);
  }

// TimeGMT() has whole seconds, so the true time is up to a second later:
// a command counts as expired when it may already be (PROTOCOL.md 3, step 5).
bool Expired(const Command &c)
  {
   return (double)TimeGMT() + 1.0 > c.expires_at;
  }

// Steps 3-7 for a command that was read and checked.
void HandleCommand(string rest, string progress, string id, const Command &c)
  {
   g_action = CommandLabel(c);
   if(c.account != g_login)
      FinishWith(rest, progress, id, "rejected", "wrong account");
   else
      if(WasExecuted(id))
        {
         PrintFormat("%s: id %s was executed before; no second result", progress, id);
         FileDelete(progress);
        }
      else
         if(Expired(c))
            FinishWith(rest, progress, id, "expired",
                       "expired at " + JsonNumberText(c.expires_at) + ", not sent");
         else
            if(!Connected() || !MarkExecuted(id))
               MoveFile(progress, COMMAND_PREFIX + rest, 0);  // nothing sent: next pass
            else
              {
               Result r;
               Execute(c, r);
               Finish(rest, progress, id, r);
               BookSoon();
              }
  }

//+------------------------------------------------------------------+
//| Steps 2-7 of PROTOCOL.md 3 for a claimed (in-progress) file.     |
//+------------------------------------------------------------------+
void Handle(string rest, string progress, const uchar &bytes[], int size)
  {
   JsonObject doc;
   JsonRead(bytes, size, doc);
   string id = doc.flat ? FlatId(doc) : doc.id;
   g_action = "";
   if(id == "")
     {
      MoveAside(progress, rest, doc.flat ? "malformed command: no id" : "malformed command: " + doc.error);
      return;
     }
   Command c;
   string error = "";
   if(!doc.flat)
      FinishWith(rest, progress, id, "rejected", "malformed command: " + doc.error);
   else
      if(!CommandFromJson(doc, c, error))
         FinishWith(rest, progress, id, "rejected", "invalid command: " + error);
      else
         HandleCommand(rest, progress, id, c);
  }

// Step 1: claim the file by renaming it; false when it was not claimed.
bool Process(string name)
  {
   string rest = StringSubstr(name, StringLen(COMMAND_PREFIX));
   string progress = IN_PROGRESS_PREFIX + rest;
   if(!FileMove(name, 0, progress, 0))
      return false;   // held by the writer or an antivirus: next pass
   uchar bytes[];
   int size = ReadBytes(progress, bytes, JSON_MAX_BYTES + 1);
   if(size < 0)
     {
      // Nothing was sent, so giving it back for the next pass is safe.
      if(!MoveFile(progress, name, 0))
         PrintFormat("%s: unreadable and stuck in progress; it will end as unknown", name);
      return false;
     }
   Handle(rest, progress, bytes, size);
   return true;
  }

// Every command file in name order, again while new ones were claimed.
void DrainCommands()
  {
   for(int pass = 0; pass < COMMAND_ROUNDS; pass++)
     {
      if(!Connected())
         return;   // the commands wait (see Connected)
      string names[];
      int count = ListFiles(COMMAND_PREFIX, names);
      int claimed = 0;
      for(int i = 0; i < count; i++)
         if(Process(names[i]))
            claimed++;
      if(claimed == 0)
         return;
     }
  }

//+------------------------------------------------------------------+
//| At start-up: an in-progress file left by a crash may or may not  |
//| have reached the broker. It is answered `unknown` and its id     |
//| remembered, so a copy the server writes again is never run; if   |
//| its result was already written, that result stands.             |
//+------------------------------------------------------------------+
void Reconcile()
  {
   string names[];
   int count = ListFiles(IN_PROGRESS_PREFIX, names);
   for(int i = 0; i < count; i++)
     {
      string rest = StringSubstr(names[i], StringLen(IN_PROGRESS_PREFIX));
      if(FileIsExist(RESULT_PREFIX + rest))
        {
         FileDelete(names[i]);
         continue;
        }
      uchar bytes[];
      int size = ReadBytes(names[i], bytes, JSON_MAX_BYTES + 1);
      if(size < 0)
         continue;   // held: the next start-up tries again
      JsonObject doc;
      JsonRead(bytes, size, doc);
      string id = doc.flat ? FlatId(doc) : doc.id;
      if(id == "")
        {
         MoveAside(names[i], rest, "unreadable in-progress file");
         continue;
        }
      if(!WasExecuted(id) && !MarkExecuted(id))
         continue;
      FinishWith(rest, names[i], id, "unknown",
                 "terminal restarted while executing; not sent again");
     }
  }

// `state` is "" while running, "stopped" for the last one (PROTOCOL.md 5).
void Heartbeat(string state = "")
  {
   g_heartbeat_seq++;
   string names[];
   string text = HeartbeatJson(g_login, ListFiles(COMMAND_PREFIX, names), state);
   WriteTextAtomic(HEARTBEAT_FILE, text);
   if(InpTransport == TRANSPORT_HTTP)
      HttpHeartbeat(text, state != "");
   g_heartbeat_due = GetMicrosecondCount() + (ulong)InpHeartbeatSeconds * 1000000;
  }

void HeartbeatWhenDue()
  {
   if(GetMicrosecondCount() >= g_heartbeat_due)
      Heartbeat();
  }

// Once the terminal is logged in: reconcile before anything else, then
// announce ourselves. False while there is no account yet.
bool Start()
  {
   long login = AccountInfoInteger(ACCOUNT_LOGIN);
   if(login <= 0)
      return false;
   g_login = IntegerToString(login);
   if(!LoadExecuted())
      return false;
   Reconcile();
   WriteSymbols(g_login);
   g_heartbeat_seq = LastHeartbeatSeq();
   Heartbeat();
   BookWhenDue();
   g_started = true;
   PrintFormat("mt5bot %s started on %s (%s)", EA_VERSION, g_login, MarginModeText());
   return true;
  }

// Inputs first, then the one-copy guard (MT5Bot_Init.mqh), then the timer.
int OnInit()
  {
   string problem = InputsProblem();
   if(problem != "")
      return Refuse(INIT_PARAMETERS_INCORRECT, problem);
   if(!HoldLock())
      return Refuse(INIT_FAILED, "another copy of mt5bot runs on this terminal ("
                    + LOCK_FILE + " is held, error " + IntegerToString(GetLastError())
                    + "); one copy per terminal trades all its commands");
   if(!EventSetMillisecondTimer(InpPollMilliseconds))
     {
      ReleaseLock();
      return Refuse(INIT_FAILED, "cannot start a " + IntegerToString(InpPollMilliseconds)
                    + " ms timer: error " + IntegerToString(GetLastError()));
     }
   ShowStatus();
   return INIT_SUCCEEDED;
  }

//+------------------------------------------------------------------+
//| A copy refused in OnInit holds nothing and keeps its reason on   |
//| the chart. Otherwise: a last heartbeat that says `stopped`, so   |
//| the server shows the account down at once rather than when the   |
//| heartbeat goes stale (not when the EA comes straight back: that  |
//| would flap the account offline and notify for nothing); then the |
//| lock goes and the chart is clean.                                |
//+------------------------------------------------------------------+
void OnDeinit(const int reason)
  {
   EventKillTimer();
   if(reason == REASON_INITFAILED)
      return;
   if(g_started && !Reloading(reason))
     {
      Book(true);   // the book as the EA leaves it (PROTOCOL.md 5.1)
      Heartbeat("stopped");
     }
   ReleaseLock();
   Comment("");
  }

void OnTimer()
  {
   if(!g_started && !Start())
     {
      ShowStatus();
      return;
     }
   bool http = InpTransport == TRANSPORT_HTTP;
   if(http && HttpDue())
      HttpFetchCommands();
   DrainCommands();
   if(http && !HttpDown())
      HttpUploadResults();
   if(FileIsExist(SYMBOLS_REQUEST) && WriteSymbols(g_login))
      FileDelete(SYMBOLS_REQUEST);
   HeartbeatWhenDue();
   BookWhenDue();
   ShowStatus();
  }
//+------------------------------------------------------------------+
