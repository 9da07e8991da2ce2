// The fake runtime's plumbing (runtime.hpp): UTF-8 <-> UTF-16 as MQL5's
// strings need it, and the bridge: each question goes out on stdout as one
// JSON array, and one JSON array comes back on stdin from ea/linux/bridge.py.
#include <cmath>
#include <cstring>
#include <iostream>

#include "runtime.hpp"

namespace runtime {

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

// --- the bridge ----------------------------------------------------------------------------
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

namespace {

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
      bool whole = item.find_first_of(".eE") == std::string::npos && item != "null" &&
                   item != "true" && item != "false";
      value.integer = whole ? std::stoll(item) : std::llround(value.number);
      i = end;
    }
    values.push_back(value);
    if (line[i] == ',') i++;
  }
  return values;
}

}  // namespace

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
long ask_long(const Args &args) { return ask(args).at(0).integer; }
string ask_string(const Args &args) { return string::from_utf16(ask(args).at(0).text); }

}  // namespace runtime
