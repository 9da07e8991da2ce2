// The fake runtime's strings, conversions and math (mql5.hpp declares them,
// each with its mql5.com page). MQL5 strings are UTF-16 code units.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "runtime.hpp"

using runtime::decode_utf8;
using runtime::encode_utf8;

// --- string -------------------------------------------------------------------------------
string::string(const char *utf8) : s(decode_utf8(utf8)) {}
std::string string::utf8() const { return encode_utf8(s); }

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

// --- time as text -------------------------------------------------------------------------------
string TimeToString(datetime value, int mode) {
  std::time_t seconds = static_cast<std::time_t>(value);
  std::tm parts{};
  gmtime_r(&seconds, &parts);  // MQL5 formats a datetime as it is, in no zone
  std::string format;
  if (mode & TIME_DATE) format += "%Y.%m.%d";
  if (mode & (TIME_MINUTES | TIME_SECONDS)) format += format.empty() ? "" : " ";
  if (mode & TIME_SECONDS) format += "%H:%M:%S";
  else if (mode & TIME_MINUTES) format += "%H:%M";
  char text[32];
  std::size_t size = std::strftime(text, sizeof text, format.c_str(), &parts);
  return string(std::string(text, size).c_str());
}
datetime mql5_compile_time() {
  // __DATE__ is "Jan 10 2025", __TIME__ "12:34:56": this file's compile time.
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  std::tm parts{};
  char month[4] = {};
  std::sscanf(__DATE__, "%3s %d %d", month, &parts.tm_mday, &parts.tm_year);
  std::sscanf(__TIME__, "%d:%d:%d", &parts.tm_hour, &parts.tm_min, &parts.tm_sec);
  parts.tm_mon = static_cast<int>((std::strstr(months, month) - months) / 3);
  parts.tm_year -= 1900;
  return static_cast<datetime>(timegm(&parts));
}
