// Refusals worth a trace: a user asking for another school's data or beyond their role, or a
// page of another site using a session. Each goes to the audit log (auth::authenticator, on
// its own thread) as "denied", with the user, address, method and path. Requests without a
// session (401) are not logged here: they carry no identity and would drown the rest.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "auth/authenticator.hpp"
#include "core/clock.hpp"
#include "net/request_context.hpp"

namespace campus::net {

class denial_log {
 public:
  void set_authenticator(auth::authenticator* a) { auth_.store(a); }

  // Thread-safe; never blocks (the authenticator queues the write).
  void record(const request_context& ctx, std::string_view method, std::string_view path,
              std::string_view why) const {
    auth::authenticator* a = auth_.load();
    if (!a) return;
    a->audit({core::system_clock{}.now(), ctx.who ? ctx.who->user : std::string(), "denied",
              ctx.address, fmt::format("{} {}: {}", method, path, why)});
  }

 private:
  std::atomic<auth::authenticator*> auth_{nullptr};
};

}  // namespace campus::net
