//+------------------------------------------------------------------+
//| MT5Bot_Chart.mqh: the status line on the EA's chart (Comment):   |
//| whether it is connected, its last command and its last error,    |
//| so whoever looks at the terminal sees what the EA is doing.      |
//+------------------------------------------------------------------+
string g_action = "";        // the command in hand, e.g. "BUY EURUSD"
string g_last_command = "none";
string g_last_error = "none";
string g_shown = "";         // what the chart shows: redrawn on a change only

string CommandLabel(const Command &c)
  {
   return c.symbol != "" ? c.action + " " + c.symbol : c.action;
  }

void NoteResult(string id, const Result &r)
  {
   string label = g_action != "" ? g_action : "command " + id;
   g_last_command = label + ": " + r.status;
   if(r.status != "executed")
      g_last_error = label + ": " + r.message;
  }

void NoteError(string error)
  {
   g_last_error = error;
  }

string StatusText()
  {
   if(!g_started)
      return "mt5bot " + EA_VERSION + ": waiting for the terminal to log in";
   string link = g_connected ? "connected" : "NOT connected to the trade server";
   string error = g_last_error;
   if(InpTransport == TRANSPORT_HTTP)
      link += HttpDown() ? ", server NOT reachable" : ", server reachable";
   if(HttpDown())
      error = "server: " + g_http_problem;
   return "mt5bot " + EA_VERSION + " on " + g_login + ": " + link
          + "\nlast command: " + g_last_command
          + "\nlast error: " + error;
  }

void ShowStatus()
  {
   string text = StatusText();
   if(text == g_shown)
      return;
   g_shown = text;
   Comment(text);
  }
//+------------------------------------------------------------------+
