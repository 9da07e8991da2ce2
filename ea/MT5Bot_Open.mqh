//+------------------------------------------------------------------+
//| MT5Bot_Open.mqh: BUY and SELL, a market deal or a pending order, |
//| after `close_first` (PROTOCOL.md 3), as ea/paper/opening.py.     |
//+------------------------------------------------------------------+

string TypeText(ENUM_ORDER_TYPE type)
  {
   string names[] = {"BUY", "SELL", "BUY LIMIT", "SELL LIMIT", "BUY STOP", "SELL STOP"};
   return (int)type < ArraySize(names) ? names[(int)type] : "ORDER";
  }

string Describe(const MqlTradeRequest &request)
  {
   return TypeText(request.type) + " " + JsonNumberText(request.volume) + " "
          + request.symbol + " at " + JsonNumberText(request.price);
  }

//+------------------------------------------------------------------+
//| Lots asked for, before the step: the command's volume, or        |
//| risk_percent of the balance lost at the stop loss, from the SL   |
//| distance and SYMBOL_TRADE_TICK_VALUE. False with the reason in   |
//| `error`.                                                         |
//+------------------------------------------------------------------+
bool OpeningVolume(const Command &c, string symbol, double price, double sl,
                   double &volume, string &error)
  {
   if(IsNone(c.risk_percent))
     {
      if(IsNone(c.volume))
        {
         error = "no volume given";
         return false;
        }
      volume = c.volume;
      return true;
     }
   if(!IsNone(c.volume))
      error = "give volume or risk_percent, not both";
   else
      if(sl == 0)
         error = "risk_percent sizing needs a stop loss";
   if(error != "")
      return false;
   double tick_size = SymbolInfoDouble(symbol, SYMBOL_TRADE_TICK_SIZE);
   double tick_value = SymbolInfoDouble(symbol, SYMBOL_TRADE_TICK_VALUE);
   double loss_per_lot = tick_size > 0 ? MathAbs(price - sl) / tick_size * tick_value : 0;
   if(loss_per_lot <= 0)
     {
      error = "risk_percent sizing needs a stop loss away from the price";
      return false;
     }
   double balance = AccountInfoDouble(ACCOUNT_BALANCE);
   volume = balance * c.risk_percent / 100 / loss_per_lot;
   return true;
  }

ENUM_ORDER_TYPE PendingType(bool buy, string order_type)
  {
   if(order_type == "limit")
      return buy ? ORDER_TYPE_BUY_LIMIT : ORDER_TYPE_SELL_LIMIT;
   return buy ? ORDER_TYPE_BUY_STOP : ORDER_TYPE_SELL_STOP;
  }

//+------------------------------------------------------------------+
//| The request for BUY/SELL, or false with the reason it cannot be  |
//| built or may not be sent (MT5Bot_Limits.mqh). Pending orders     |
//| take RETURN (docs/mt5.md 4) and PendingTime (docs/mt5.md 14).    |
//+------------------------------------------------------------------+
bool OpenRequest(const Command &c, MqlTradeRequest &request, string &error)
  {
   ZeroMemory(request);
   string symbol = c.symbol;
   bool buy = c.action == "BUY";
   MqlTick tick;
   if(!FreshTick(symbol, tick))
     {
      error = NoQuote(symbol);
      return false;
     }
   double price = 0;
   if(c.order_type == "market")
     {
      price = buy ? tick.ask : tick.bid;
      request.action = TRADE_ACTION_DEAL;
      request.type = buy ? ORDER_TYPE_BUY : ORDER_TYPE_SELL;
      request.type_filling = MarketFilling(symbol);
     }
   else
      if(IsNone(c.price))
        {
         error = "a " + c.order_type + " order needs a price";
         return false;
        }
      else
        {
         price = NormalizePrice(symbol, c.price);
         request.action = TRADE_ACTION_PENDING;
         request.type = PendingType(buy, c.order_type);
         request.type_filling = ORDER_FILLING_RETURN;
         request.type_time = PendingTime(symbol);
        }
   double sl, tp, asked;
   StopLevels(symbol, buy, price, c, sl, tp);
   if(!OpeningVolume(c, symbol, price, sl, asked, error))
      return false;
   request.symbol = symbol;
   request.price = price;
   request.sl = sl;
   request.tp = tp;
   request.volume = NormalizeVolume(symbol, asked);
   error = VolumeRefusal(symbol, asked, request.volume);
   if(error == "")
      error = PriceRefusal(symbol, request.type, price, sl, tp);
   if(error == "")
      error = LotRefusal(request.volume, c.max_volume);
   if(error == "")
      error = PositionsRefusal(c.magic, symbol);
   return error == "";
  }

// A reversal whose close was refused opens nothing: the old side would
// stay open next to the new one. A close whose outcome is unknown makes
// the command unknown too.
void CloseFirstFailed(const Result &done, int closed, Result &r)
  {
   bool unsure = done.status == "unknown";
   // An unknown close keeps its words in front, as the paper terminal's.
   string head = unsure ? g_unsure_head : "";
   ResultReset(r, unsure ? "unknown" : "rejected", unsure ? done.retcode : g_first_refusal,
               head + "close first: " + StringSubstr(done.message, StringLen(head))
               + "; nothing opened");
   r.ticket = unsure ? done.ticket : 0;
   r.closed = closed;
  }

void OpenOrder(const Command &c, Result &r)
  {
   if(!SymbolKnown(c.symbol))
     {
      Refused(r, "unknown symbol '" + c.symbol + "'");
      return;
     }
   int closed = -1;
   if(c.close_first != "")
     {
      ulong tickets[];
      int side = c.close_first == "long" ? POSITION_TYPE_BUY : POSITION_TYPE_SELL;
      SelectPositions(c, c.symbol, side, tickets);
      Result done;
      ClosePositions(c, tickets, EMPTY_VALUE, "nothing to close first", done);
      closed = done.closed;
      // A remainder left open by a partial fill is a close that failed.
      if(done.status != "executed" || done.failed > 0
         || done.retcode == TRADE_RETCODE_DONE_PARTIAL)
        {
         CloseFirstFailed(done, closed, r);
         return;
        }
     }
   MqlTradeRequest request;
   string error = "";
   if(!OpenRequest(c, request, error))
     {
      Refused(r, error);
      r.closed = closed;
      return;
     }
   ulong before[];
   OursOn(c.symbol, c.magic, before);
   // Positions listed now need no wait later, and a position listed before
   // the deal is not new: on a netting account the deal may close it, and
   // a closed position never shows.
   OpenedShown();
   MqlTradeResult result;
   if(SendRequest(c, request, result) && request.action == TRADE_ACTION_DEAL)
     {
      ulong position = DealPosition(request, result);
      if(!Listed(before, position))
         NoteOpened(position);
     }
   Answered(request, result, Describe(request), r);
   r.closed = closed;
   if(result.retcode == TRADE_RETCODE_DONE_PARTIAL)
      r.message += "; filled in part: " + LotsText(result.volume) + " of "
                   + LotsText(request.volume) + " lots, the rest cancelled";
   if(r.status == "unknown")
      LostOpening(c, before, result, r);
  }
//+------------------------------------------------------------------+
