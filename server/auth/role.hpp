// The five roles, ordered: each may do everything the ones before it may (see principal).
#pragma once

#include <optional>
#include <string_view>

namespace campus::auth {

enum class role { viewer, duty_leader, safety_director, bureau, admin };

// "viewer", "duty_leader", "safety_director", "bureau", "admin": the names in users.db, the
// CLI and the API.
std::string_view to_string(role r);
std::optional<role> parse_role(std::string_view text);

// Bureau and admin are bound to every school; the others to the schools listed on the user.
constexpr bool sees_all_sites(role r) { return r >= role::bureau; }

}  // namespace campus::auth
