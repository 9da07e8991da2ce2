// The MQL5 builtins MT5Bot.mq5 uses, as C++17 declarations, so g++ can check
// the EA on Linux (ea/linux/check.py) and runtime.cpp can run it natively.
//
// This is a second source of truth, so it holds exactly what the EA uses and
// each declaration names its mql5.com reference page: a builtin the EA starts
// using is a compile error here until someone copies its signature from there.
// Types (string, dynamic arrays) are implemented inline because both uses need
// them; functions are only declared, and runtime*.cpp defines them.
//
// Deliberately stricter than MetaEditor where that is cheap: no implicit
// number -> string conversion, int -> enum needs a cast, OrderSend's result
// must be used.
//
// The parts, each included once by the next: mql5_types.hpp (string, dynamic
// arrays, inputs), mql5_constants.hpp (constants, property enumerations,
// trade structures), mql5_functions.hpp (the event handlers and builtins).
// The EA's C++ (mql2cpp.py) and runtime.cpp include this file only.
#pragma once

#include "mql5_functions.hpp"
