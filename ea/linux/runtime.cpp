// A fake MQL5 runtime: MT5Bot.mq5, rewritten by mql2cpp.py, links against
// this to run natively on Linux (ea/linux/native.py builds and drives it).
//
// - Files are real files in $MQL5_FILES, with MQL5's semantics where the EA
//   depends on them (mql5.md 5.2): FileFindFirst matches with a wildcard and
//   returns names in directory order, not sorted; FileMove refuses to
//   replace an existing file without FILE_REWRITE; FileFlush reaches the
//   disk.
// - Everything a trade server or terminal knows (time, account, symbols,
//   positions, orders, OrderSend, WebRequest) is asked of the process on the
//   other end of stdin/stdout, one JSON line each way: the test's bridge,
//   which answers from the same paper broker the paper terminal trades on.
// - main() runs OnInit, then OnTimer --timers times, then OnDeinit.
//
// Every builtin declared in mql5.hpp is defined here; one that is not is a
// link error, never a silent default.
#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <dirent.h>
#include <iostream>
#include <map>
#include <sys/stat.h>

#include "mql5.hpp"

namespace {

int g_last_error = 0;
std::string g_folder;

// --- UTF-8 <-> UTF-16 -------------------------------------------------------------
std::u16string decode_utf8(const std::string &bytes) {
  std::u16string out;
  for (std::size_t i = 0; i < bytes.size();) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    unsigned int code = c;
    std::size_t extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (extra) code = c & (0x3F >> extra);
    for (std::size_t k = 1; k <= extra && i + k < bytes.size(); k++)
      code = (code << 6) | (static_cast<unsigned char>(bytes[i + k]) & 0x3F);
    i += extra + 1;
    if (code >= 0x10000) {
      code -= 0x10000;
      out += static_cast<char16_t>(0xD800 | (code >> 10));
      out += static_cast<char16_t>(0xDC00 | (code & 0x3FF));
    } else {
      out += static_cast<char16_t>(code);
    }
  }
  return out;
}

std::string encode_utf8(const std::u16string &units) {
  std::string out;
  for (std::size_t i = 0; i < units.size(); i++) {
    unsigned int code = units[i];
    if (code >= 0xD800 && code < 0xDC00 && i + 1 < units.size() && units[i + 1] >= 0xDC00 &&
        units[i + 1] < 0xE000) {
      code = 0x10000 + ((code - 0xD800) << 10) + (units[i + 1] - 0xDC00);
      i++;
    }
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }
  return out;
}

// --- the bridge: one JSON array per line each way --------------------------------------
struct Value {
  bool is_string = false;
  double number = 0;
  std::u16string text;
};

std::string quote(const std::u16string &units) {
  std::string out = "\"";
  char buffer[8];
  for (char16_t unit : units) {
    if (unit == '"' || unit == '\\') {
      out += '\\';
      out += static_cast<char>(unit);
    } else if (unit < 0x20 || unit > 0x7E) {
      std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(unit));
      out += buffer;
    } else {
      out += static_cast<char>(unit);
    }
  }
  return out + "\"";
}

class Args {
 public:
  std::string line;
  Args &operator<<(const char *text) { return add(quote(decode_utf8(text))); }
  Args &operator<<(const string &text) { return add(quote(text.s)); }
  Args &operator<<(double number) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", number);
    return add(buffer);
  }

 private:
  Args &add(const std::string &item) {
    line += line.empty() ? "[" : ",";
    line += item;
    return *this;
  }
};

std::vector<Value> parse_reply(const std::string &line) {
  std::vector<Value> values;
  std::size_t i = 1;  // after '['
  while (i < line.size() && line[i] != ']') {
    Value value;
    if (line[i] == '"') {
      value.is_string = true;
      for (i++; line[i] != '"'; i++) {
        if (line[i] != '\\') {
          value.text += static_cast<char16_t>(static_cast<unsigned char>(line[i]));
          continue;
        }
        char e = line[++i];
        if (e == 'u') {
          value.text += static_cast<char16_t>(std::stoul(line.substr(i + 1, 4), nullptr, 16));
          i += 4;
        } else {
          const char *from = "bfnrt", *to = "\b\f\n\r\t";
          const char *at = std::strchr(from, e);
          value.text += static_cast<char16_t>(at ? to[at - from] : e);
        }
      }
      i++;
    } else {
      std::size_t end = line.find_first_of(",]", i);
      std::string item = line.substr(i, end - i);
      value.number = item == "null" ? 0 : item == "true" ? 1 : item == "false" ? 0 : std::stod(item);
      i = end;
    }
    values.push_back(value);
    if (line[i] == ',') i++;
  }
  return values;
}

std::vector<Value> ask(const Args &args) {
  std::cout << args.line << "]" << std::endl;
  std::string line;
  if (!std::getline(std::cin, line) || line.empty() || line[0] != '[') {
    std::fprintf(stderr, "runtime: the bridge did not answer %s]\n", args.line.c_str());
    std::exit(4);
  }
  return parse_reply(line);
}

double ask_number(const Args &args) { return ask(args).at(0).number; }
long ask_long(const Args &args) { return std::llround(ask_number(args)); }
string ask_string(const Args &args) { return string::from_utf16(ask(args).at(0).text); }

// --- files -------------------------------------------------------------------------------
std::map<int, FILE *> g_files;
std::map<long, std::pair<std::vector<std::string>, std::size_t>> g_searches;
int g_next_handle = 1;
long g_next_search = 1;

std::string path_of(const string &name) { return g_folder + "/" + name.utf8(); }

bool exists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

FILE *file_of(int handle) {
  auto found = g_files.find(handle);
  return found == g_files.end() ? nullptr : found->second;
}

ulong g_selected_position = 0;
ulong g_selected_order = 0;

}  // namespace

// --- string -------------------------------------------------------------------------------
string::string(const char *utf8) : s(decode_utf8(utf8)) {}
std::string string::utf8() const { return encode_utf8(s); }

void mql5_print_line(const std::string &line) { std::fprintf(stderr, "EA: %s\n", line.c_str()); }

// --- common ---------------------------------------------------------------------------------
int GetLastError() { return g_last_error; }
void ResetLastError() { g_last_error = 0; }
void Sleep(int milliseconds) { ::usleep(static_cast<useconds_t>(milliseconds > 50 ? 50 : milliseconds) * 1000); }
ulong GetMicrosecondCount() {
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return static_cast<ulong>(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}
int MathRand() { return std::rand() & 0x7FFF; }

int WebRequest(const string &method, const string &url, const string &headers, int timeout,
               const MqlArray<char> &data, MqlArray<char> &result, string &result_headers) {
  std::u16string body;  // bytes as code points 0-255: the bridge reads them as Latin-1
  for (char byte : data.v) body += static_cast<char16_t>(static_cast<unsigned char>(byte));
  Args args;
  args << "web_request" << method << url << headers << string::from_utf16(body) << timeout;
  std::vector<Value> reply = ask(args);
  result.v.clear();
  for (char16_t unit : reply.at(1).text) result.v.push_back(static_cast<char>(unit));
  result_headers = string::from_utf16(reply.at(2).text);
  int status = static_cast<int>(reply.at(0).number);
  if (status < 0) g_last_error = 5203;  // ERR_WEBREQUEST_REQUEST_FAILED
  return status;
}

bool EventSetMillisecondTimer(int milliseconds) { return milliseconds > 0; }
void EventKillTimer() {}

datetime TimeGMT() { return ask_long(Args() << "time"); }
datetime TimeTradeServer() { return ask_long(Args() << "time"); }

// --- math -------------------------------------------------------------------------------------
double MathFloor(double value) { return std::floor(value); }
double MathRound(double value) { return std::round(value); }
double MathAbs(double value) { return std::fabs(value); }
double MathMin(double a, double b) { return a < b ? a : b; }
double MathPow(double base, double exponent) { return std::pow(base, exponent); }
bool MathIsValidNumber(double value) { return std::isfinite(value); }
double NormalizeDouble(double value, int digits) {
  double scale = std::pow(10.0, digits);
  return std::round(value * scale) / scale;
}

// --- strings ------------------------------------------------------------------------------------
int StringLen(const string &text) { return static_cast<int>(text.s.size()); }
int StringFind(const string &text, const string &match, int start) {
  if (start < 0 || static_cast<std::size_t>(start) > text.s.size()) return -1;
  std::size_t at = text.s.find(match.s, static_cast<std::size_t>(start));
  return at == std::u16string::npos ? -1 : static_cast<int>(at);
}
string StringSubstr(const string &text, int start, int length) {
  if (start < 0 || static_cast<std::size_t>(start) >= text.s.size()) return string();
  std::size_t count = length < 0 ? std::u16string::npos : static_cast<std::size_t>(length);
  return string::from_utf16(text.s.substr(static_cast<std::size_t>(start), count));
}
int StringCompare(const string &a, const string &b, bool case_sensitive) {
  (void)case_sensitive;
  return a.s < b.s ? -1 : (a.s == b.s ? 0 : 1);
}
ushort StringGetCharacter(const string &text, int pos) {
  if (pos < 0 || static_cast<std::size_t>(pos) >= text.s.size()) return 0;
  return text.s[static_cast<std::size_t>(pos)];
}
string ShortToString(ushort symbol_code) {
  return string::from_utf16(std::u16string(1, static_cast<char16_t>(symbol_code)));
}
string ShortArrayToString(const MqlArray<ushort> &array, int start, int count) {
  std::u16string out;
  std::size_t end = count < 0 ? array.v.size() : static_cast<std::size_t>(start + count);
  for (std::size_t i = static_cast<std::size_t>(start); i < end && i < array.v.size(); i++) {
    if (array.v[i] == 0) break;
    out += static_cast<char16_t>(array.v[i]);
  }
  return string::from_utf16(out);
}
int StringToCharArray(const string &text, MqlArray<uchar> &array, int start, int count,
                      uint codepage) {
  std::u16string units = count < 0 ? text.s : text.s.substr(0, static_cast<std::size_t>(count));
  std::string bytes;
  if (codepage == CP_UTF8) {
    bytes = encode_utf8(units);
  } else {
    for (char16_t unit : units) bytes += static_cast<char>(unit < 0x100 ? unit : '?');
  }
  if (count < 0) bytes += '\0';  // "the whole string" includes its terminating zero
  std::size_t at = static_cast<std::size_t>(start);
  if (array.v.size() < at + bytes.size()) array.v.resize(at + bytes.size());
  for (std::size_t i = 0; i < bytes.size(); i++) array.v[at + i] = static_cast<uchar>(bytes[i]);
  return static_cast<int>(bytes.size());
}
string CharArrayToString(const MqlArray<uchar> &array, int start, int count, uint codepage) {
  std::string bytes;
  std::size_t end = count < 0 ? array.v.size() : static_cast<std::size_t>(start + count);
  for (std::size_t i = static_cast<std::size_t>(start); i < end && i < array.v.size(); i++) {
    if (array.v[i] == 0) break;
    bytes += static_cast<char>(array.v[i]);
  }
  if (codepage == CP_UTF8) return string::from_utf16(decode_utf8(bytes));
  std::u16string out;
  for (char byte : bytes) out += static_cast<char16_t>(static_cast<unsigned char>(byte));
  return string::from_utf16(out);
}
long StringToInteger(const string &text) { return std::strtol(text.utf8().c_str(), nullptr, 10); }
double StringToDouble(const string &text) { return std::strtod(text.utf8().c_str(), nullptr); }
string IntegerToString(long number, int str_len, ushort fill_symbol) {
  std::u16string digits = decode_utf8(std::to_string(number));
  while (static_cast<int>(digits.size()) < str_len) digits.insert(digits.begin(), static_cast<char16_t>(fill_symbol));
  return string::from_utf16(digits);
}

// --- files ----------------------------------------------------------------------------------------
long FileFindFirst(const string &filter, string &returned_filename, int common_flag) {
  (void)common_flag;
  std::vector<std::string> names;
  if (DIR *dir = ::opendir(g_folder.c_str())) {
    std::string pattern = filter.utf8();
    while (dirent *entry = ::readdir(dir)) {
      if (::fnmatch(pattern.c_str(), entry->d_name, 0) == 0) names.push_back(entry->d_name);
    }
    ::closedir(dir);
  }
  if (names.empty()) {
    g_last_error = 5019;  // ERR_FILE_NOT_EXIST
    return INVALID_HANDLE;
  }
  long handle = g_next_search++;
  g_searches[handle] = {names, 1};
  returned_filename = string(names[0].c_str());
  return handle;
}
bool FileFindNext(long search_handle, string &returned_filename) {
  auto &search = g_searches.at(search_handle);
  if (search.second >= search.first.size()) return false;
  returned_filename = string(search.first[search.second++].c_str());
  return true;
}
void FileFindClose(long search_handle) { g_searches.erase(search_handle); }

int FileOpen(const string &file_name, int open_flags, short delimiter, uint codepage) {
  (void)delimiter;
  (void)codepage;
  std::string path = path_of(file_name);
  const char *mode = "rb";
  if ((open_flags & FILE_WRITE) && (open_flags & FILE_READ))
    mode = exists(path) ? "r+b" : "w+b";
  else if (open_flags & FILE_WRITE)
    mode = "wb";
  FILE *file = std::fopen(path.c_str(), mode);
  if (!file) {
    g_last_error = 5004;  // ERR_CANNOT_OPEN_FILE
    return INVALID_HANDLE;
  }
  g_files[g_next_handle] = file;
  return g_next_handle++;
}
void FileClose(int file_handle) {
  if (FILE *file = file_of(file_handle)) std::fclose(file);
  g_files.erase(file_handle);
}
ulong FileSize(int file_handle) {
  struct stat info;
  FILE *file = file_of(file_handle);
  if (!file || ::fstat(::fileno(file), &info) != 0) return 0;
  return static_cast<ulong>(info.st_size);
}
uint FileReadArray(int file_handle, MqlArray<uchar> &array, int start, int count) {
  FILE *file = file_of(file_handle);
  if (!file) return 0;
  std::size_t at = static_cast<std::size_t>(start);
  std::size_t want = count < 0 ? FileSize(file_handle) : static_cast<std::size_t>(count);
  if (array.v.size() < at + want) array.v.resize(at + want);
  return static_cast<uint>(std::fread(array.v.data() + at, 1, want, file));
}
uint FileWriteArray(int file_handle, const MqlArray<uchar> &array, int start, int count) {
  FILE *file = file_of(file_handle);
  if (!file) return 0;
  std::size_t at = static_cast<std::size_t>(start);
  std::size_t size = count < 0 ? array.v.size() - at : static_cast<std::size_t>(count);
  return static_cast<uint>(std::fwrite(array.v.data() + at, 1, size, file));
}
bool FileSeek(int file_handle, long offset, ENUM_FILE_POSITION origin) {
  FILE *file = file_of(file_handle);
  int whence = origin == SEEK_SET ? 0 : origin == SEEK_CUR ? 1 : 2;
  return file && std::fseek(file, offset, whence) == 0;
}
void FileFlush(int file_handle) {
  if (FILE *file = file_of(file_handle)) {
    std::fflush(file);
    ::fsync(::fileno(file));
  }
}
bool FileMove(const string &src_file_name, int common_flag, const string &dst_file_name,
              int mode_flags) {
  (void)common_flag;
  std::string from = path_of(src_file_name), to = path_of(dst_file_name);
  if (!exists(from) || (!(mode_flags & FILE_REWRITE) && exists(to))) {
    g_last_error = 5019;
    return false;
  }
  return std::rename(from.c_str(), to.c_str()) == 0;
}
bool FileDelete(const string &file_name, int common_flag) {
  (void)common_flag;
  return std::remove(path_of(file_name).c_str()) == 0;
}
bool FileIsExist(const string &file_name, int common_flag) {
  (void)common_flag;
  return exists(path_of(file_name));
}

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
       << static_cast<double>(request.order) << static_cast<double>(request.magic)
       << request.comment;
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

int PositionsTotal() { return static_cast<int>(ask_long(Args() << "positions_total")); }
ulong PositionGetTicket(int index) {
  g_selected_position = static_cast<ulong>(ask_long(Args() << "position_ticket" << index));
  return g_selected_position;
}
bool PositionSelectByTicket(ulong ticket) {
  bool found = ask_long(Args() << "position_exists" << static_cast<double>(ticket)) != 0;
  g_selected_position = found ? ticket : 0;
  return found;
}
long PositionGetInteger(ENUM_POSITION_PROPERTY_INTEGER property_id) {
  return ask_long(Args() << "position" << static_cast<double>(g_selected_position) << mql5_name(property_id));
}
double PositionGetDouble(ENUM_POSITION_PROPERTY_DOUBLE property_id) {
  return ask_number(Args() << "position" << static_cast<double>(g_selected_position) << mql5_name(property_id));
}
string PositionGetString(ENUM_POSITION_PROPERTY_STRING property_id) {
  return ask_string(Args() << "position" << static_cast<double>(g_selected_position) << mql5_name(property_id));
}
int OrdersTotal() { return static_cast<int>(ask_long(Args() << "orders_total")); }
ulong OrderGetTicket(int index) {
  g_selected_order = static_cast<ulong>(ask_long(Args() << "order_ticket" << index));
  return g_selected_order;
}
bool OrderSelect(ulong ticket) {
  bool found = ask_long(Args() << "order_exists" << static_cast<double>(ticket)) != 0;
  g_selected_order = found ? ticket : 0;
  return found;
}
long OrderGetInteger(ENUM_ORDER_PROPERTY_INTEGER property_id) {
  return ask_long(Args() << "order" << static_cast<double>(g_selected_order) << mql5_name(property_id));
}
double OrderGetDouble(ENUM_ORDER_PROPERTY_DOUBLE property_id) {
  return ask_number(Args() << "order" << static_cast<double>(g_selected_order) << mql5_name(property_id));
}
string OrderGetString(ENUM_ORDER_PROPERTY_STRING property_id) {
  return ask_string(Args() << "order" << static_cast<double>(g_selected_order) << mql5_name(property_id));
}
bool HistoryDealSelect(ulong ticket) {
  return ask_long(Args() << "deal_exists" << static_cast<double>(ticket)) != 0;
}
long HistoryDealGetInteger(ulong ticket_number, ENUM_DEAL_PROPERTY_INTEGER property_id) {
  return ask_long(Args() << "deal" << static_cast<double>(ticket_number) << mql5_name(property_id));
}

// --- the program ---------------------------------------------------------------------------------
int main(int argc, char **argv) {
  int timers = 3;
  for (int i = 1; i + 1 < argc; i++)
    if (std::string(argv[i]) == "--timers") timers = std::atoi(argv[i + 1]);
  const char *folder = std::getenv("MQL5_FILES");
  if (!folder) {
    std::fprintf(stderr, "runtime: set MQL5_FILES to the MQL5/Files folder\n");
    return 2;
  }
  g_folder = folder;
  std::srand(static_cast<unsigned>(::getpid()));
  if (OnInit() != INIT_SUCCEEDED) return 3;
  for (int i = 0; i < timers; i++) OnTimer();
  OnDeinit(0);
  std::cout << "[\"exit\"]" << std::endl;
  return 0;
}
