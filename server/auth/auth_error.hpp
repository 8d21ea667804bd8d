// Why a login (or another authenticator request) was refused or failed. Refusals are results,
// never exceptions.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace campus::auth {

struct auth_error {
  enum class code {
    bad_credentials,   // unknown user or wrong password (the two are not told apart)
    rate_limited,      // too many failures from this address or for this user; see retry_after
    disabled,          // the password was right but the user is disabled
    invalid_argument,  // a name or password too long or empty, a malformed token
    storage,           // SQLite failed; nothing was changed
    stopped,           // the authenticator has been stopped
  };
  code what = code::bad_credentials;
  std::string message;
  std::chrono::seconds retry_after{0};  // set with rate_limited: when to try again
};

// "bad_credentials", "rate_limited", …: the metric label and the audit detail.
std::string_view to_string(auth_error::code c);

}  // namespace campus::auth
