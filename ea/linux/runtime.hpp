// What the parts of the fake MQL5 runtime share (runtime*.cpp): the last
// error and the files folder, UTF-8 <-> UTF-16, and the bridge that answers
// for the terminal and the trade server, one JSON array per line each way.
// Not MQL5: nothing here is visible to the EA, which sees only mql5.hpp.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "mql5.hpp"

namespace runtime {

extern int g_last_error;
extern std::string g_folder;  // $MQL5_FILES

std::u16string decode_utf8(const std::string &bytes);
std::string encode_utf8(const std::u16string &units);

// One item of the bridge's answer: a string or a number (null and false
// are 0, true is 1). `integer` is an integer item read exactly (a magic of
// 18 digits is beyond a double's 2^53), else the number rounded.
struct Value {
  bool is_string = false;
  double number = 0;
  long long integer = 0;
  std::u16string text;
};

std::string quote(const std::u16string &units);

// A question for the bridge: its name, then its arguments.
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
  // Exactly, where a double would round (a magic number).
  Args &integer(long long number) { return add(std::to_string(number)); }

 private:
  Args &add(const std::string &item) {
    line += line.empty() ? "[" : ",";
    line += item;
    return *this;
  }
};

std::vector<Value> ask(const Args &args);
double ask_number(const Args &args);
long ask_long(const Args &args);
string ask_string(const Args &args);

}  // namespace runtime
