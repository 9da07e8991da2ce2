// MQL5's types for the EA's C++ (mql5.hpp): string as UTF-16 code units,
// dynamic arrays that stop the program on an index out of range, and inputs.
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
