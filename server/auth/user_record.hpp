// A user as users.db keeps it (without the password hash), and the rules a record and a
// password must meet before they are stored.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "auth/role.hpp"
#include "core/reading.hpp"

namespace campus::auth {

struct user_record {
  std::string name;          // login name: a-z, 0-9, '.', '_', '-', at most 64, starting a-z/0-9
  std::string display_name;  // shown and written as "who" in the ledger; empty means the name
  role level = role::viewer;
  std::vector<std::string> sites;  // viewer..safety_director: at least one; bureau, admin: none
  bool disabled = false;
  core::time_point created_at{};
};

// The characters a login name may hold; the message says which rule failed.
std::expected<void, std::string> check_user_name(std::string_view name);

// The whole record: name, display name (UTF-8, no control characters, at most 128 bytes), and
// sites (letters, digits, '-', '_', '.', as site ids in the district; no duplicates; required
// below bureau, refused for bureau and admin, who see every school).
std::expected<void, std::string> check_user(const user_record& u);

// At least 10 characters (UTF-8 code points), at most 1024 bytes.
std::expected<void, std::string> check_password(std::string_view password);

}  // namespace campus::auth
