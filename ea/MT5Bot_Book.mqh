//+------------------------------------------------------------------+
//| MT5Bot_Book.mqh: the book (PROTOCOL.md 5.1): open positions,     |
//| pending orders, the day's closing deals and the account's money. |
//|                                                                  |
//| Looked at with every heartbeat and, after a command, as soon as  |
//| BOOK_GAP_US has passed since the last write; written to          |
//| webhook_book.json (and posted over HTTP) only when it changed,   |
//| its clock fields aside. The day is the trade server's; every     |
//| time in the book is UTC.                                         |
//+------------------------------------------------------------------+
#define BOOK_FILE   "webhook_book.json"
#define BOOK_ITEMS  200
#define BOOK_GAP_US 1000000
#define DAY_SECONDS 86400

string g_book_last = "";        // the last book written, its clock fields aside
bool   g_book_written = false;
ulong  g_book_at = 0;           // GetMicrosecondCount() of that write
ulong  g_book_due = 0;          // when it is next looked at
bool   g_book_unposted = false; // HTTP: the server does not have the last one

// The trade server's clock ahead of UTC, to the quarter hour: the two
// clocks are read one after the other and may straddle a second.
long ServerOffset()
  {
   return (long)MathRound(((double)TimeTradeServer() - (double)TimeGMT()) / 900.0) * 900;
  }

// "2025-11-24" for a time on the server's clock.
string DayText(long server_time)
  {
   string d = TimeToString((datetime)server_time, TIME_DATE);   // 2025.11.24
   return StringSubstr(d, 0, 4) + "-" + StringSubstr(d, 5, 2) + "-" + StringSubstr(d, 8, 2);
  }

// MT5's 0 is "no stop"; the book says null.
void JsonPutStop(string &text, string key, double value)
  {
   if(value == 0)
      JsonPutNull(text, key);
   else
      JsonPutNumber(text, key, value);
  }

string BookOrderType(long type)
  {
   if(type == ORDER_TYPE_BUY_LIMIT)
      return "buy_limit";
   if(type == ORDER_TYPE_SELL_LIMIT)
      return "sell_limit";
   if(type == ORDER_TYPE_BUY_STOP)
      return "buy_stop";
   if(type == ORDER_TYPE_SELL_STOP)
      return "sell_stop";
   if(type == ORDER_TYPE_BUY_STOP_LIMIT)
      return "buy_stop_limit";
   if(type == ORDER_TYPE_SELL_STOP_LIMIT)
      return "sell_stop_limit";
   return "other";
  }

string BookDealEntry(long entry)
  {
   if(entry == DEAL_ENTRY_OUT)
      return "out";
   if(entry == DEAL_ENTRY_INOUT)
      return "inout";
   return entry == DEAL_ENTRY_OUT_BY ? "out_by" : "in";
  }

// The position PositionGetTicket selected.
string BookPosition(ulong ticket, long offset)
  {
   string text = "{";
   JsonPutInteger(text, "ticket", (long)ticket);
   JsonPutString(text, "symbol", PositionGetString(POSITION_SYMBOL));
   JsonPutString(text, "type", PositionGetInteger(POSITION_TYPE) == POSITION_TYPE_BUY ? "buy" : "sell");
   JsonPutNumber(text, "volume", PositionGetDouble(POSITION_VOLUME));
   JsonPutNumber(text, "price_open", PositionGetDouble(POSITION_PRICE_OPEN));
   JsonPutStop(text, "sl", PositionGetDouble(POSITION_SL));
   JsonPutStop(text, "tp", PositionGetDouble(POSITION_TP));
   JsonPutNumber(text, "swap", PositionGetDouble(POSITION_SWAP));
   JsonPutNumber(text, "profit", PositionGetDouble(POSITION_PROFIT));
   JsonPutInteger(text, "magic", PositionGetInteger(POSITION_MAGIC));
   JsonPutString(text, "comment", PositionGetString(POSITION_COMMENT));
   JsonPutInteger(text, "time", PositionGetInteger(POSITION_TIME) - offset);
   return text + "}";
  }

// The order OrderGetTicket selected.
string BookOrder(ulong ticket, long offset)
  {
   string text = "{";
   JsonPutInteger(text, "ticket", (long)ticket);
   JsonPutString(text, "symbol", OrderGetString(ORDER_SYMBOL));
   JsonPutString(text, "type", BookOrderType(OrderGetInteger(ORDER_TYPE)));
   JsonPutNumber(text, "volume", OrderGetDouble(ORDER_VOLUME_CURRENT));
   JsonPutNumber(text, "price_open", OrderGetDouble(ORDER_PRICE_OPEN));
   JsonPutStop(text, "sl", OrderGetDouble(ORDER_SL));
   JsonPutStop(text, "tp", OrderGetDouble(ORDER_TP));
   JsonPutInteger(text, "magic", OrderGetInteger(ORDER_MAGIC));
   JsonPutString(text, "comment", OrderGetString(ORDER_COMMENT));
   JsonPutInteger(text, "time", OrderGetInteger(ORDER_TIME_SETUP) - offset);
   return text + "}";
  }

string BookDeal(ulong ticket, long offset)
  {
   string text = "{";
   JsonPutInteger(text, "ticket", (long)ticket);
   JsonPutInteger(text, "order", HistoryDealGetInteger(ticket, DEAL_ORDER));
   JsonPutInteger(text, "position", HistoryDealGetInteger(ticket, DEAL_POSITION_ID));
   JsonPutString(text, "symbol", HistoryDealGetString(ticket, DEAL_SYMBOL));
   JsonPutString(text, "type", HistoryDealGetInteger(ticket, DEAL_TYPE) == DEAL_TYPE_BUY ? "buy" : "sell");
   JsonPutString(text, "entry", BookDealEntry(HistoryDealGetInteger(ticket, DEAL_ENTRY)));
   JsonPutNumber(text, "volume", HistoryDealGetDouble(ticket, DEAL_VOLUME));
   JsonPutNumber(text, "price", HistoryDealGetDouble(ticket, DEAL_PRICE));
   JsonPutNumber(text, "profit", HistoryDealGetDouble(ticket, DEAL_PROFIT));
   JsonPutNumber(text, "swap", HistoryDealGetDouble(ticket, DEAL_SWAP));
   JsonPutNumber(text, "commission", HistoryDealGetDouble(ticket, DEAL_COMMISSION));
   JsonPutInteger(text, "magic", HistoryDealGetInteger(ticket, DEAL_MAGIC));
   JsonPutString(text, "comment", HistoryDealGetString(ticket, DEAL_COMMENT));
   JsonPutInteger(text, "time", HistoryDealGetInteger(ticket, DEAL_TIME) - offset);
   return text + "}";
  }

bool IsTrade(ulong ticket)
  {
   long type = HistoryDealGetInteger(ticket, DEAL_TYPE);
   return type == DEAL_TYPE_BUY || type == DEAL_TYPE_SELL;
  }

bool IsClosing(ulong ticket)
  {
   return IsTrade(ticket) && HistoryDealGetInteger(ticket, DEAL_ENTRY) != DEAL_ENTRY_IN;
  }

//+------------------------------------------------------------------+
//| The day's deals from the server's midnight: `realized` adds what |
//| every trade deal brought (profit, swap, commission), `closing`   |
//| counts those that closed a position; the list is the latest      |
//| BOOK_ITEMS of those, in time order. Balance operations are no    |
//| trade's.                                                         |
//+------------------------------------------------------------------+
string BookDeals(long day_start, long offset, double &realized, int &closing)
  {
   realized = 0;
   closing = 0;
   if(!HistorySelect((datetime)day_start, (datetime)(day_start + DAY_SECONDS - 1)))
      return "[]";
   int total = HistoryDealsTotal();
   for(int i = 0; i < total; i++)
     {
      ulong ticket = HistoryDealGetTicket(i);
      if(!IsTrade(ticket))
         continue;
      realized += HistoryDealGetDouble(ticket, DEAL_PROFIT) + HistoryDealGetDouble(ticket, DEAL_SWAP)
                  + HistoryDealGetDouble(ticket, DEAL_COMMISSION);
      if(IsClosing(ticket))
         closing++;
     }
   string text = "[";
   int seen = 0, listed = 0;
   for(int i = 0; i < total; i++)
     {
      ulong ticket = HistoryDealGetTicket(i);
      if(!IsClosing(ticket) || seen++ < closing - BOOK_ITEMS)
         continue;
      text += (listed++ > 0 ? "," : "") + BookDeal(ticket, offset);
     }
   return text + "]";
  }

//+------------------------------------------------------------------+
//| The book as text, and in `body` all of it but the clock fields   |
//| (time, server_time), which say nothing of a change.              |
//+------------------------------------------------------------------+
string BookJson(string &body)
  {
   long server_now = (long)TimeTradeServer();
   long offset = ServerOffset();
   long day_start = server_now - server_now % DAY_SECONDS;
   double realized = 0;
   int closing = 0;
   string deals = BookDeals(day_start, offset, realized, closing);
   string positions = "[", orders = "[";
   int position_count = PositionsTotal(), order_count = OrdersTotal();
   for(int i = 0; i < position_count && i < BOOK_ITEMS; i++)
      positions += (i > 0 ? "," : "") + BookPosition(PositionGetTicket(i), offset);
   for(int i = 0; i < order_count && i < BOOK_ITEMS; i++)
      orders += (i > 0 ? "," : "") + BookOrder(OrderGetTicket(i), offset);
   double margin = AccountInfoDouble(ACCOUNT_MARGIN);
   body = "{";
   JsonPutInteger(body, "server_offset", offset);
   JsonPutString(body, "day", DayText(day_start));
   JsonPutString(body, "currency", AccountInfoString(ACCOUNT_CURRENCY));
   JsonPutNumber(body, "balance", AccountInfoDouble(ACCOUNT_BALANCE));
   JsonPutNumber(body, "equity", AccountInfoDouble(ACCOUNT_EQUITY));
   JsonPutNumber(body, "margin", margin);
   JsonPutNumber(body, "margin_free", AccountInfoDouble(ACCOUNT_MARGIN_FREE));
   JsonPutNumber(body, "margin_level", margin > 0 ? AccountInfoDouble(ACCOUNT_MARGIN_LEVEL) : EMPTY_VALUE);
   JsonPutNumber(body, "profit", AccountInfoDouble(ACCOUNT_PROFIT));
   JsonPutNumber(body, "realized", NormalizeDouble(realized, 2));
   JsonPutInteger(body, "positions_total", position_count);
   JsonPutInteger(body, "orders_total", order_count);
   JsonPutInteger(body, "deals_total", closing);
   body += ",\"positions\":" + positions + "],\"orders\":" + orders + "],\"deals\":" + deals + "}";
   string text = "{";
   JsonPutInteger(text, "protocol", PROTOCOL_VERSION);
   JsonPutString(text, "login", g_login);
   JsonPutNumber(text, "time", (double)TimeGMT());
   JsonPutInteger(text, "server_time", server_now);
   return text + "," + StringSubstr(body, 1);
  }

// Write the book if it changed; over HTTP post it too, and again while
// the server does not have it. `final`: the EA is stopping.
void Book(bool final)
  {
   string body = "";
   string text = BookJson(body);
   bool changed = !g_book_written || body != g_book_last;
   if(changed && WriteTextAtomic(BOOK_FILE, text))
     {
      g_book_last = body;
      g_book_written = true;
      g_book_at = GetMicrosecondCount();
     }
   if(InpTransport == TRANSPORT_HTTP && (changed || g_book_unposted))
      g_book_unposted = !HttpBook(text, final);
  }

// A command may have traded: look again once the gap allows.
void BookSoon()
  {
   g_book_due = 0;
  }

void BookWhenDue()
  {
   ulong now = GetMicrosecondCount();
   if(now < g_book_due || (g_book_written && now < g_book_at + BOOK_GAP_US))
      return;
   Book(false);
   g_book_due = g_heartbeat_due;   // then with the next heartbeat
  }
//+------------------------------------------------------------------+
