//+------------------------------------------------------------------+
//| MT5Bot_Batch.mqh: a command's requests summed up for its result  |
//| (PROTOCOL.md 4), as ea/paper/sending.py and trading.py do: the   |
//| counts, a close's remainder after a partial fill, and the        |
//| `unknown` a send with a lost answer makes of the whole command.  |
//+------------------------------------------------------------------+
struct Batch
  {
   int               done;
   int               failed;
   ulong             first_ticket;
   uint              first_retcode;
   double            first_price;
   ulong             first_order;
   ulong             first_deal;
   string            first_comment;
   double            volume;
   string            notes;
   uint              refused_retcode;  // the server's first refusal's
   int               partial;          // closes that left a remainder open
   double            remaining;        // the volume those left open
   string            more_partial;     // the comments of those after the first done
   int               unsure;           // sends whose outcome is not known
   uint              unsure_retcode;   // the first of those's (10012, or 0)
   string            unsure_comment;
   ulong             unsure_ticket;
   string            seen;             // what the terminal shows after each of those
  };

void BatchReset(Batch &b)
  {
   b.done = 0;
   b.failed = 0;
   b.first_ticket = 0;
   b.first_retcode = 0;
   b.first_price = 0;
   b.first_order = 0;
   b.first_deal = 0;
   b.first_comment = "";
   b.volume = 0;
   b.notes = "";
   b.refused_retcode = 0;
   b.partial = 0;
   b.remaining = 0;
   b.more_partial = "";
   b.unsure = 0;
   b.unsure_retcode = 0;
   b.unsure_comment = "";
   b.unsure_ticket = 0;
   b.seen = "";
  }

void BatchUnsure(Batch &b, const MqlTradeRequest &request, ulong ticket,
                 const MqlTradeResult &result)
  {
   if(b.unsure == 0)
     {
      b.unsure_retcode = result.retcode;
      b.unsure_comment = result.comment;
      b.unsure_ticket = ticket;
     }
   b.unsure++;
   b.seen += (b.seen == "" ? "" : "; ") + ReadAgain(request, ticket);
  }

void BatchAccept(Batch &b, ulong ticket, uint retcode, double price, ulong order, ulong deal,
                 string comment, double volume)
  {
   if(b.done == 0)
     {
      b.first_ticket = ticket;
      b.first_retcode = retcode;
      b.first_price = price;
      b.first_order = order;
      b.first_deal = deal;
      b.first_comment = comment;
     }
   else
      if(retcode == TRADE_RETCODE_DONE_PARTIAL)
         b.more_partial += "; " + comment;
   b.done++;
   b.volume += volume;
  }

// A refusal, or a send whose outcome is not known: failed, with its note.
void BatchFail(Batch &b, const MqlTradeRequest &request, ulong ticket,
               const MqlTradeResult &result)
  {
   string note = "#" + IntegerToString((long)ticket) + ": " + result.comment;
   if(result.retcode != 0)
      note += " (" + IntegerToString(result.retcode) + ")";
   if(Unsure(result.retcode))
      BatchUnsure(b, request, ticket, result);
   if(b.refused_retcode == 0)
      b.refused_retcode = result.retcode;
   b.failed++;
   b.notes += (b.notes == "" ? "" : "; ") + note;
  }

void BatchSend(const Command &c, Batch &b, MqlTradeRequest &request, ulong ticket)
  {
   MqlTradeResult result;
   if(SendRequest(c, request, result))
      BatchAccept(b, ticket, result.retcode, result.price, result.order, result.deal,
                  result.comment, result.volume);
   else
      BatchFail(b, request, ticket, result);
  }

//+------------------------------------------------------------------+
//| A closing deal. A partial fill (10010) leaves part open, so the  |
//| remainder is sent again at a fresh price, while tries and time   |
//| last (as ea/paper/sending.py Run.close). The pieces count as one |
//| close; one left open is named in a `partial_close:` comment.     |
//+------------------------------------------------------------------+
void CloseSend(const Command &c, Batch &b, MqlTradeRequest &request, ulong ticket)
  {
   double asked = request.volume, closed = 0, price = 0;
   ulong order = 0, deal = 0;
   int pieces = 0;
   uint last = 0;
   MqlTradeResult result;
   for(int piece = 0; piece <= SEND_RETRIES; piece++)
     {
      bool ok = SendRequest(c, request, result);
      last = result.retcode;
      if(!ok)
         break;
      if(pieces == 0)
        {
         price = result.price;
         order = result.order;
         deal = result.deal;
        }
      pieces++;
      closed += result.volume;
      double left = NormalizeDouble(request.volume - result.volume, 8);
      MqlTick tick;
      if(last != TRADE_RETCODE_DONE_PARTIAL || left <= 0 || !RetryPause()
         || !FreshTick(request.symbol, tick))
         break;
      request.volume = left;
      request.price = request.type == ORDER_TYPE_BUY ? tick.ask : tick.bid;
     }
   if(pieces == 0)
     {
      BatchFail(b, request, ticket, result);
      return;
     }
   if(last != TRADE_RETCODE_DONE && Unsure(last))
      BatchUnsure(b, request, ticket, result);   // a remainder's answer was lost
   string comment = result.comment;
   uint retcode = last;
   if(last != TRADE_RETCODE_DONE)
     {
      double left = NormalizeDouble(asked - closed, 8);
      retcode = TRADE_RETCODE_DONE_PARTIAL;
      comment = "partial_close: " + LotsText(closed) + " of " + LotsText(asked)
                + " lots closed, " + LotsText(left) + " still open on #"
                + IntegerToString((long)ticket);
      b.partial++;
      b.remaining += left;
     }
   else
      if(pieces > 1)
         comment = "done in " + IntegerToString(pieces) + " deals after partial fills";
   BatchAccept(b, ticket, retcode, price, order, deal, comment, closed);
  }

// One request of a batch not sent (MT5Bot_Limits.mqh): failed, no retcode.
void BatchRefuse(Batch &b, ulong ticket, string reason)
  {
   b.failed++;
   b.notes += (b.notes == "" ? "" : "; ") + "#" + IntegerToString((long)ticket) + ": "
              + reason + " (not sent)";
  }

int BatchCount(Result &r, string counter, int value)
  {
   if(counter == "closed")
      r.closed = value;
   if(counter == "cancelled")
      r.cancelled = value;
   if(counter == "modified")
      r.modified = value;
   return value;
  }

//+------------------------------------------------------------------+
//| One result for several requests: executed when at least one was  |
//| accepted, with the counts; rejected when none was, with the      |
//| server's first refusal's retcode, 0 when none was sent; executed |
//| with retcode 0 when there was nothing to do. A close that left a |
//| remainder open makes it 10010 with closed_volume and             |
//| remaining_volume; a lost answer makes it `unknown`.              |
//+------------------------------------------------------------------+
void BatchTotals(const Batch &b, string counter, string empty, Result &r)
  {
   if(b.done == 0 && b.failed == 0)
     {
      ResultReset(r, "executed", 0, empty);
      BatchCount(r, counter, 0);
      return;
     }
   if(b.done == 0)
     {
      ResultReset(r, "rejected", b.refused_retcode, b.notes);
      BatchCount(r, counter, 0);
      return;
     }
   string noun = counter == "cancelled" ? "order(s)" : "position(s)";
   ResultReset(r, "executed", b.first_retcode,
               counter + " " + IntegerToString(b.done) + " " + noun + ": " + b.first_comment);
   BatchCount(r, counter, b.done);
   r.ticket = b.first_ticket;
   r.has_order = true;
   r.order = b.first_order;
   r.deal = b.first_deal;
   if(counter == "closed")
     {
      r.price = b.first_price > 0 ? b.first_price : EMPTY_VALUE;
      r.volume = NormalizeDouble(b.volume, 8);
     }
   if(counter == "closed" && b.partial > 0)
     {
      r.retcode = TRADE_RETCODE_DONE_PARTIAL;
      r.message += b.more_partial;
      r.closed_volume = r.volume;
      r.remaining_volume = NormalizeDouble(b.remaining, 8);
     }
   if(b.failed > 0)
     {
      r.failed = b.failed;
      r.message += "; not " + counter + ": " + b.notes;
     }
  }

void BatchResult(const Batch &b, string counter, string empty, Result &r)
  {
   BatchTotals(b, counter, empty, r);
   if(b.unsure > 0)
      MakeUnsure(r, b.unsure_retcode, b.unsure_comment, b.seen, b.unsure_ticket);
  }

//+------------------------------------------------------------------+
//| What the whole command's result says beyond its requests, as     |
//| ea/paper/trading.py execute: refused with nothing accepted after |
//| the time ran out offline is `expired`; refused unsent for want   |
//| of a quote starts `no_quote:` and carries `code`.                |
//+------------------------------------------------------------------+
void ResultNotes(Result &r)
  {
   if(r.status != "rejected")
      return;
   if(g_offline && !g_accepted)
     {
      r.status = "expired";
      r.retcode = 0;
     }
   else
      if(g_no_quote && r.retcode == 0)
        {
         r.code = "no_quote";
         r.message = "no_quote: " + r.message;
        }
  }
//+------------------------------------------------------------------+
