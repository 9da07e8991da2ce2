//+------------------------------------------------------------------+
//| MT5Bot_Limits.mqh: what the EA refuses before sending, as        |
//| ea/paper/limits.py does and in the same words.                   |
//|                                                                  |
//| The EA knows the symbol's volume limits, its stops level and the |
//| quote, so a request the server would refuse for them (10014,     |
//| 10015, 10016) is not sent: the result is rejected with retcode 0 |
//| (PROTOCOL.md 4) and a message naming the value and the limit.    |
//| The server's own answer is still handled: the quote can move     |
//| between this check and the server's (docs/mt5.md 8).             |
//| Each function returns the reason, or "" when it may be sent.     |
//+------------------------------------------------------------------+

// docs/mt5.md 7: below the minimum is refused, never raised to it; above the
// maximum is refused, never clamped. `volume` is `asked` on the step.
string VolumeRefusal(string symbol, double asked, double volume)
  {
   double least = SymbolInfoDouble(symbol, SYMBOL_VOLUME_MIN);
   double most = SymbolInfoDouble(symbol, SYMBOL_VOLUME_MAX);
   string minimum = "the minimum " + JsonNumberText(least) + " for " + symbol;
   if(volume < least - VOLUME_EPSILON)
     {
      if(asked < least - VOLUME_EPSILON)
         return "volume " + JsonNumberText(asked) + " is below " + minimum;
      return "volume " + JsonNumberText(asked) + " floors to " + JsonNumberText(volume)
             + " on the step " + JsonNumberText(SymbolInfoDouble(symbol, SYMBOL_VOLUME_STEP))
             + ", below " + minimum;
     }
   if(volume > most + VOLUME_EPSILON)
      return "volume " + JsonNumberText(volume) + " is above the maximum "
             + JsonNumberText(most) + " for " + symbol;
   return "";
  }

//+------------------------------------------------------------------+
//| The lot limits on an opening order's final volume (sized and     |
//| floored to the step): the account's, sent as the command's       |
//| max_volume, then this EA's own input. Refused, never capped, so  |
//| the trader sees it.                                              |
//+------------------------------------------------------------------+
string LotRefusal(double volume, double max_volume)
  {
   if(!IsNone(max_volume) && volume > max_volume + VOLUME_EPSILON)
      return "volume " + JsonNumberText(volume) + " is above the account's limit of "
             + JsonNumberText(max_volume) + " lots per order (max_volume)";
   if(InpMaxLotsPerOrder > 0 && volume > InpMaxLotsPerOrder + VOLUME_EPSILON)
      return "volume " + JsonNumberText(volume) + " is above the terminal's limit of "
             + JsonNumberText(InpMaxLotsPerOrder) + " lots per order (max lots)";
   return "";
  }

// Positions and pending orders carrying `magic`; on a netting account -1
// when `symbol` has a position already (an order there changes it, adds none).
int OursOpen(ulong magic, string symbol)
  {
   bool hedging = AccountInfoInteger(ACCOUNT_MARGIN_MODE) == ACCOUNT_MARGIN_MODE_RETAIL_HEDGING;
   int ours = 0;
   for(int i = 0; i < PositionsTotal(); i++)
     {
      if(PositionGetTicket(i) == 0)
         continue;
      if(!hedging && PositionGetString(POSITION_SYMBOL) == symbol)
         return -1;
      if((ulong)PositionGetInteger(POSITION_MAGIC) == magic)
         ours++;
     }
   for(int i = 0; i < OrdersTotal(); i++)
      if(OrderGetTicket(i) > 0 && (ulong)OrderGetInteger(ORDER_MAGIC) == magic)
         ours++;
   return ours;
  }

// The last line of defence: no opening order while InpMaxPositions of ours
// are open (positions and pending orders, either may become one).
string PositionsRefusal(ulong magic, string symbol)
  {
   if(InpMaxPositions <= 0)
      return "";
   int ours = OursOpen(magic, symbol);
   if(ours < InpMaxPositions)
      return "";
   return IntegerToString(ours) + " positions and orders of ours are open, the terminal's limit of "
          + IntegerToString(InpMaxPositions) + " (max positions)";
  }

// OnInit: the limit inputs are 0 (off) or above.
string LimitInputsError()
  {
   if(!MathIsValidNumber(InpMaxLotsPerOrder) || InpMaxLotsPerOrder < 0)
      return "max lots per order must be 0 (off) or above, not "
             + JsonNumberText(InpMaxLotsPerOrder);
   if(InpMaxPositions < 0)
      return "max positions must be 0 (off) or above, not " + IntegerToString(InpMaxPositions);
   return "";
  }

//+------------------------------------------------------------------+
//| docs/mt5.md 8: `value` must lie on the `direction` side of       |
//| `reference` (+1 above, -1 below), at least the stops level away; |
//| a stop at the reference itself is refused too, as the server     |
//| refuses it.                                                      |
//+------------------------------------------------------------------+
string DistanceRefusal(string symbol, string what, double value, int direction,
                       string name, double reference)
  {
   double point = SymbolInfoDouble(symbol, SYMBOL_POINT);
   long level = SymbolInfoInteger(symbol, SYMBOL_TRADE_STOPS_LEVEL);
   double points = NormalizeDouble((value - reference) * direction / point, 6);
   if(points > 0 && points >= (double)level)
      return "";
   string where = direction > 0 ? "above" : "below";
   string against = where + " " + name + " " + JsonNumberText(reference);
   if(points <= 0)
      return what + " " + JsonNumberText(value) + " is not " + against + " for " + symbol;
   return what + " " + JsonNumberText(value) + " is " + JsonNumberText(points) + " points "
          + against + ", inside the stops level of " + IntegerToString(level)
          + " points for " + symbol;
  }

// SL below and TP above what a buy triggers on, the other way for a sell; 0
// is no stop.
string StopsRefusal(string symbol, bool buy, string name, double reference, double sl,
                    double tp)
  {
   int sign = buy ? 1 : -1;
   string reason = "";
   if(sl != 0)
      reason = DistanceRefusal(symbol, "stop loss", sl, -sign, name, reference);
   if(reason == "" && tp != 0)
      reason = DistanceRefusal(symbol, "take profit", tp, sign, name, reference);
   return reason;
  }

string PendingText(ENUM_ORDER_TYPE type)
  {
   if(type == ORDER_TYPE_BUY_LIMIT)
      return "buy limit";
   if(type == ORDER_TYPE_SELL_LIMIT)
      return "sell limit";
   return type == ORDER_TYPE_BUY_STOP ? "buy stop" : "sell stop";
  }

// Where a pending order may sit: buy limits below Ask, buy stops above it;
// sell limits above Bid, sell stops below it.
int PendingSide(ENUM_ORDER_TYPE type)
  {
   return (type == ORDER_TYPE_BUY_STOP || type == ORDER_TYPE_SELL_LIMIT) ? 1 : -1;
  }

//+------------------------------------------------------------------+
//| The prices of an order of `type` (ORDER_TYPE_BUY/SELL: a         |
//| position's stops against Bid/Ask; a pending type: its price      |
//| against Ask/Bid, then its stops against that price).             |
//+------------------------------------------------------------------+
string PriceRefusal(string symbol, ENUM_ORDER_TYPE type, double price, double sl,
                    double tp)
  {
   MqlTick tick;
   if(!FreshTick(symbol, tick))
      return NoQuote(symbol);
   bool buy = IsBuyType(type);
   if(type == ORDER_TYPE_BUY || type == ORDER_TYPE_SELL)
      return StopsRefusal(symbol, buy, buy ? "Bid" : "Ask", buy ? tick.bid : tick.ask, sl, tp);
   string reason = DistanceRefusal(symbol, PendingText(type) + " price", price,
                                   PendingSide(type), buy ? "Ask" : "Bid",
                                   buy ? tick.ask : tick.bid);
   if(reason != "")
      return reason;
   return StopsRefusal(symbol, buy, "the order price", price, sl, tp);
  }
//+------------------------------------------------------------------+
