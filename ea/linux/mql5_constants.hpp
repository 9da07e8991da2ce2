// MQL5's constants, property enumerations and trade structures the EA uses
// (mql5.hpp), each under its mql5.com page.
#pragma once

#include "mql5_types.hpp"

// --- constants -----------------------------------------------------------------
// https://www.mql5.com/en/docs/constants/namedconstants/otherconstants
const int INVALID_HANDLE = -1;
const int WHOLE_ARRAY = -1;
const double EMPTY_VALUE = DBL_MAX;
// https://www.mql5.com/en/docs/constants/io_constants/codepageusage
const uint CP_ACP = 0;
const uint CP_UTF8 = 65001;
// https://www.mql5.com/en/docs/convert/timetostring (its modes)
const int TIME_DATE = 1;
const int TIME_MINUTES = 2;
const int TIME_SECONDS = 4;
// https://www.mql5.com/en/docs/constants/io_constants/fileflags
const int FILE_READ = 1;
const int FILE_WRITE = 2;
const int FILE_BIN = 4;
const int FILE_SHARE_READ = 128;
const int FILE_SHARE_WRITE = 256;
const int FILE_REWRITE = 512;
// https://www.mql5.com/en/docs/constants/io_constants/fileflags (ENUM_FILE_POSITION)
// <cstdio> has macros of these names; MQL5's are an enumeration.
#undef SEEK_SET
#undef SEEK_CUR
#undef SEEK_END
enum ENUM_FILE_POSITION { SEEK_SET, SEEK_CUR, SEEK_END };
// https://www.mql5.com/en/docs/basis/function/events (OnInit return codes)
const int INIT_SUCCEEDED = 0;
const int INIT_FAILED = 1;
const int INIT_PARAMETERS_INCORRECT = 2;
// https://www.mql5.com/en/docs/constants/namedconstants/uninit
const int REASON_PROGRAM = 0;
const int REASON_RECOMPILE = 2;
const int REASON_CHARTCHANGE = 3;
const int REASON_PARAMETERS = 5;
const int REASON_INITFAILED = 8;
// https://www.mql5.com/en/docs/constants/environment_state/marketinfoconstants
const int SYMBOL_FILLING_FOK = 1;
const int SYMBOL_FILLING_IOC = 2;
const int SYMBOL_EXPIRATION_GTC = 1;
const int SYMBOL_EXPIRATION_DAY = 2;
const int SYMBOL_EXPIRATION_SPECIFIED = 4;
const int SYMBOL_EXPIRATION_SPECIFIED_DAY = 8;
// https://www.mql5.com/en/docs/constants/errorswarnings/enum_trade_return_codes
const uint TRADE_RETCODE_PLACED = 10008;
const uint TRADE_RETCODE_DONE = 10009;
const uint TRADE_RETCODE_DONE_PARTIAL = 10010;
const uint TRADE_RETCODE_TIMEOUT = 10012;
const uint TRADE_RETCODE_LOCKED = 10028;

// Property enumerations: their numbering does not matter to the EA, so they
// are listed once (X-macros) and runtime.cpp gets their names for free.
#define MQL5_ITEM(name) name,
#define MQL5_TEXT(name) #name,
#define MQL5_ENUM(type, LIST)                     \
  enum type { LIST(MQL5_ITEM) };                  \
  inline const char *mql5_name(type value) {      \
    static const char *names[] = {LIST(MQL5_TEXT)}; \
    return names[value];                          \
  }

// https://www.mql5.com/en/docs/constants/environment_state/accountinformation
#define ACCOUNT_INTEGER(X) \
  X(ACCOUNT_LOGIN) X(ACCOUNT_TRADE_ALLOWED) X(ACCOUNT_TRADE_EXPERT) X(ACCOUNT_MARGIN_MODE)
MQL5_ENUM(ENUM_ACCOUNT_INFO_INTEGER, ACCOUNT_INTEGER)
#define ACCOUNT_DOUBLE(X)                                                          \
  X(ACCOUNT_BALANCE) X(ACCOUNT_EQUITY) X(ACCOUNT_MARGIN_FREE) X(ACCOUNT_MARGIN) \
  X(ACCOUNT_MARGIN_LEVEL) X(ACCOUNT_PROFIT)
MQL5_ENUM(ENUM_ACCOUNT_INFO_DOUBLE, ACCOUNT_DOUBLE)
#define ACCOUNT_STRING(X) X(ACCOUNT_SERVER) X(ACCOUNT_COMPANY) X(ACCOUNT_CURRENCY)
MQL5_ENUM(ENUM_ACCOUNT_INFO_STRING, ACCOUNT_STRING)
// Values as documented (0, 1, 2): the runtime returns them as numbers.
enum ENUM_ACCOUNT_MARGIN_MODE {
  ACCOUNT_MARGIN_MODE_RETAIL_NETTING,
  ACCOUNT_MARGIN_MODE_EXCHANGE,
  ACCOUNT_MARGIN_MODE_RETAIL_HEDGING
};
// https://www.mql5.com/en/docs/constants/environment_state/terminalstatus
#define TERMINAL_INTEGER(X) X(TERMINAL_CONNECTED) X(TERMINAL_TRADE_ALLOWED)
MQL5_ENUM(ENUM_TERMINAL_INFO_INTEGER, TERMINAL_INTEGER)
#define TERMINAL_STRING(X) X(TERMINAL_DATA_PATH)
MQL5_ENUM(ENUM_TERMINAL_INFO_STRING, TERMINAL_STRING)
// https://www.mql5.com/en/docs/constants/environment_state/mql5_programm_info
#define MQL_INTEGER(X) X(MQL_TRADE_ALLOWED)
MQL5_ENUM(ENUM_MQL_INFO_INTEGER, MQL_INTEGER)
// https://www.mql5.com/en/docs/constants/environment_state/marketinfoconstants
#define SYMBOL_INTEGER(X)                                                   \
  X(SYMBOL_DIGITS) X(SYMBOL_TRADE_STOPS_LEVEL) X(SYMBOL_TRADE_FREEZE_LEVEL) \
  X(SYMBOL_FILLING_MODE) X(SYMBOL_TRADE_MODE) X(SYMBOL_TRADE_EXEMODE)          \
  X(SYMBOL_EXPIRATION_MODE) X(SYMBOL_TRADE_CALC_MODE) X(SYMBOL_EXPIRATION_TIME)
MQL5_ENUM(ENUM_SYMBOL_INFO_INTEGER, SYMBOL_INTEGER)
#define SYMBOL_DOUBLE(X)                                                   \
  X(SYMBOL_BID) X(SYMBOL_ASK) X(SYMBOL_POINT) X(SYMBOL_TRADE_TICK_SIZE)    \
  X(SYMBOL_TRADE_TICK_VALUE) X(SYMBOL_TRADE_CONTRACT_SIZE) X(SYMBOL_VOLUME_MIN) \
  X(SYMBOL_VOLUME_MAX) X(SYMBOL_VOLUME_STEP)
MQL5_ENUM(ENUM_SYMBOL_INFO_DOUBLE, SYMBOL_DOUBLE)
#define SYMBOL_STRING(X)                                                   \
  X(SYMBOL_DESCRIPTION) X(SYMBOL_CURRENCY_BASE) X(SYMBOL_CURRENCY_PROFIT) \
  X(SYMBOL_CURRENCY_MARGIN) X(SYMBOL_PATH)
MQL5_ENUM(ENUM_SYMBOL_INFO_STRING, SYMBOL_STRING)
enum ENUM_SYMBOL_TRADE_MODE {
  SYMBOL_TRADE_MODE_DISABLED,
  SYMBOL_TRADE_MODE_LONGONLY,
  SYMBOL_TRADE_MODE_SHORTONLY,
  SYMBOL_TRADE_MODE_CLOSEONLY,
  SYMBOL_TRADE_MODE_FULL
};
// Values as documented (0..3): the runtime returns them as numbers.
enum ENUM_SYMBOL_TRADE_EXECUTION {
  SYMBOL_TRADE_EXECUTION_REQUEST,
  SYMBOL_TRADE_EXECUTION_INSTANT,
  SYMBOL_TRADE_EXECUTION_MARKET,
  SYMBOL_TRADE_EXECUTION_EXCHANGE
};
// https://www.mql5.com/en/docs/constants/environment_state/marketinfoconstants
// (ENUM_SYMBOL_CALC_MODE). The EA compares by name; ea/linux/bridge.py answers
// SYMBOL_TRADE_CALC_MODE with these numbers.
enum ENUM_SYMBOL_CALC_MODE {
  SYMBOL_CALC_MODE_FOREX = 0,
  SYMBOL_CALC_MODE_FUTURES = 1,
  SYMBOL_CALC_MODE_CFD = 2,
  SYMBOL_CALC_MODE_CFDINDEX = 3,
  SYMBOL_CALC_MODE_CFDLEVERAGE = 4,
  SYMBOL_CALC_MODE_FOREX_NO_LEVERAGE = 5,
  SYMBOL_CALC_MODE_EXCH_STOCKS = 32,
  SYMBOL_CALC_MODE_EXCH_FUTURES = 33,
  SYMBOL_CALC_MODE_EXCH_FUTURES_FORTS = 34,
  SYMBOL_CALC_MODE_EXCH_BONDS = 37,
  SYMBOL_CALC_MODE_EXCH_STOCKS_MOEX = 38,
  SYMBOL_CALC_MODE_EXCH_BONDS_MOEX = 39,
  SYMBOL_CALC_MODE_SERV_COLLATERAL = 64
};
// https://www.mql5.com/en/docs/constants/tradingconstants/positionproperties
#define POSITION_INTEGER(X) \
  X(POSITION_TICKET) X(POSITION_TYPE) X(POSITION_MAGIC) X(POSITION_TIME)
MQL5_ENUM(ENUM_POSITION_PROPERTY_INTEGER, POSITION_INTEGER)
#define POSITION_DOUBLE(X) \
  X(POSITION_VOLUME) X(POSITION_PRICE_OPEN) X(POSITION_SL) X(POSITION_TP) \
  X(POSITION_SWAP) X(POSITION_PROFIT)
MQL5_ENUM(ENUM_POSITION_PROPERTY_DOUBLE, POSITION_DOUBLE)
#define POSITION_STRING(X) X(POSITION_SYMBOL) X(POSITION_COMMENT)
MQL5_ENUM(ENUM_POSITION_PROPERTY_STRING, POSITION_STRING)
enum ENUM_POSITION_TYPE { POSITION_TYPE_BUY, POSITION_TYPE_SELL };
// https://www.mql5.com/en/docs/constants/tradingconstants/orderproperties
#define ORDER_INTEGER(X) \
  X(ORDER_TICKET) X(ORDER_TYPE) X(ORDER_MAGIC) X(ORDER_TYPE_TIME) X(ORDER_TIME_EXPIRATION) \
  X(ORDER_TIME_SETUP)
MQL5_ENUM(ENUM_ORDER_PROPERTY_INTEGER, ORDER_INTEGER)
#define ORDER_DOUBLE(X) \
  X(ORDER_VOLUME_CURRENT) X(ORDER_PRICE_OPEN) X(ORDER_SL) X(ORDER_TP)
MQL5_ENUM(ENUM_ORDER_PROPERTY_DOUBLE, ORDER_DOUBLE)
#define ORDER_STRING(X) X(ORDER_SYMBOL) X(ORDER_COMMENT)
MQL5_ENUM(ENUM_ORDER_PROPERTY_STRING, ORDER_STRING)
// Values as documented (0..8).
enum ENUM_ORDER_TYPE {
  ORDER_TYPE_BUY,
  ORDER_TYPE_SELL,
  ORDER_TYPE_BUY_LIMIT,
  ORDER_TYPE_SELL_LIMIT,
  ORDER_TYPE_BUY_STOP,
  ORDER_TYPE_SELL_STOP,
  ORDER_TYPE_BUY_STOP_LIMIT,
  ORDER_TYPE_SELL_STOP_LIMIT,
  ORDER_TYPE_CLOSE_BY
};
enum ENUM_ORDER_TYPE_FILLING { ORDER_FILLING_FOK, ORDER_FILLING_IOC, ORDER_FILLING_RETURN };
// Values as documented (0..3): the runtime returns ORDER_TYPE_TIME as a number.
enum ENUM_ORDER_TYPE_TIME {
  ORDER_TIME_GTC,
  ORDER_TIME_DAY,
  ORDER_TIME_SPECIFIED,
  ORDER_TIME_SPECIFIED_DAY
};
// https://www.mql5.com/en/docs/constants/tradingconstants/enum_trade_request_actions
enum ENUM_TRADE_REQUEST_ACTIONS {
  TRADE_ACTION_DEAL = 1,
  TRADE_ACTION_PENDING = 5,
  TRADE_ACTION_SLTP = 6,
  TRADE_ACTION_MODIFY = 7,
  TRADE_ACTION_REMOVE = 8,
  TRADE_ACTION_CLOSE_BY = 10
};
// https://www.mql5.com/en/docs/constants/tradingconstants/dealproperties
#define DEAL_INTEGER(X) \
  X(DEAL_POSITION_ID) X(DEAL_ORDER) X(DEAL_TIME) X(DEAL_TYPE) X(DEAL_ENTRY) X(DEAL_MAGIC)
MQL5_ENUM(ENUM_DEAL_PROPERTY_INTEGER, DEAL_INTEGER)
#define DEAL_DOUBLE(X) \
  X(DEAL_VOLUME) X(DEAL_PRICE) X(DEAL_PROFIT) X(DEAL_SWAP) X(DEAL_COMMISSION)
MQL5_ENUM(ENUM_DEAL_PROPERTY_DOUBLE, DEAL_DOUBLE)
#define DEAL_STRING(X) X(DEAL_SYMBOL) X(DEAL_COMMENT)
MQL5_ENUM(ENUM_DEAL_PROPERTY_STRING, DEAL_STRING)
// Values as documented (0, 1, 2, ...; 0..3): the runtime returns DEAL_TYPE
// and DEAL_ENTRY as numbers. Only the first of the types are listed.
enum ENUM_DEAL_TYPE { DEAL_TYPE_BUY, DEAL_TYPE_SELL, DEAL_TYPE_BALANCE };
enum ENUM_DEAL_ENTRY { DEAL_ENTRY_IN, DEAL_ENTRY_OUT, DEAL_ENTRY_INOUT, DEAL_ENTRY_OUT_BY };

// --- structures ----------------------------------------------------------------
// https://www.mql5.com/en/docs/constants/structures/mqltraderequest
struct MqlTradeRequest {
  ENUM_TRADE_REQUEST_ACTIONS action;
  ulong magic;
  ulong order;
  string symbol;
  double volume;
  double price;
  double stoplimit;
  double sl;
  double tp;
  ulong deviation;
  ENUM_ORDER_TYPE type;
  ENUM_ORDER_TYPE_FILLING type_filling;
  ENUM_ORDER_TYPE_TIME type_time;
  datetime expiration;
  string comment;
  ulong position;
  ulong position_by;
};
// https://www.mql5.com/en/docs/constants/structures/mqltraderesult
struct MqlTradeResult {
  uint retcode;
  ulong deal;
  ulong order;
  double volume;
  double price;
  double bid;
  double ask;
  string comment;
  uint request_id;
  int retcode_external;
};
// https://www.mql5.com/en/docs/constants/structures/mqltick
struct MqlTick {
  datetime time;
  double bid;
  double ask;
  double last;
  ulong volume;
  long time_msc;
  uint flags;
  double volume_real;
};
