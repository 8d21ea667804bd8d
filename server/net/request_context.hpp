// What a route knows of a request besides the request itself: who is asking (the session's
// principal), from where, and over which transport.
#pragma once

#include <optional>
#include <string>

#include "auth/principal.hpp"

namespace campus::net {

struct request_context {
  std::optional<auth::principal> who;  // nullopt: no live session
  std::string address;                 // the peer's IP address, for limits and the audit log
  bool secure = false;                 // the connection is TLS (cookies get `Secure`)
};

}  // namespace campus::net
