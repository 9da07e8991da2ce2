//+------------------------------------------------------------------+
//| MT5Bot_Close.mqh: CLOSE, CLOSE_SYMBOL/LONG/SHORT/ALL, MODIFY and |
//| CANCEL (PROTOCOL.md 3), as ea/paper/closing.py does them.        |
//|                                                                  |
//| "Ours" means carrying the command's magic, unless include_manual |
//| is true; an explicit ticket is taken whoever opened it.          |
//+------------------------------------------------------------------+
bool Ours(const Command &c, long magic)
  {
   return c.include_manual || (ulong)magic == c.magic;
  }

// Our positions, oldest ticket first; "" is any symbol, side -1 either side.
void SelectPositions(const Command &c, string symbol, int side, ulong &tickets[])
  {
   SettleOpened();
   ArrayResize(tickets, 0);
   for(int i = PositionsTotal() - 1; i >= 0; i--)
     {
      ulong ticket = PositionGetTicket(i);
      if(ticket == 0 || !Ours(c, PositionGetInteger(POSITION_MAGIC)))
         continue;
      if(symbol != "" && PositionGetString(POSITION_SYMBOL) != symbol)
         continue;
      if(side >= 0 && PositionGetInteger(POSITION_TYPE) != side)
         continue;
      AddTicket(tickets, ticket);
     }
   SortTickets(tickets);
  }

//+------------------------------------------------------------------+
//| docs/mt5.md 9: the opposite deal for the position's volume (less |
//| for a partial close). On hedging it names the position, or it    |
//| would open a new opposite one; on netting the opposite deal is   |
//| what reduces or closes the symbol's one position.                |
//+------------------------------------------------------------------+
void CloseRequest(ulong ticket, double volume, MqlTradeRequest &request)
  {
   ZeroMemory(request);
   string symbol = PositionGetString(POSITION_SYMBOL);
   bool buy = PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY;
   request.action = TRADE_ACTION_DEAL;
   request.symbol = symbol;
   request.volume = volume;
   request.type = buy ? ORDER_TYPE_SELL : ORDER_TYPE_BUY;
   request.price = SymbolInfoDouble(symbol, buy ? SYMBOL_BID : SYMBOL_ASK);
   request.type_filling = MarketFilling(symbol);
   if(IsHedging())
      request.position = ticket;
  }

//+------------------------------------------------------------------+
//| Close `tickets` in order; `volume` (lots) is a partial close     |
//| spread over them oldest first, EMPTY_VALUE closes them whole. A  |
//| part below the symbol's minimum is not sent.                     |
//+------------------------------------------------------------------+
void ClosePositions(const Command &c, const ulong &tickets[], double volume, string empty,
                    Result &r)
  {
   Batch b;
   BatchReset(b);
   for(int i = 0; i < ArraySize(tickets); i++)
     {
      if(!PositionSelectByTicket(tickets[i]))
         continue;
      string symbol = PositionGetString(POSITION_SYMBOL);
      double held = PositionGetDouble(POSITION_VOLUME);
      double lots = IsNone(volume) ? held : MathMin(held, NormalizeVolume(symbol, volume));
      string reason = IsNone(volume) ? "" : VolumeRefusal(symbol, volume, lots);
      if(reason != "")
        {
         BatchRefuse(b, tickets[i], reason);
         break;
        }
      MqlTick tick;
      if(!FreshTick(symbol, tick))
        {
         BatchRefuse(b, tickets[i], NoQuote(symbol));
         if(IsNone(volume))
            continue;
         break;   // a part of the volume is never moved to another position
        }
      MqlTradeRequest request;
      CloseRequest(tickets[i], lots, request);
      CloseSend(c, b, request, tickets[i]);
      if(IsNone(volume))
         continue;
      volume = NormalizeDouble(volume - lots, 8);
      if(volume < SymbolInfoDouble(symbol, SYMBOL_VOLUME_STEP) / 2)
         break;
     }
   BatchResult(b, "closed", empty, r);
  }

void CloseTicket(const Command &c, Result &r)
  {
   if(c.ticket == 0)
     {
      Refused(r, "CLOSE needs a ticket");
      return;
     }
   SettleOpened();
   if(!PositionSelectByTicket(c.ticket))
     {
      string pending = OrderSelect(c.ticket) ? " (a pending order: use CANCEL)" : "";
      Refused(r, "position #" + IntegerToString((long)c.ticket) + " not found" + pending);
      return;
     }
   ulong tickets[];
   AddTicket(tickets, c.ticket);
   ClosePositions(c, tickets, c.volume, "", r);
  }

void CloseSymbol(const Command &c, int side, Result &r)
  {
   if(!SymbolKnown(c.symbol))
     {
      Refused(r, "unknown symbol '" + c.symbol + "'");
      return;
     }
   ulong tickets[];
   SelectPositions(c, c.symbol, side, tickets);
   string which = side == POSITION_TYPE_BUY ? "long " : (side == POSITION_TYPE_SELL ? "short " : "");
   ClosePositions(c, tickets, c.volume, "no " + which + "position of ours on " + c.symbol, r);
  }

void CloseAll(const Command &c, Result &r)
  {
   ulong tickets[];
   SelectPositions(c, "", -1, tickets);
   ClosePositions(c, tickets, c.volume, "no position of ours", r);
  }

//+------------------------------------------------------------------+
//| MODIFY: SLTP for a position, MODIFY for a pending order. A stop  |
//| the command does not name keeps its value; an item already as    |
//| asked gets no request (MT5 would answer 10025 NO_CHANGES).       |
//+------------------------------------------------------------------+
bool NewStopsGiven(const Command &c)
  {
   return !IsNone(c.stop_loss) || !IsNone(c.take_profit) || !IsNone(c.sl_points)
          || !IsNone(c.tp_points) || !IsNone(c.sl_pips) || !IsNone(c.tp_pips)
          || !IsNone(c.price);
  }

// False with `reason` set when the new prices break the stops level
// (MT5Bot_Limits.mqh), with it empty when there is nothing to change.
bool ModifyRequest(const Command &c, ulong ticket, MqlTradeRequest &request,
                   string &reason)
  {
   ZeroMemory(request);
   bool position = PositionSelectByTicket(ticket);
   if(!position && !OrderSelect(ticket))
      return false;
   string symbol = position ? PositionGetString(POSITION_SYMBOL) : OrderGetString(ORDER_SYMBOL);
   double open = position ? PositionGetDouble(POSITION_PRICE_OPEN) : OrderGetDouble(ORDER_PRICE_OPEN);
   double old_sl = position ? PositionGetDouble(POSITION_SL) : OrderGetDouble(ORDER_SL);
   double old_tp = position ? PositionGetDouble(POSITION_TP) : OrderGetDouble(ORDER_TP);
   // MODIFY sets type_time and expiration too: the order's own, or it would
   // become GTC (docs/mt5.md 14).
   ENUM_ORDER_TYPE_TIME type_time = position ? ORDER_TIME_GTC
                                    : (ENUM_ORDER_TYPE_TIME)OrderGetInteger(ORDER_TYPE_TIME);
   datetime expiration = position ? 0 : (datetime)OrderGetInteger(ORDER_TIME_EXPIRATION);
   bool buy = position ? PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY
              : IsBuyType(OrderGetInteger(ORDER_TYPE));
   double price = open;
   if(!position && !IsNone(c.price))
      price = NormalizePrice(symbol, c.price);
   double sl, tp;
   StopLevels(symbol, buy, price, c, sl, tp);
   sl = sl == 0 ? old_sl : sl;
   tp = tp == 0 ? old_tp : tp;
   if(SamePrice(symbol, sl, old_sl) && SamePrice(symbol, tp, old_tp)
      && SamePrice(symbol, price, open))
      return false;
   ENUM_ORDER_TYPE type = position ? (buy ? ORDER_TYPE_BUY : ORDER_TYPE_SELL)
                          : (ENUM_ORDER_TYPE)OrderGetInteger(ORDER_TYPE);
   reason = PriceRefusal(symbol, type, price, sl, tp);
   if(reason != "")
      return false;
   request.action = position ? TRADE_ACTION_SLTP : TRADE_ACTION_MODIFY;
   request.symbol = symbol;
   request.sl = sl;
   request.tp = tp;
   if(position)
      request.position = ticket;
   else
     {
      request.order = ticket;
      request.price = price;
      request.type_time = type_time;
      request.expiration = expiration;
     }
   return true;
  }

void Modify(const Command &c, Result &r)
  {
   ulong tickets[];
   if(c.ticket != 0)
     {
      SettleOpened();
      if(!PositionSelectByTicket(c.ticket) && !OrderSelect(c.ticket))
        {
         Refused(r, "ticket #" + IntegerToString((long)c.ticket) + " not found");
         return;
        }
      AddTicket(tickets, c.ticket);
     }
   else
      if(c.symbol == "")
        {
         Refused(r, "MODIFY needs a ticket or a symbol");
         return;
        }
      else
         if(!SymbolKnown(c.symbol))
           {
            Refused(r, "unknown symbol '" + c.symbol + "'");
            return;
           }
         else
            SelectPositions(c, c.symbol, -1, tickets);
   if(!NewStopsGiven(c))
     {
      Refused(r, "MODIFY needs a new stop_loss or take_profit");
      return;
     }
   Batch b;
   BatchReset(b);
   for(int i = 0; i < ArraySize(tickets); i++)
     {
      MqlTradeRequest request;
      string reason = "";
      if(ModifyRequest(c, tickets[i], request, reason))
         BatchSend(c, b, request, tickets[i]);
      else
         if(reason != "")
            BatchRefuse(b, tickets[i], reason);
     }
   if(ArraySize(tickets) > 0 && b.done + b.failed == 0)
     {
      ResultReset(r, "executed", 0, "stops already as asked");
      r.modified = 0;
      return;
     }
   BatchResult(b, "modified", "no position of ours on " + c.symbol, r);
  }

//+------------------------------------------------------------------+
//| CANCEL: the order `ticket`, else our orders on `symbol`, else    |
//| every order of ours.                                             |
//+------------------------------------------------------------------+
void Cancel(const Command &c, Result &r)
  {
   ulong tickets[];
   string empty = "";
   if(c.ticket != 0)
     {
      if(!OrderSelect(c.ticket))
        {
         Refused(r, "order #" + IntegerToString((long)c.ticket) + " not found");
         return;
        }
      AddTicket(tickets, c.ticket);
     }
   else
     {
      if(c.symbol != "" && !SymbolKnown(c.symbol))
        {
         Refused(r, "unknown symbol '" + c.symbol + "'");
         return;
        }
      for(int i = OrdersTotal() - 1; i >= 0; i--)
        {
         ulong ticket = OrderGetTicket(i);
         if(ticket > 0 && Ours(c, OrderGetInteger(ORDER_MAGIC))
            && (c.symbol == "" || OrderGetString(ORDER_SYMBOL) == c.symbol))
            AddTicket(tickets, ticket);
        }
      SortTickets(tickets);
      empty = c.symbol == "" ? "no pending order of ours" : "no pending order of ours on " + c.symbol;
     }
   Batch b;
   BatchReset(b);
   for(int k = 0; k < ArraySize(tickets); k++)
     {
      MqlTradeRequest request;
      ZeroMemory(request);
      request.action = TRADE_ACTION_REMOVE;
      request.order = tickets[k];
      BatchSend(c, b, request, tickets[k]);
     }
   BatchResult(b, "cancelled", empty, r);
  }
//+------------------------------------------------------------------+
