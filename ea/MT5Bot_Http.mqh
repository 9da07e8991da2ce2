//+------------------------------------------------------------------+
//| MT5Bot_Http.mqh: the HTTP transport (PROTOCOL.md 7), for a       |
//| terminal that cannot share a folder with the server.             |
//|                                                                  |
//| It only moves messages: a command fetched is written into the    |
//| local MQL5\Files folder and then goes through exactly the steps  |
//| of the file transport (in-progress rename, executed ids, crash   |
//| reconcile); result files are uploaded and deleted once the       |
//| server answered 200. So a lost upload is retried, never lost,    |
//| and nothing here can execute a command twice.                    |
//|                                                                  |
//| The schedule (HttpNextDelayMs): ask for commands about once a    |
//| second while idle, at once again after one arrived, and back off |
//| (2, 4, 8 ... 30 s) while the server does not answer well; the    |
//| journal says when it went away and when it came back, not every  |
//| failed call.                                                     |
//+------------------------------------------------------------------+
#define HTTP_COMMANDS_PER_PASS 20
#define HTTP_IDLE_MS           1000
#define HTTP_BACKOFF_FIRST_MS  2000
#define HTTP_BACKOFF_MAX_MS    30000
#define HTTP_FINAL_TIMEOUT_MS  2000

int    g_http_delay_ms = 0;    // the last wait chosen by HttpNextDelayMs
ulong  g_http_due = 0;         // GetMicrosecondCount() of the next exchange
ulong  g_http_down_since = 0;  // when the server stopped answering well; 0: it answers
string g_http_problem = "";    // what went wrong, as the journal said it

// The wait before the next exchange: pure, so its shape is plain to see.
int HttpNextDelayMs(int previous_ms, bool answered, bool got_command)
  {
   if(!answered)
      return previous_ms < HTTP_BACKOFF_FIRST_MS ? HTTP_BACKOFF_FIRST_MS
             : (int)MathMin(previous_ms * 2.0, HTTP_BACKOFF_MAX_MS);
   return got_command ? 0 : HTTP_IDLE_MS;
  }

bool HttpDown()
  {
   return g_http_down_since != 0;
  }

bool HttpDue()
  {
   return GetMicrosecondCount() >= g_http_due;
  }

void HttpSchedule(bool answered, bool got_command)
  {
   g_http_delay_ms = HttpNextDelayMs(g_http_delay_ms, answered, got_command);
   g_http_due = GetMicrosecondCount() + (ulong)g_http_delay_ms * 1000;
  }

// A call answered as expected: if the server was away, say it is back.
void HttpWorked()
  {
   if(HttpDown())
      PrintFormat("server back after %d s", (int)((GetMicrosecondCount() - g_http_down_since) / 1000000));
   g_http_down_since = 0;
   g_http_problem = "";
  }

// A call that failed: said once when the server goes away, then quiet
// while the back-off lasts (the chart shows the latest problem).
void HttpFailed(string problem)
  {
   if(!HttpDown())
     {
      PrintFormat("server down: %s; asking again with back-off up to %d s",
                  problem, HTTP_BACKOFF_MAX_MS / 1000);
      g_http_down_since = GetMicrosecondCount();
     }
   g_http_problem = problem;
  }

// No answer, or one from a server in trouble (a proxy's 502/503/504).
bool HttpServerAway(int status)
  {
   return status == -1 || status >= 500;
  }

string HttpProblem(string method, string path, int status)
  {
   if(status == -1)
      return method + " " + path + ": no answer, error " + IntegerToString(GetLastError())
             + " (is the URL allowed in Tools > Options > Expert Advisors?)";
   return method + " " + path + ": HTTP " + IntegerToString(status);
  }

// One call; the HTTP status, or -1 when there was no answer (the URL
// is not in the WebRequest allowlist, the server is down).
int HttpCall(string method, string path, const uchar &body[], int size, uchar &answer[],
             int timeout_ms = 0)
  {
   string url = InpServerUrl;
   if(EndsWith(url, "/"))
      url = StringSubstr(url, 0, StringLen(url) - 1);
   url += "/api/ea/" + g_login + "/" + path;
   string headers = "X-EA-Key: " + InpEAKey + "\r\n";
   if(size > 0)
      headers += "Content-Type: application/json\r\n";
   char data[];
   ArrayResize(data, size);
   for(int i = 0; i < size; i++)
      data[i] = (char)body[i];
   char result[];
   string result_headers;
   ResetLastError();
   int status = WebRequest(method, url, headers, timeout_ms > 0 ? timeout_ms : InpHttpTimeoutMs,
                           data, result, result_headers);
   ArrayResize(answer, ArraySize(result));
   for(int k = 0; k < ArraySize(result); k++)
      answer[k] = (uchar)result[k];
   return status;
  }

// The file name the server would have written for this command; a body
// without a readable id or seq still gets a unique name, and the file
// steps then refuse it as they refuse any malformed file.
string HttpCommandName(const uchar &body[], int size)
  {
   JsonObject doc;
   JsonRead(body, size, doc);
   int at = JsonFind(doc, "seq");
   if(doc.flat && FlatId(doc) != "" && at >= 0 && doc.kinds[at] == JSON_INT
      && StringLen(doc.texts[at]) <= 12 && StringFind(doc.texts[at], "-") < 0)
      return COMMAND_PREFIX + IntegerToString(StringToInteger(doc.texts[at]), 12, '0') + "_"
             + FlatId(doc) + JSON_SUFFIX;
   return COMMAND_PREFIX + "000000000000_http" + IntegerToString((long)GetMicrosecondCount())
          + JSON_SUFFIX;
  }

// GET commands until 204: each is delivered once by the server, so it is
// written to disk before anything else happens to it. Then the next
// exchange is scheduled: soon after a command, later when idle or failing.
void HttpFetchCommands()
  {
   uchar none[];
   bool got = false;
   for(int i = 0; i < HTTP_COMMANDS_PER_PASS; i++)
     {
      uchar body[];
      int status = HttpCall("GET", "commands", none, 0, body);
      if(status != 200)
        {
         if(status == 204)
            HttpWorked();
         else
            HttpFailed(HttpProblem("GET", "commands", status));
         HttpSchedule(status == 204, got);
         return;
        }
      HttpWorked();
      got = true;
      string name = HttpCommandName(body, ArraySize(body));
      if(!WriteBytesAtomic(name, body, ArraySize(body)))
        {
         PrintFormat("%s: received but not saved; the server will settle it", name);
         break;
        }
     }
   HttpSchedule(true, got);
  }

// POST every result file; delete it once the server has it (recorded or
// already final: both are 200), set aside one it cannot parse (400).
void HttpUploadResults()
  {
   string names[];
   int count = ListFiles(RESULT_PREFIX, names);
   for(int i = 0; i < count; i++)
     {
      uchar body[], answer[];
      int size = ReadBytes(names[i], body, JSON_MAX_BYTES);
      if(size < 0)
         continue;
      int status = HttpCall("POST", "results", body, size, answer);
      if(status == 200)
         FileDelete(names[i]);
      else
         if(status == 400)
           {
            string rest = StringSubstr(names[i], StringLen(RESULT_PREFIX));
            PrintFormat("%s: refused by the server; kept as %s", names[i], BAD_RESULT_PREFIX + rest);
            MoveFile(names[i], BAD_RESULT_PREFIX + rest, FILE_REWRITE);
           }
         else
           {
            if(HttpServerAway(status))
               HttpFailed(HttpProblem("POST", "results", status));
            return;   // try again on a later pass
           }
     }
  }

//+------------------------------------------------------------------+
//| The symbol list over HTTP (PROTOCOL.md 7): posted once the EA    |
//| has started, and again when a heartbeat's answer asks for it     |
//| ({"send_symbols": true}), the HTTP side of the request file.     |
//| Tried after a heartbeat the server answered, so a server that is |
//| away costs nothing more; a list it refuses (4xx) is not sent     |
//| again until it asks.                                             |
//+------------------------------------------------------------------+
bool g_http_symbols_due = true;

bool HttpAsksForSymbols(const uchar &answer[])
  {
   JsonObject doc;
   JsonRead(answer, ArraySize(answer), doc);
   int at = JsonFind(doc, "send_symbols");
   return doc.flat && at >= 0 && doc.kinds[at] == JSON_TRUE;
  }

void HttpSendSymbols(int heartbeat_status, const uchar &answer[])
  {
   if(heartbeat_status == 200 && HttpAsksForSymbols(answer))
      g_http_symbols_due = true;
   if(!g_http_symbols_due || HttpServerAway(heartbeat_status))
      return;
   uchar body[], reply[];
   int size = TextToBytes(SymbolsJson(g_login), body);
   int status = HttpCall("POST", "symbols", body, size, reply);
   if(HttpServerAway(status))
      return;   // no answer or a 5xx: tried after the next heartbeat again
   g_http_symbols_due = false;
   if(status < 200 || status > 299)
      PrintFormat("POST symbols: HTTP %d; sent again when the server asks", status);
  }

//+------------------------------------------------------------------+
//| The book over HTTP (PROTOCOL.md 7), when it changed: true once   |
//| the server has it or refused it (a 4xx, logged; sent again when  |
//| it changes), false to send it again at the next look (no answer, |
//| a 5xx, or the server is down: the command schedule probes it).   |
//+------------------------------------------------------------------+
bool HttpBook(string text, bool final)
  {
   if(HttpDown())
      return false;
   uchar body[], answer[];
   int size = TextToBytes(text, body);
   int status = HttpCall("POST", "book", body, size, answer,
                         final ? (int)MathMin(InpHttpTimeoutMs, HTTP_FINAL_TIMEOUT_MS) : 0);
   if(HttpServerAway(status))
     {
      if(!final)
         HttpFailed(HttpProblem("POST", "book", status));
      return false;
     }
   HttpWorked();
   if(status < 200 || status > 299)
      PrintFormat("POST book: HTTP %d; sent again when the book changes", status);
   return true;
  }

// Skipped while the server is down: the command schedule probes it, and a
// heartbeat per interval would wait out a timeout each time. The final
// heartbeat (OnDeinit) waits at most HTTP_FINAL_TIMEOUT_MS.
void HttpHeartbeat(string text, bool final)
  {
   if(HttpDown())
      return;
   uchar body[], answer[];
   int size = TextToBytes(text, body);
   int status = HttpCall("POST", "heartbeat", body, size, answer,
                         final ? (int)MathMin(InpHttpTimeoutMs, HTTP_FINAL_TIMEOUT_MS) : 0);
   if(status == 204 || status == 200)
      HttpWorked();
   else
      if(!final && HttpServerAway(status))
         HttpFailed(HttpProblem("POST", "heartbeat", status));
   if(!final)
      HttpSendSymbols(status, answer);
  }

//+------------------------------------------------------------------+
