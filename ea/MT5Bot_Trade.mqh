//+------------------------------------------------------------------+
//| MT5Bot_Trade.mqh: what every action needs: the symbol's rules    |
//| (docs/mt5.md 4-8), sending one request, and turning answers into |
//| a result, as ea/paper/sending.py does.                           |
//+------------------------------------------------------------------+
#define VOLUME_EPSILON 1e-9

uint g_first_refusal;   // the first refused retcode of the command in hand

bool Accepted(uint retcode)
  {
   return retcode == TRADE_RETCODE_PLACED || retcode == TRADE_RETCODE_DONE
          || retcode == TRADE_RETCODE_DONE_PARTIAL;
  }

//+------------------------------------------------------------------+
//| PROTOCOL.md 4: after a send, an answer that does not say whether |
//| the request executed: 10012 (the request timed out; the server   |
//| may still have executed it), 10028 (locked for processing: a     |
//| dealer may be handling it) or no retcode at all (OrderSend       |
//| failed and nothing came back). Such a send is reported `unknown`,|
//| whatever the action, and never sent again. Not a request the EA  |
//| never sent because the connection did not come back in time.     |
//+------------------------------------------------------------------+
bool Unsure(uint retcode)
  {
   return retcode == TRADE_RETCODE_TIMEOUT || retcode == TRADE_RETCODE_LOCKED
          || (retcode == 0 && !g_unsent);
  }

// SymbolSelect also adds it to Market Watch, which quotes need; it fails
// for a name the broker does not have, and no other symbol is guessed.
bool SymbolKnown(string symbol)
  {
   return symbol != "" && SymbolSelect(symbol, true);
  }

int Decimals(double step)
  {
   for(int digits = 0; digits < 10; digits++)
     {
      double scaled = step * MathPow(10, digits);
      if(MathAbs(scaled - MathRound(scaled)) < 1e-7)
         return digits;
     }
   return 10;
  }

// docs/mt5.md 7: floor to the step with an epsilon, so 0.3 stays 0.3 although
// 0.3 / 0.01 is 29.999999999999996; what falls below the minimum is refused
// before sending (VolumeRefusal), nothing is raised to it.
double NormalizeVolume(string symbol, double volume)
  {
   double step = SymbolInfoDouble(symbol, SYMBOL_VOLUME_STEP);
   if(step <= 0)
      return volume;
   double steps = MathFloor(volume / step + VOLUME_EPSILON);
   return NormalizeDouble(steps * step, Decimals(step));
  }

double NormalizePrice(string symbol, double price)
  {
   double tick = SymbolInfoDouble(symbol, SYMBOL_TRADE_TICK_SIZE);
   int digits = (int)SymbolInfoInteger(symbol, SYMBOL_DIGITS);
   if(tick <= 0)
      return NormalizeDouble(price, digits);
   return NormalizeDouble(MathRound(price / tick) * tick, digits);
  }

bool SamePrice(string symbol, double a, double b)
  {
   return MathAbs(a - b) < SymbolInfoDouble(symbol, SYMBOL_POINT) / 10;
  }

// docs/mt5.md 4: request and instant execution fill market orders FOK,
// whatever the flags; otherwise FOK if the symbol allows it, else IOC,
// else RETURN.
ENUM_ORDER_TYPE_FILLING MarketFilling(string symbol)
  {
   long execution = SymbolInfoInteger(symbol, SYMBOL_TRADE_EXEMODE);
   if(execution == SYMBOL_TRADE_EXECUTION_REQUEST || execution == SYMBOL_TRADE_EXECUTION_INSTANT)
      return ORDER_FILLING_FOK;
   long modes = SymbolInfoInteger(symbol, SYMBOL_FILLING_MODE);
   if((modes & SYMBOL_FILLING_FOK) != 0)
      return ORDER_FILLING_FOK;
   if((modes & SYMBOL_FILLING_IOC) != 0)
      return ORDER_FILLING_IOC;
   return ORDER_FILLING_RETURN;
  }

// docs/mt5.md 14: a pending order is GTC where the symbol allows it, DAY
// where it allows DAY and not GTC; a symbol that allows neither gets GTC,
// and the server's 10022 says why nothing was placed.
ENUM_ORDER_TYPE_TIME PendingTime(string symbol)
  {
   long modes = SymbolInfoInteger(symbol, SYMBOL_EXPIRATION_MODE);
   if((modes & SYMBOL_EXPIRATION_GTC) == 0 && (modes & SYMBOL_EXPIRATION_DAY) != 0)
      return ORDER_TIME_DAY;
   return ORDER_TIME_GTC;
  }

double PipSize(string symbol)
  {
   long digits = SymbolInfoInteger(symbol, SYMBOL_DIGITS);
   double point = SymbolInfoDouble(symbol, SYMBOL_POINT);
   return (digits == 3 || digits == 5) ? point * 10 : point;
  }

// One stop: an absolute price first (0 means none, as in MQL5), else
// points, else pips from `base`; 0 when none is asked.
double StopLevel(string symbol, double base, int direction, double absolute,
                 double points, double pips)
  {
   if(!IsNone(absolute) && absolute != 0)
      return NormalizePrice(symbol, absolute);
   if(!IsNone(points))
      return NormalizePrice(symbol, base + direction * points * SymbolInfoDouble(symbol, SYMBOL_POINT));
   if(!IsNone(pips))
      return NormalizePrice(symbol, base + direction * pips * PipSize(symbol));
   return 0;
  }

void StopLevels(string symbol, bool buy, double base, const Command &c, double &sl,
                double &tp)
  {
   int sign = buy ? 1 : -1;
   sl = StopLevel(symbol, base, -sign, c.stop_loss, c.sl_points, c.sl_pips);
   tp = StopLevel(symbol, base, sign, c.take_profit, c.tp_points, c.tp_pips);
  }

bool IsBuyType(long type)
  {
   return type == ORDER_TYPE_BUY || type == ORDER_TYPE_BUY_LIMIT
          || type == ORDER_TYPE_BUY_STOP || type == ORDER_TYPE_BUY_STOP_LIMIT;
  }

bool IsHedging()
  {
   return AccountInfoInteger(ACCOUNT_MARGIN_MODE) == ACCOUNT_MARGIN_MODE_RETAIL_HEDGING;
  }

string RetcodeText(uint retcode)
  {
   if(retcode == TRADE_RETCODE_PLACED)
      return "placed";
   if(retcode == TRADE_RETCODE_DONE)
      return "done";
   if(retcode == TRADE_RETCODE_DONE_PARTIAL)
      return "done partially";
   if(retcode == 10004)
      return "requote";
   if(retcode == 10006)
      return "request rejected";
   if(retcode == 10012)
      return "request timed out";
   if(retcode == 10013)
      return "invalid request";
   if(retcode == 10014)
      return "invalid volume";
   if(retcode == 10015)
      return "invalid price";
   if(retcode == 10016)
      return "invalid stops";
   if(retcode == 10017)
      return "trade disabled";
   if(retcode == 10018)
      return "market closed";
   if(retcode == 10019)
      return "no money";
   if(retcode == 10027)
      return "algo trading disabled in the terminal";
   if(retcode == 10029)
      return "frozen";
   if(retcode == 10030)
      return "unsupported filling mode";
   if(retcode == 10044)
      return "close-only";
   return "retcode " + IntegerToString(retcode);
  }

//+------------------------------------------------------------------+
//| docs/mt5.md 6: answers that prove the request was not executed:  |
//| requote (10004), price changed (10020), no quotes (10021), too   |
//| many requests (10024), no connection (10031). Only these are     |
//| sent again; a timeout or anything else that may have executed    |
//| never is (at most once), nor 10028 (locked for processing),      |
//| which MT5 does not say had no effect: that one is `unknown`.     |
//+------------------------------------------------------------------+
bool NothingExecuted(uint retcode)
  {
   return retcode == 10004 || retcode == 10020 || retcode == 10021 || retcode == 10024
          || retcode == 10031;
  }

// MT5Bot_Open.mqh builds a BUY/SELL's request; a retry builds it again.
bool OpenRequest(const Command &c, MqlTradeRequest &request, string &error);

//+------------------------------------------------------------------+
//| Before attempt `attempt` (1, 2, ...) of a request refused with   |
//| NothingExecuted: a pause that does not reach the command's       |
//| expiry, the connection (waited for), then the request at the     |
//| current price: a BUY/SELL's built again from the command (stops  |
//| in points or pips, and a risk-sized volume, follow the price, as |
//| the paper terminal's rebuild), a closing deal's price refreshed. |
//| False: give up with the last answer.                             |
//+------------------------------------------------------------------+
bool ReadyToRetry(int attempt, const Command &c, MqlTradeRequest &request)
  {
   if(attempt > SEND_RETRIES || !RetryPause() || !AwaitConnection())
      return false;
   if((c.action == "BUY" || c.action == "SELL") && request.position == 0)
     {
      MqlTradeRequest fresh;
      string error = "";
      if(!OpenRequest(c, fresh, error))
         return false;   // cannot be built now: the last answer stands
      request = fresh;
      return true;
     }
   if(request.action != TRADE_ACTION_DEAL)
      return true;
   MqlTick tick;
   if(!FreshTick(request.symbol, tick))
      return false;
   request.price = request.type == ORDER_TYPE_BUY ? tick.ask : tick.bid;
   return true;
  }

// The position a deal opened or touched: its deal says so; if the history
// is not there yet, the request's position, else the order's ticket (a new
// position takes its opening order's ticket).
ulong DealPosition(const MqlTradeRequest &request, const MqlTradeResult &result)
  {
   if(result.deal > 0 && HistoryDealSelect(result.deal))
      return (ulong)HistoryDealGetInteger(result.deal, DEAL_POSITION_ID);
   return request.position > 0 ? request.position : result.order;
  }

//+------------------------------------------------------------------+
//| Send one request with the command's magic and comment, again     |
//| (bounded) while the server proves it did not execute it; false   |
//| when the server did not accept it.                               |
//+------------------------------------------------------------------+
bool SendRequest(const Command &c, MqlTradeRequest &request, MqlTradeResult &result)
  {
   g_unsent = false;
   ZeroMemory(result);
   if(!AwaitConnection())   // the time ran out offline: nothing was sent
     {
      g_unsent = true;
      result.comment = "no connection to the trade server before "
                       + JsonNumberText(g_expires_at) + "; not sent";
      return false;
     }
   for(int attempt = 1; ; attempt++)
     {
      request.magic = c.magic;
      request.comment = c.comment;
      request.deviation = (ulong)InpDeviationPoints;
      ZeroMemory(result);
      ResetLastError();
      if(!OrderSend(request, result) && result.retcode == 0)
         result.comment = "OrderSend failed, error " + IntegerToString(GetLastError());
      if(!NothingExecuted(result.retcode) || !ReadyToRetry(attempt, c, request))
         break;
     }
   if(!Accepted(result.retcode) && g_first_refusal == 0)
      g_first_refusal = result.retcode;
   if(!Accepted(result.retcode))
      return false;
   g_accepted = true;
   return true;
  }

//+------------------------------------------------------------------+
//| The result of one request (PROTOCOL.md 4).                       |
//+------------------------------------------------------------------+
void Answered(const MqlTradeRequest &request, const MqlTradeResult &result, string what,
              Result &r)
  {
   string message = what + ": " + RetcodeText(result.retcode) + " (" + result.comment + ")";
   if(!Accepted(result.retcode))
     {
      // A timeout may have reached the server: unknown, never retried.
      ResultReset(r, Unsure(result.retcode) ? "unknown" : "rejected", result.retcode, message);
      return;
     }
   ResultReset(r, "executed", result.retcode, message);
   bool pending = request.action == TRADE_ACTION_PENDING;
   r.ticket = pending ? result.order : DealPosition(request, result);
   r.price = result.price > 0 ? result.price : (pending ? request.price : EMPTY_VALUE);
   r.volume = result.volume > 0 ? result.volume : (pending ? request.volume : EMPTY_VALUE);
   r.has_order = true;
   r.order = result.order;
   r.deal = result.deal;
  }

//+------------------------------------------------------------------+
