#include "alerts/ledger_transition.hpp"

#include <array>
#include <utility>

namespace campus::alerts {

namespace {
constexpr std::array<std::pair<transition_kind, std::string_view>, 12> names{{
    {transition_kind::raised, "raised"},
    {transition_kind::severity_changed, "severity_changed"},
    {transition_kind::cleared, "cleared"},
    {transition_kind::refired, "refired"},
    {transition_kind::acknowledged, "acknowledged"},
    {transition_kind::rectified, "rectified"},
    {transition_kind::closed, "closed"},
    {transition_kind::registered, "registered"},
    {transition_kind::assigned, "assigned"},
    {transition_kind::note, "note"},
    {transition_kind::reported, "reported"},
    {transition_kind::notified, "notified"},
}};
}  // namespace

std::string_view to_string(transition_kind k) {
  for (const auto& [kind, name] : names) {
    if (kind == k) return name;
  }
  return "unknown";
}

std::optional<transition_kind> parse_transition_kind(std::string_view s) {
  for (const auto& [kind, name] : names) {
    if (name == s) return kind;
  }
  return std::nullopt;
}

}  // namespace campus::alerts
