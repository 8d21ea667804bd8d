// A signed-in session as login hands it out: the token goes to the client (cookie or bearer
// header) and is never stored; users.db keeps only its digest (see session_token.hpp).
#pragma once

#include <string>

#include "auth/principal.hpp"
#include "core/reading.hpp"

namespace campus::auth {

struct session {
  std::string token;  // 64 hex characters
  principal who;
  core::time_point expires_at{};
};

}  // namespace campus::auth
