// Failed-login counting per client address and per user name: after `max_failures` failures
// within `window`, that address (or name) is locked out for `lockout`. Guessing one user's
// password from many addresses hits the name's limit; trying many names from one address hits
// the address's. Only a success clears a name's failures; an address's expire with time, so a
// valid login of one's own cannot reset the count for guessing others.
//
// Not thread-safe: the authenticator uses it on its worker only. Memory is bounded by pruning
// records with nothing left to remember whenever the maps have doubled.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/reading.hpp"

namespace campus::auth {

class login_limiter {
 public:
  struct settings {
    int max_failures = 5;  // per name
    std::chrono::seconds window{std::chrono::minutes{15}};
    std::chrono::seconds lockout{std::chrono::minutes{15}};
    // Per address; 0: the same as max_failures. Higher than the per-name limit in the server:
    // a school's NAT puts all its staff behind one address, and a few people mistyping must
    // not lock the whole school out (guessing one name is still capped by the name's limit).
    int max_address_failures = 0;
  };

  explicit login_limiter(settings s) : settings_(s) {}

  // Zero when both the address and the name may try now, else the longer of their waits,
  // rounded up to whole seconds.
  std::chrono::seconds retry_after(std::string_view address, std::string_view name,
                                   core::time_point now) const;
  void failed(std::string_view address, std::string_view name, core::time_point now);
  void succeeded(std::string_view name);

  std::size_t tracked() const { return by_address_.size() + by_name_.size(); }

 private:
  struct record {
    std::deque<core::time_point> failures;  // within the window, oldest first
    core::time_point locked_until{};
  };
  using table = std::unordered_map<std::string, record>;

  std::chrono::seconds wait(const table& t, std::string_view key, core::time_point now) const;
  void fail(table& t, std::string_view key, int limit, core::time_point now);
  void prune(core::time_point now);

  settings settings_;
  table by_address_;
  table by_name_;
  std::size_t prune_at_ = 4096;
};

}  // namespace campus::auth
