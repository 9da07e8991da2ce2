// The MQL5 builtins MT5Bot.mq5 uses, as C++17 declarations, so g++ can check
// the EA on Linux (ea/linux/check.py) and runtime.cpp can run it natively.
//
// This is a second source of truth, so it holds exactly what the EA uses and
// each declaration names its mql5.com reference page: a builtin the EA starts
// using is a compile error here until someone copies its signature from there.
// Types (string, dynamic arrays) are implemented inline because both uses need
// them; functions are only declared, and runtime.cpp defines them.
//
// Deliberately stricter than MetaEditor where that is cheap: no implicit
// number -> string conversion, int -> enum needs a cast, OrderSend's result
// must be used.
#pragma once

#include <sys/types.h>  // ushort, uint, ulong as glibc spells them

#include <cfloat>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <vector>

// https://www.mql5.com/en/docs/basis/types/integer
typedef unsigned char uchar;
// https://www.mql5.com/en/docs/basis/types/integer/datetime
typedef long datetime;
// https://www.mql5.com/en/docs/basis/types/integer/color
typedef uint color;

// https://www.mql5.com/en/docs/basis/types/stringconst : UTF-16 code units.
class string {
 public:
  std::u16string s;
  string() {}
  string(const char *utf8);  // literals; mql2cpp wraps every one
  std::string utf8() const;
  static string from_utf16(const std::u16string &units) {
    string out;
    out.s = units;
    return out;
  }
  string &operator+=(const string &other) {
    s += other.s;
    return *this;
  }
  friend string operator+(const string &a, const string &b) {
    return from_utf16(a.s + b.s);
  }
  friend bool operator==(const string &a, const string &b) { return a.s == b.s; }
  friend bool operator!=(const string &a, const string &b) { return a.s != b.s; }
  friend bool operator<(const string &a, const string &b) { return a.s < b.s; }
  friend bool operator>(const string &a, const string &b) { return a.s > b.s; }
};

// Dynamic arrays (`T a[]`, `T &a[]`); mql2cpp rewrites them to this. An index
// out of range stops the program, as MQL5's "array out of range" does.
template <class T>
class MqlArray {
 public:
  std::vector<T> v;
  T &operator[](int i) {
    check(i);
    return v[static_cast<std::size_t>(i)];
  }
  const T &operator[](int i) const {
    check(i);
    return v[static_cast<std::size_t>(i)];
  }

 private:
  void check(int i) const {
    if (i < 0 || static_cast<std::size_t>(i) >= v.size()) {
      std::fprintf(stderr, "array out of range: %d of %zu\n", i, v.size());
      std::abort();
    }
  }
};

// https://www.mql5.com/en/docs/array/arrayresize
template <class T>
int ArrayResize(MqlArray<T> &a, int size, int reserve = 0) {
  (void)reserve;
  if (size < 0) return -1;
  a.v.resize(static_cast<std::size_t>(size));
  return size;
}
// https://www.mql5.com/en/docs/array/arraysize
template <class T>
int ArraySize(const MqlArray<T> &a) {
  return static_cast<int>(a.v.size());
}
template <class T, std::size_t N>
int ArraySize(const T (&)[N]) {
  return static_cast<int>(N);
}
// https://www.mql5.com/en/docs/common/zeromemory
template <class T>
void ZeroMemory(T &value) {
  value = T{};
}

// `input T name = value;` becomes `const T name = mql5_input<T>("name", value);`:
// read-only as in MQL5, and the native runtime can set it from the
// environment (MQL5_INPUT_<name>) the way the EA's Inputs tab does.
template <class T>
T mql5_input(const string &name, T value) {
  const char *text = std::getenv(("MQL5_INPUT_" + name.utf8()).c_str());
  if (!text) return value;
  if constexpr (std::is_same_v<T, string>) {
    return string(text);
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(std::strtod(text, nullptr));
  } else {
    return static_cast<T>(std::strtoll(text, nullptr, 10));
  }
}

// --- constants -----------------------------------------------------------------
// https://www.mql5.com/en/docs/constants/namedconstants/otherconstants
const int INVALID_HANDLE = -1;
const int WHOLE_ARRAY = -1;
const double EMPTY_VALUE = DBL_MAX;
// https://www.mql5.com/en/docs/constants/io_constants/codepageusage
const uint CP_ACP = 0;
const uint CP_UTF8 = 65001;
// https://www.mql5.com/en/docs/constants/io_constants/fileflags
const int FILE_READ = 1;
const int FILE_WRITE = 2;
const int FILE_BIN = 4;
const int FILE_SHARE_READ = 128;
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
// https://www.mql5.com/en/docs/constants/environment_state/marketinfoconstants
const int SYMBOL_FILLING_FOK = 1;
const int SYMBOL_FILLING_IOC = 2;
// https://www.mql5.com/en/docs/constants/errorswarnings/enum_trade_return_codes
const uint TRADE_RETCODE_PLACED = 10008;
const uint TRADE_RETCODE_DONE = 10009;
const uint TRADE_RETCODE_DONE_PARTIAL = 10010;

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
#define ACCOUNT_DOUBLE(X) X(ACCOUNT_BALANCE) X(ACCOUNT_EQUITY) X(ACCOUNT_MARGIN_FREE)
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
  X(SYMBOL_FILLING_MODE) X(SYMBOL_TRADE_MODE)
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
// https://www.mql5.com/en/docs/constants/tradingconstants/positionproperties
#define POSITION_INTEGER(X) X(POSITION_TICKET) X(POSITION_TYPE) X(POSITION_MAGIC)
MQL5_ENUM(ENUM_POSITION_PROPERTY_INTEGER, POSITION_INTEGER)
#define POSITION_DOUBLE(X) \
  X(POSITION_VOLUME) X(POSITION_PRICE_OPEN) X(POSITION_SL) X(POSITION_TP)
MQL5_ENUM(ENUM_POSITION_PROPERTY_DOUBLE, POSITION_DOUBLE)
#define POSITION_STRING(X) X(POSITION_SYMBOL)
MQL5_ENUM(ENUM_POSITION_PROPERTY_STRING, POSITION_STRING)
enum ENUM_POSITION_TYPE { POSITION_TYPE_BUY, POSITION_TYPE_SELL };
// https://www.mql5.com/en/docs/constants/tradingconstants/orderproperties
#define ORDER_INTEGER(X) X(ORDER_TICKET) X(ORDER_TYPE) X(ORDER_MAGIC)
MQL5_ENUM(ENUM_ORDER_PROPERTY_INTEGER, ORDER_INTEGER)
#define ORDER_DOUBLE(X) \
  X(ORDER_VOLUME_CURRENT) X(ORDER_PRICE_OPEN) X(ORDER_SL) X(ORDER_TP)
MQL5_ENUM(ENUM_ORDER_PROPERTY_DOUBLE, ORDER_DOUBLE)
#define ORDER_STRING(X) X(ORDER_SYMBOL)
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
enum ENUM_ORDER_TYPE_TIME { ORDER_TIME_GTC, ORDER_TIME_DAY, ORDER_TIME_SPECIFIED };
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
#define DEAL_INTEGER(X) X(DEAL_POSITION_ID)
MQL5_ENUM(ENUM_DEAL_PROPERTY_INTEGER, DEAL_INTEGER)

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

// --- event handlers the EA defines -----------------------------------------------
// https://www.mql5.com/en/docs/event_handlers/oninit
int OnInit();
// https://www.mql5.com/en/docs/event_handlers/ondeinit
void OnDeinit(const int reason);
// https://www.mql5.com/en/docs/event_handlers/ontimer
void OnTimer();

// --- common --------------------------------------------------------------------
// https://www.mql5.com/en/docs/common/print : any number of arguments, each
// converted to text. The native runtime prints to stderr.
void mql5_print_line(const std::string &line);
inline std::string mql5_text(const string &v) { return v.utf8(); }
inline std::string mql5_text(const char *v) { return v; }
template <class T>
std::string mql5_text(const T &v) {
  return std::to_string(v);
}
template <class... A>
void Print(const A &...args) {
  std::string line;
  ((line += mql5_text(args)), ...);
  mql5_print_line(line);
}
// https://www.mql5.com/en/docs/convert/stringformat (also PrintFormat)
inline std::string mql5_arg(const string &v) { return v.utf8(); }
template <class T>
T mql5_arg(const T &v) {
  return v;
}
inline const char *mql5_cstr(const std::string &v) { return v.c_str(); }
template <class T>
T mql5_cstr(const T &v) {
  return v;
}
template <class... A>
string mql5_format(const std::string &format, const A &...args) {
  int size = std::snprintf(nullptr, 0, format.c_str(), mql5_cstr(args)...);
  std::string out(static_cast<std::size_t>(size > 0 ? size : 0) + 1, '\0');
  std::snprintf(&out[0], out.size(), format.c_str(), mql5_cstr(args)...);
  out.resize(static_cast<std::size_t>(size > 0 ? size : 0));
  return string(out.c_str());
}
template <class... A>
string StringFormat(const string &format, const A &...args) {
  return mql5_format(format.utf8(), mql5_arg(args)...);
}
// https://www.mql5.com/en/docs/common/printformat
template <class... A>
void PrintFormat(const string &format, const A &...args) {
  mql5_print_line(StringFormat(format, args...).utf8());
}
// https://www.mql5.com/en/docs/check/getlasterror
int GetLastError();
// https://www.mql5.com/en/docs/common/resetlasterror
void ResetLastError();
// https://www.mql5.com/en/docs/common/sleep
void Sleep(int milliseconds);
// https://www.mql5.com/en/docs/common/getmicrosecondcount
ulong GetMicrosecondCount();
// https://www.mql5.com/en/docs/common/mathrand
int MathRand();
// https://www.mql5.com/en/docs/network/webrequest (the variant with headers)
int WebRequest(const string &method, const string &url, const string &headers, int timeout,
               const MqlArray<char> &data, MqlArray<char> &result, string &result_headers);

// --- events --------------------------------------------------------------------
// https://www.mql5.com/en/docs/eventfunctions/eventsetmillisecondtimer
bool EventSetMillisecondTimer(int milliseconds);
// https://www.mql5.com/en/docs/eventfunctions/eventkilltimer
void EventKillTimer();

// --- time ----------------------------------------------------------------------
// https://www.mql5.com/en/docs/dateandtime/timegmt
datetime TimeGMT();
// https://www.mql5.com/en/docs/dateandtime/timetradeserver
datetime TimeTradeServer();

// --- math ----------------------------------------------------------------------
// https://www.mql5.com/en/docs/math/mathfloor
double MathFloor(double value);
// https://www.mql5.com/en/docs/math/mathround
double MathRound(double value);
// https://www.mql5.com/en/docs/math/mathabs
double MathAbs(double value);
// https://www.mql5.com/en/docs/math/mathmin
double MathMin(double a, double b);
// https://www.mql5.com/en/docs/math/mathpow
double MathPow(double base, double exponent);
// https://www.mql5.com/en/docs/math/mathisvalidnumber
bool MathIsValidNumber(double value);
// https://www.mql5.com/en/docs/convert/normalizedouble
double NormalizeDouble(double value, int digits);

// --- strings and conversions -----------------------------------------------------
// https://www.mql5.com/en/docs/strings/stringlen
int StringLen(const string &text);
// https://www.mql5.com/en/docs/strings/stringfind
int StringFind(const string &text, const string &match, int start = 0);
// https://www.mql5.com/en/docs/strings/stringsubstr
string StringSubstr(const string &text, int start, int length = -1);
// https://www.mql5.com/en/docs/strings/stringcompare
int StringCompare(const string &a, const string &b, bool case_sensitive = true);
// https://www.mql5.com/en/docs/strings/stringgetcharacter
ushort StringGetCharacter(const string &text, int pos);
// https://www.mql5.com/en/docs/convert/shorttostring
string ShortToString(ushort symbol_code);
// https://www.mql5.com/en/docs/convert/shortarraytostring
string ShortArrayToString(const MqlArray<ushort> &array, int start = 0, int count = -1);
// https://www.mql5.com/en/docs/convert/stringtochararray
int StringToCharArray(const string &text, MqlArray<uchar> &array, int start = 0,
                      int count = -1, uint codepage = CP_ACP);
// https://www.mql5.com/en/docs/convert/chararraytostring
string CharArrayToString(const MqlArray<uchar> &array, int start = 0, int count = -1,
                         uint codepage = CP_ACP);
// https://www.mql5.com/en/docs/convert/stringtointeger
long StringToInteger(const string &text);
// https://www.mql5.com/en/docs/convert/stringtodouble
double StringToDouble(const string &text);
// https://www.mql5.com/en/docs/convert/integertostring
string IntegerToString(long number, int str_len = 0, ushort fill_symbol = ' ');

// --- files -----------------------------------------------------------------------
// https://www.mql5.com/en/docs/files/filefindfirst
long FileFindFirst(const string &filter, string &returned_filename, int common_flag = 0);
// https://www.mql5.com/en/docs/files/filefindnext
bool FileFindNext(long search_handle, string &returned_filename);
// https://www.mql5.com/en/docs/files/filefindclose
void FileFindClose(long search_handle);
// https://www.mql5.com/en/docs/files/fileopen
int FileOpen(const string &file_name, int open_flags, short delimiter = '\t',
             uint codepage = CP_ACP);
// https://www.mql5.com/en/docs/files/fileclose
void FileClose(int file_handle);
// https://www.mql5.com/en/docs/files/filesize
ulong FileSize(int file_handle);
// https://www.mql5.com/en/docs/files/filereadarray
uint FileReadArray(int file_handle, MqlArray<uchar> &array, int start = 0,
                   int count = WHOLE_ARRAY);
// https://www.mql5.com/en/docs/files/filewritearray
uint FileWriteArray(int file_handle, const MqlArray<uchar> &array, int start = 0,
                    int count = WHOLE_ARRAY);
// https://www.mql5.com/en/docs/files/fileseek
bool FileSeek(int file_handle, long offset, ENUM_FILE_POSITION origin);
// https://www.mql5.com/en/docs/files/fileflush
void FileFlush(int file_handle);
// https://www.mql5.com/en/docs/files/filemove
bool FileMove(const string &src_file_name, int common_flag, const string &dst_file_name,
              int mode_flags);
// https://www.mql5.com/en/docs/files/filedelete
bool FileDelete(const string &file_name, int common_flag = 0);
// https://www.mql5.com/en/docs/files/fileisexist
bool FileIsExist(const string &file_name, int common_flag = 0);

// --- account, terminal, program ----------------------------------------------------
// https://www.mql5.com/en/docs/account/accountinfointeger
long AccountInfoInteger(ENUM_ACCOUNT_INFO_INTEGER property_id);
// https://www.mql5.com/en/docs/account/accountinfodouble
double AccountInfoDouble(ENUM_ACCOUNT_INFO_DOUBLE property_id);
// https://www.mql5.com/en/docs/account/accountinfostring
string AccountInfoString(ENUM_ACCOUNT_INFO_STRING property_id);
// https://www.mql5.com/en/docs/check/terminalinfointeger
int TerminalInfoInteger(ENUM_TERMINAL_INFO_INTEGER property_id);
// https://www.mql5.com/en/docs/check/terminalinfostring
string TerminalInfoString(ENUM_TERMINAL_INFO_STRING property_id);
// https://www.mql5.com/en/docs/check/mqlinfointeger
int MQLInfoInteger(ENUM_MQL_INFO_INTEGER property_id);

// --- symbols -------------------------------------------------------------------------
// https://www.mql5.com/en/docs/marketinformation/symbolstotal
int SymbolsTotal(bool selected);
// https://www.mql5.com/en/docs/marketinformation/symbolname
string SymbolName(int pos, bool selected);
// https://www.mql5.com/en/docs/marketinformation/symbolselect
bool SymbolSelect(const string &name, bool select);
// https://www.mql5.com/en/docs/marketinformation/symbolinfointeger
long SymbolInfoInteger(const string &name, ENUM_SYMBOL_INFO_INTEGER prop_id);
// https://www.mql5.com/en/docs/marketinformation/symbolinfodouble
double SymbolInfoDouble(const string &name, ENUM_SYMBOL_INFO_DOUBLE prop_id);
// https://www.mql5.com/en/docs/marketinformation/symbolinfostring
string SymbolInfoString(const string &name, ENUM_SYMBOL_INFO_STRING prop_id);
// https://www.mql5.com/en/docs/marketinformation/symbolinfotick
bool SymbolInfoTick(const string &symbol, MqlTick &tick);

// --- trading -------------------------------------------------------------------------
// https://www.mql5.com/en/docs/trading/ordersend ; [[nodiscard]] reproduces
// MetaEditor's "return value of 'OrderSend' should be checked".
[[nodiscard]] bool OrderSend(const MqlTradeRequest &request, MqlTradeResult &result);
// https://www.mql5.com/en/docs/trading/positionstotal
int PositionsTotal();
// https://www.mql5.com/en/docs/trading/positiongetticket
ulong PositionGetTicket(int index);
// https://www.mql5.com/en/docs/trading/positionselectbyticket
bool PositionSelectByTicket(ulong ticket);
// https://www.mql5.com/en/docs/trading/positiongetinteger
long PositionGetInteger(ENUM_POSITION_PROPERTY_INTEGER property_id);
// https://www.mql5.com/en/docs/trading/positiongetdouble
double PositionGetDouble(ENUM_POSITION_PROPERTY_DOUBLE property_id);
// https://www.mql5.com/en/docs/trading/positiongetstring
string PositionGetString(ENUM_POSITION_PROPERTY_STRING property_id);
// https://www.mql5.com/en/docs/trading/orderstotal
int OrdersTotal();
// https://www.mql5.com/en/docs/trading/ordergetticket
ulong OrderGetTicket(int index);
// https://www.mql5.com/en/docs/trading/orderselect
bool OrderSelect(ulong ticket);
// https://www.mql5.com/en/docs/trading/ordergetinteger
long OrderGetInteger(ENUM_ORDER_PROPERTY_INTEGER property_id);
// https://www.mql5.com/en/docs/trading/ordergetdouble
double OrderGetDouble(ENUM_ORDER_PROPERTY_DOUBLE property_id);
// https://www.mql5.com/en/docs/trading/ordergetstring
string OrderGetString(ENUM_ORDER_PROPERTY_STRING property_id);
// https://www.mql5.com/en/docs/trading/historydealselect
bool HistoryDealSelect(ulong ticket);
// https://www.mql5.com/en/docs/trading/historydealgetinteger
long HistoryDealGetInteger(ulong ticket_number, ENUM_DEAL_PROPERTY_INTEGER property_id);
