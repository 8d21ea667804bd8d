#include "auth/auth_error.hpp"

namespace campus::auth {

std::string_view to_string(auth_error::code c) {
  switch (c) {
    case auth_error::code::bad_credentials: return "bad_credentials";
    case auth_error::code::rate_limited: return "rate_limited";
    case auth_error::code::disabled: return "disabled";
    case auth_error::code::invalid_argument: return "invalid_argument";
    case auth_error::code::storage: return "storage";
    case auth_error::code::stopped: return "stopped";
  }
  return "storage";
}

}  // namespace campus::auth
