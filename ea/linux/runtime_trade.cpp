// The fake runtime's account, terminal, symbols and trading: everything a
// terminal or trade server knows is asked of the bridge (ea/linux/bridge.py),
// which answers from the same paper broker the paper terminal trades on.
#include <cmath>

#include "runtime.hpp"

using runtime::ask;
using runtime::ask_long;
using runtime::ask_number;
using runtime::ask_string;
using runtime::Args;
using runtime::Value;

namespace {

// Positions, orders and deals are asked of the bridge alike (bridge.py):
// a kind, then an index or a ticket. Positions and orders also keep the
// ticket the last Select or GetTicket chose, which their Get* read.
struct Selection {
  const char *kind;
  ulong ticket;
};

Selection g_position = {"position", 0};
Selection g_order = {"order", 0};
// The deals HistorySelect or HistoryDealSelect chose are the bridge's to
// keep, as the terminal keeps them: Get* by ticket reads among them.
Selection g_deals = {"deal", 0};

int total(const Selection &selection) {
  return static_cast<int>(ask_long(Args() << "total" << selection.kind));
}

ulong select_at(Selection &selection, int index) {
  selection.ticket = static_cast<ulong>(ask_long(Args() << "ticket" << selection.kind << index));
  return selection.ticket;
}

bool exists(const char *kind, ulong ticket) {
  return ask_long(Args() << "exists" << kind << static_cast<double>(ticket)) != 0;
}

bool select_ticket(Selection &selection, ulong ticket) {
  bool found = exists(selection.kind, ticket);
  selection.ticket = found ? ticket : 0;
  return found;
}

template <typename Property>
Args property(const char *kind, ulong ticket, Property property_id) {
  return Args() << "property" << kind << static_cast<double>(ticket) << mql5_name(property_id);
}

template <typename Property>
Args selected(const Selection &selection, Property property_id) {
  return property(selection.kind, selection.ticket, property_id);
}

}  // namespace

// --- account, terminal, program: asked of the bridge by property name --------------------------
long AccountInfoInteger(ENUM_ACCOUNT_INFO_INTEGER property_id) {
  return ask_long(Args() << "account" << mql5_name(property_id));
}
double AccountInfoDouble(ENUM_ACCOUNT_INFO_DOUBLE property_id) {
  return ask_number(Args() << "account" << mql5_name(property_id));
}
string AccountInfoString(ENUM_ACCOUNT_INFO_STRING property_id) {
  return ask_string(Args() << "account" << mql5_name(property_id));
}
int TerminalInfoInteger(ENUM_TERMINAL_INFO_INTEGER property_id) {
  return static_cast<int>(ask_long(Args() << "terminal" << mql5_name(property_id)));
}
string TerminalInfoString(ENUM_TERMINAL_INFO_STRING property_id) {
  return ask_string(Args() << "terminal" << mql5_name(property_id));
}
int MQLInfoInteger(ENUM_MQL_INFO_INTEGER property_id) {
  return static_cast<int>(ask_long(Args() << "terminal" << mql5_name(property_id)));
}

// --- symbols -------------------------------------------------------------------------------------
int SymbolsTotal(bool selected) { return static_cast<int>(ask_long(Args() << "symbols_total" << selected)); }
string SymbolName(int pos, bool selected) { return ask_string(Args() << "symbol_name" << pos << selected); }
bool SymbolSelect(const string &name, bool select) {
  return ask_long(Args() << "symbol_select" << name << select) != 0;
}
long SymbolInfoInteger(const string &name, ENUM_SYMBOL_INFO_INTEGER prop_id) {
  return ask_long(Args() << "symbol" << name << mql5_name(prop_id));
}
double SymbolInfoDouble(const string &name, ENUM_SYMBOL_INFO_DOUBLE prop_id) {
  return ask_number(Args() << "symbol" << name << mql5_name(prop_id));
}
string SymbolInfoString(const string &name, ENUM_SYMBOL_INFO_STRING prop_id) {
  return ask_string(Args() << "symbol" << name << mql5_name(prop_id));
}
bool SymbolInfoTick(const string &symbol, MqlTick &tick) {
  std::vector<Value> reply = ask(Args() << "tick" << symbol);
  if (reply.at(0).number == 0) return false;
  ZeroMemory(tick);
  tick.bid = reply.at(1).number;
  tick.ask = reply.at(2).number;
  tick.time = std::llround(reply.at(3).number);
  return true;
}

// --- trading ---------------------------------------------------------------------------------------
const char *action_name(ENUM_TRADE_REQUEST_ACTIONS action) {
  switch (action) {
    case TRADE_ACTION_DEAL: return "deal";
    case TRADE_ACTION_PENDING: return "pending";
    case TRADE_ACTION_SLTP: return "sltp";
    case TRADE_ACTION_MODIFY: return "modify";
    case TRADE_ACTION_REMOVE: return "remove";
    case TRADE_ACTION_CLOSE_BY: return "close_by";
  }
  return "unknown";
}

bool OrderSend(const MqlTradeRequest &request, MqlTradeResult &result) {
  Args args;
  args << "order_send" << action_name(request.action) << static_cast<double>(request.type)
       << static_cast<double>(request.type_filling) << request.symbol << request.volume
       << request.price << request.sl << request.tp << static_cast<double>(request.position)
       << static_cast<double>(request.order);
  args.integer(static_cast<long long>(request.magic))
      << request.comment << static_cast<double>(request.type_time)
      << static_cast<double>(request.expiration);
  std::vector<Value> reply = ask(args);
  ZeroMemory(result);
  result.retcode = static_cast<uint>(reply.at(0).number);
  result.deal = static_cast<ulong>(reply.at(1).number);
  result.order = static_cast<ulong>(reply.at(2).number);
  result.volume = reply.at(3).number;
  result.price = reply.at(4).number;
  result.bid = reply.at(5).number;
  result.ask = reply.at(6).number;
  result.comment = string::from_utf16(reply.at(7).text);
  return result.retcode == TRADE_RETCODE_DONE || result.retcode == TRADE_RETCODE_PLACED ||
         result.retcode == TRADE_RETCODE_DONE_PARTIAL;
}

int PositionsTotal() { return total(g_position); }
ulong PositionGetTicket(int index) { return select_at(g_position, index); }
bool PositionSelectByTicket(ulong ticket) { return select_ticket(g_position, ticket); }
long PositionGetInteger(ENUM_POSITION_PROPERTY_INTEGER property_id) {
  return ask_long(selected(g_position, property_id));
}
double PositionGetDouble(ENUM_POSITION_PROPERTY_DOUBLE property_id) {
  return ask_number(selected(g_position, property_id));
}
string PositionGetString(ENUM_POSITION_PROPERTY_STRING property_id) {
  return ask_string(selected(g_position, property_id));
}
int OrdersTotal() { return total(g_order); }
ulong OrderGetTicket(int index) { return select_at(g_order, index); }
bool OrderSelect(ulong ticket) { return select_ticket(g_order, ticket); }
long OrderGetInteger(ENUM_ORDER_PROPERTY_INTEGER property_id) {
  return ask_long(selected(g_order, property_id));
}
double OrderGetDouble(ENUM_ORDER_PROPERTY_DOUBLE property_id) {
  return ask_number(selected(g_order, property_id));
}
string OrderGetString(ENUM_ORDER_PROPERTY_STRING property_id) {
  return ask_string(selected(g_order, property_id));
}
bool HistorySelect(datetime from_date, datetime to_date) {
  return ask_long(Args() << "history_select" << static_cast<double>(from_date)
                         << static_cast<double>(to_date)) != 0;
}
int HistoryDealsTotal() { return total(g_deals); }
ulong HistoryDealGetTicket(int index) { return select_at(g_deals, index); }
bool HistoryDealSelect(ulong ticket) {
  return ask_long(Args() << "history_deal_select" << static_cast<double>(ticket)) != 0;
}
long HistoryDealGetInteger(ulong ticket_number, ENUM_DEAL_PROPERTY_INTEGER property_id) {
  return ask_long(property("deal", ticket_number, property_id));
}
double HistoryDealGetDouble(ulong ticket_number, ENUM_DEAL_PROPERTY_DOUBLE property_id) {
  return ask_number(property("deal", ticket_number, property_id));
}
string HistoryDealGetString(ulong ticket_number, ENUM_DEAL_PROPERTY_STRING property_id) {
  return ask_string(property("deal", ticket_number, property_id));
}
