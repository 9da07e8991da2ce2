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
//+------------------------------------------------------------------+
#define HTTP_COMMANDS_PER_PASS 20

// One call; the HTTP status, or -1 when there was no answer (the URL
// is not in the WebRequest allowlist, the server is down).
int HttpCall(string method, string path, const uchar &body[], int size, uchar &answer[])
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
   int status = WebRequest(method, url, headers, InpHttpTimeoutMs, data, result, result_headers);
   if(status == -1)
      PrintFormat("%s %s: no answer, error %d (is the URL allowed in Tools > Options?)",
                  method, url, GetLastError());
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
// written to disk before anything else happens to it.
void HttpFetchCommands()
  {
   uchar none[];
   for(int i = 0; i < HTTP_COMMANDS_PER_PASS; i++)
     {
      uchar body[];
      int status = HttpCall("GET", "commands", none, 0, body);
      if(status != 200)
        {
         if(status != 204 && status != -1)
            PrintFormat("GET commands: HTTP %d", status);
         return;
        }
      string name = HttpCommandName(body, ArraySize(body));
      if(!WriteBytesAtomic(name, body, ArraySize(body)))
        {
         PrintFormat("%s: received but not saved; the server will settle it", name);
         return;
        }
     }
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
            return;   // the server is away: try again next pass
     }
  }

//+------------------------------------------------------------------+
//| The symbol list over HTTP (PROTOCOL.md 7): posted once the EA    |
//| has started, and again when a heartbeat's answer asks for it     |
//| ({"send_symbols": true}), the HTTP side of the request file.     |
//| Tried after a heartbeat the server answered, so a server that is |
//| away costs nothing more; a list it refuses is not sent again     |
//| until it asks.                                                   |
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
   if(!g_http_symbols_due || heartbeat_status == -1)
      return;
   uchar body[], reply[];
   int size = TextToBytes(SymbolsJson(g_login), body);
   int status = HttpCall("POST", "symbols", body, size, reply);
   if(status == -1)
      return;   // away after all: the next heartbeat tries again
   g_http_symbols_due = false;
   if(status != 200)
      PrintFormat("POST symbols: HTTP %d; sent again when the server asks", status);
  }

void HttpHeartbeat(string text)
  {
   uchar body[], answer[];
   int size = TextToBytes(text, body);
   int status = HttpCall("POST", "heartbeat", body, size, answer);
   if(status != 204 && status != 200 && status != -1)
      PrintFormat("POST heartbeat: HTTP %d", status);
   HttpSendSymbols(status, answer);
  }

//+------------------------------------------------------------------+
