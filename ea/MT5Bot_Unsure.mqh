//+------------------------------------------------------------------+
//| MT5Bot_Unsure.mqh: ticket lists, and what the EA says after a    |
//| send whose answer was lost (a timeout 10012, or no retcode):     |
//| the whole command is `unknown`, never sent again, and its        |
//| message says what the terminal shows now, in the words of        |
//| ea/paper/trading.py (PROTOCOL.md 4).                             |
//+------------------------------------------------------------------+
void SortTickets(ulong &tickets[])
  {
   for(int i = 1; i < ArraySize(tickets); i++)
     {
      ulong ticket = tickets[i];
      int j = i - 1;
      while(j >= 0 && tickets[j] > ticket)
        {
         tickets[j + 1] = tickets[j];
         j--;
        }
      tickets[j + 1] = ticket;
     }
  }

void AddTicket(ulong &tickets[], ulong ticket)
  {
   int n = ArraySize(tickets);
   ArrayResize(tickets, n + 1);
   tickets[n] = ticket;
  }

// A volume in words, as Python's "{:g}" writes lots: 0.4, 1.
string LotsText(double volume)
  {
   return JsonNumberText(NormalizeDouble(volume, 8));
  }

//+------------------------------------------------------------------+
//| After a send whose outcome is unknown: what the terminal shows   |
//| now for the item it was about, in ea/paper/trading.py's words.   |
//| A hint, not proof: the server may publish the change later.      |
//+------------------------------------------------------------------+
string ReadAgain(const MqlTradeRequest &request, ulong ticket)
  {
   string name = "#" + IntegerToString((long)ticket);
   if(request.action == TRADE_ACTION_REMOVE || request.action == TRADE_ACTION_MODIFY)
      return "order " + name + (OrderSelect(ticket) ? " is still listed" : " is not listed");
   if(!PositionSelectByTicket(ticket))
      return "position " + name + " is not listed (closed?)";
   bool buy = PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY;
   return "position " + name + " is still listed: " + (buy ? "buy " : "sell ")
          + LotsText(PositionGetDouble(POSITION_VOLUME)) + " lots";
  }

//+------------------------------------------------------------------+
//| PROTOCOL.md 4: a command with a send whose answer was lost (a    |
//| timeout, or no retcode) is `unknown` as a whole, never sent      |
//| again; the message starts with the loss and what the terminal    |
//| shows now, then what the command did otherwise.                  |
//+------------------------------------------------------------------+
string g_unsure_head;   // the last MakeUnsure's words before the command's own

void MakeUnsure(Result &r, uint code, string comment, string seen, ulong ticket)
  {
   string what = code == 0 ? "no answer from the server"
                 : comment + " (" + IntegerToString(code) + ")";
   g_unsure_head = what + ": outcome unknown, not retried; now " + seen + "; ";
   r.status = "unknown";
   r.retcode = code;
   r.message = g_unsure_head + r.message;
   if(ticket > 0)
      r.ticket = ticket;
  }

//+------------------------------------------------------------------+
//| After an opening order whose answer was lost: the positions and  |
//| orders of ours on its symbol that were not there before the send |
//| (`before`), waited for a moment (a broker may list a position    |
//| after its deal). Returns the words; `ticket` the first new one.  |
//+------------------------------------------------------------------+
void OursOn(string symbol, ulong magic, ulong &tickets[])
  {
   ArrayResize(tickets, 0);
   for(int i = PositionsTotal() - 1; i >= 0; i--)
     {
      ulong ticket = PositionGetTicket(i);
      if(ticket > 0 && PositionGetString(POSITION_SYMBOL) == symbol
         && (ulong)PositionGetInteger(POSITION_MAGIC) == magic)
         AddTicket(tickets, ticket);
     }
   for(int k = OrdersTotal() - 1; k >= 0; k--)
     {
      ulong ticket = OrderGetTicket(k);
      if(ticket > 0 && OrderGetString(ORDER_SYMBOL) == symbol
         && (ulong)OrderGetInteger(ORDER_MAGIC) == magic)
         AddTicket(tickets, ticket);
     }
   SortTickets(tickets);
  }

bool Listed(const ulong &tickets[], ulong ticket)
  {
   for(int i = 0; i < ArraySize(tickets); i++)
      if(tickets[i] == ticket)
         return true;
   return false;
  }

string ItemWords(ulong ticket)
  {
   if(PositionSelectByTicket(ticket))
      return (PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY ? "buy " : "sell ")
             + LotsText(PositionGetDouble(POSITION_VOLUME)) + " lots";
   if(!OrderSelect(ticket))
      return "";
   string types[] = {"buy", "sell", "buy_limit", "sell_limit", "buy_stop", "sell_stop"};
   long type = OrderGetInteger(ORDER_TYPE);
   string name = type >= 0 && type < ArraySize(types) ? types[(int)type] : "order";
   return name + " " + LotsText(OrderGetDouble(ORDER_VOLUME_CURRENT)) + " lots";
  }

string NewOfOurs(string symbol, ulong magic, const ulong &before[], ulong &first)
  {
   ulong now[];
   string listed = "";
   first = 0;
   for(int step = 0; step < LOOKUP_WAIT_MS / LOOKUP_SLEEP_MS + 1; step++)
     {
      OursOn(symbol, magic, now);
      for(int i = 0; i < ArraySize(now); i++)
        {
         if(Listed(before, now[i]))
            continue;
         first = first == 0 ? now[i] : first;
         listed += (listed == "" ? "" : ", ") + "#" + IntegerToString((long)now[i]) + " "
                   + ItemWords(now[i]);
        }
      if(listed != "")
         return "new of ours on " + symbol + ": " + listed;
      Sleep(LOOKUP_SLEEP_MS);
     }
   return "no new position or order of ours on " + symbol + " after "
          + IntegerToString(LOOKUP_WAIT_MS / 1000) + " s";
  }

void LostOpening(const Command &c, const ulong &before[], const MqlTradeResult &result,
                 Result &r)
  {
   ulong first = 0;
   string seen = NewOfOurs(c.symbol, c.magic, before, first);
   MakeUnsure(r, result.retcode, result.comment, seen, first);
  }

//+------------------------------------------------------------------+
