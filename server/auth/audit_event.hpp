// One line of the audit log: logins, logouts, denials, user and configuration changes.
#pragma once

#include <cstdint>
#include <string>

#include "core/reading.hpp"

namespace campus::auth {

struct audit_event {
  core::time_point at{};
  std::string who;      // login name ("cli" for the command line); may be empty
  std::string what;     // login_ok, login_failed, login_rate_limited, logout, user_add, …
  std::string address;  // the client's address; empty when there is none
  std::string detail;   // free text: why, or what changed
};

}  // namespace campus::auth
