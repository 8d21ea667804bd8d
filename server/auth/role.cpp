#include "auth/role.hpp"

#include <array>
#include <utility>

namespace campus::auth {

namespace {

constexpr std::array<std::pair<role, std::string_view>, 5> names{{
    {role::viewer, "viewer"},
    {role::duty_leader, "duty_leader"},
    {role::safety_director, "safety_director"},
    {role::bureau, "bureau"},
    {role::admin, "admin"},
}};

}  // namespace

std::string_view to_string(role r) {
  for (const auto& [value, name] : names) {
    if (value == r) return name;
  }
  return "viewer";  // unreachable for a valid enum value
}

std::optional<role> parse_role(std::string_view text) {
  for (const auto& [value, name] : names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace campus::auth
