// The MQL5 event handlers and builtin functions the EA uses (mql5.hpp), each
// under its mql5.com page; runtime*.cpp defines them.
#pragma once

#include "mql5_constants.hpp"

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
// https://www.mql5.com/en/docs/common/comment : the chart's comment line,
// any number of arguments as Print. The native runtime tells the bridge,
// so a test reads what the chart would show.
void mql5_comment_line(const std::string &line);
template <class... A>
void Comment(const A &...args) {
  std::string line;
  ((line += mql5_text(args)), ...);
  mql5_comment_line(line);
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
// https://www.mql5.com/en/docs/constants/namedconstants/compilemacro : when the
// program was compiled and the compiler's build. Natively: g++'s clock
// (runtime_strings.cpp) and build 0, since no MetaEditor made it.
datetime mql5_compile_time();
#define __DATETIME__ mql5_compile_time()
#define __MQLBUILD__ 0

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
// https://www.mql5.com/en/docs/convert/timetostring
string TimeToString(datetime value, int mode = TIME_DATE | TIME_MINUTES);

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
// https://www.mql5.com/en/docs/trading/historyselect
bool HistorySelect(datetime from_date, datetime to_date);
// https://www.mql5.com/en/docs/trading/historydealstotal
int HistoryDealsTotal();
// https://www.mql5.com/en/docs/trading/historydealgetticket
ulong HistoryDealGetTicket(int index);
// https://www.mql5.com/en/docs/trading/historydealselect
bool HistoryDealSelect(ulong ticket);
// https://www.mql5.com/en/docs/trading/historydealgetinteger
long HistoryDealGetInteger(ulong ticket_number, ENUM_DEAL_PROPERTY_INTEGER property_id);
// https://www.mql5.com/en/docs/trading/historydealgetdouble
double HistoryDealGetDouble(ulong ticket_number, ENUM_DEAL_PROPERTY_DOUBLE property_id);
// https://www.mql5.com/en/docs/trading/historydealgetstring
string HistoryDealGetString(ulong ticket_number, ENUM_DEAL_PROPERTY_STRING property_id);
