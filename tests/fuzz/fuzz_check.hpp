// How the fuzz targets state their invariants: a broken one prints what broke and aborts, which
// libFuzzer reports as a crash and saves the input that caused it (see README.md here).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/log.hpp"

namespace campus::fuzz {

// The server logs every alert and (rate-limited) every refusal; a fuzz run makes millions.
inline void quiet_server_logs() { core::set_log_level(core::log_level::error); }

[[noreturn]] inline void fail(std::string_view what) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(what.size()),
               what.data());
  std::abort();
}

inline void check(bool ok, std::string_view what) {
  if (!ok) fail(what);
}

}  // namespace campus::fuzz
