// A fake MQL5 runtime: MT5Bot.mq5, rewritten by mql2cpp.py, links against
// this to run natively on Linux (ea/linux/native.py builds and drives it).
//
// - Files are real files in $MQL5_FILES, with MQL5's semantics where the EA
//   depends on them (docs/mt5.md 2): FileFindFirst matches with a wildcard and
//   returns names in directory order, not sorted; FileMove refuses to
//   replace an existing file without FILE_REWRITE; FileFlush reaches the
//   disk.
// - Everything a trade server or terminal knows (time, account, symbols,
//   positions, orders, OrderSend, WebRequest) is asked of the process on the
//   other end of stdin/stdout, one JSON line each way: the test's bridge,
//   which answers from the same paper broker the paper terminal trades on.
// - main() runs OnInit, then OnTimer --timers times, then OnDeinit; as in
//   MT5, a failed OnInit is followed by OnDeinit(REASON_INITFAILED) alone.
// - With MQL5_VIRTUAL_CLOCK set, GetMicrosecondCount is a clock of the
//   runtime's own: each OnTimer comes one timer period after the last and
//   each Sleep advances it by its full length, so a schedule in the EA (the
//   HTTP poll, its back-off) is tested without waiting on the wall clock.
//
// The parts: runtime.hpp (what they share), runtime_bridge.cpp (UTF-8, the
// bridge), runtime_strings.cpp (strings, conversions, math), runtime_files.cpp,
// runtime_trade.cpp (account, terminal, symbols, trading), and this file
// (errors, time, timers, WebRequest, Print, main).
//
// Every builtin declared in mql5.hpp is defined in one of them; one that is
// not is a link error, never a silent default.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "runtime.hpp"

using runtime::ask;
using runtime::ask_long;
using runtime::Args;
using runtime::g_folder;
using runtime::g_last_error;
using runtime::Value;

namespace runtime {

int g_last_error = 0;
std::string g_folder;

}  // namespace runtime

namespace {

bool g_virtual_clock = false;
ulong g_virtual_us = 1000000;
int g_timer_ms = 0;

}  // namespace

void mql5_print_line(const std::string &line) { std::fprintf(stderr, "EA: %s\n", line.c_str()); }
void mql5_comment_line(const std::string &line) { ask(Args() << "comment" << line.c_str()); }

// --- common ---------------------------------------------------------------------------------
int GetLastError() { return g_last_error; }
void ResetLastError() { g_last_error = 0; }
// The bridge's clock may move on a sleep instead (a golden vector's): then no
// real time passes, and GetMicrosecondCount counts the slept time too. With
// MQL5_VIRTUAL_CLOCK the runtime keeps a clock of its own that moves only on
// sleeps and timer ticks.
static ulong g_slept_us = 0;
void Sleep(int milliseconds) {
  if (g_virtual_clock && milliseconds > 0) g_virtual_us += static_cast<ulong>(milliseconds) * 1000;
  if (milliseconds > 0 && ask_long(Args() << "sleep" << milliseconds) == 1) {
    g_slept_us += static_cast<ulong>(milliseconds) * 1000;
    return;
  }
  ::usleep(static_cast<useconds_t>(milliseconds > 50 ? 50 : milliseconds) * 1000);
}
ulong GetMicrosecondCount() {
  if (g_virtual_clock) return g_virtual_us;
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return g_slept_us + static_cast<ulong>(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
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

bool EventSetMillisecondTimer(int milliseconds) {
  if (milliseconds <= 0) return false;
  g_timer_ms = milliseconds;
  return true;
}
void EventKillTimer() { g_timer_ms = 0; }

datetime TimeGMT() { return ask_long(Args() << "time"); }
datetime TimeTradeServer() { return ask_long(Args() << "server_time"); }

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
  g_virtual_clock = std::getenv("MQL5_VIRTUAL_CLOCK") != nullptr;
  std::srand(static_cast<unsigned>(::getpid()));
  int init = OnInit();
  if (init != INIT_SUCCEEDED) {
    std::fprintf(stderr, "runtime: OnInit returned %d\n", init);
    OnDeinit(REASON_INITFAILED);
    return 3;
  }
  for (int i = 0; i < timers; i++) {
    if (i > 0) g_virtual_us += static_cast<ulong>(g_timer_ms) * 1000;
    OnTimer();
  }
  // MQL5_DEINIT_REASON: why the terminal unloads it (REASON_PROGRAM if unset).
  const char *reason = std::getenv("MQL5_DEINIT_REASON");
  OnDeinit(reason ? std::atoi(reason) : REASON_PROGRAM);
  std::cout << "[\"exit\"]" << std::endl;
  return 0;
}
