#include "alerts/ledger_entry.hpp"

#include <fmt/format.h>

namespace campus::alerts {

std::string_view to_string(entry_kind k) {
  switch (k) {
    case entry_kind::sensor:
      return "sensor";
    case entry_kind::manual:
      return "manual";
  }
  return "unknown";
}

std::string_view to_string(handling h) {
  switch (h) {
    case handling::new_:
      return "new";
    case handling::acknowledged:
      return "acknowledged";
    case handling::rectified:
      return "rectified";
    case handling::closed:
      return "closed";
  }
  return "unknown";
}

std::string_view to_string(rules::condition c) {
  return c == rules::condition::active ? "active" : "cleared";
}

std::optional<entry_kind> parse_entry_kind(std::string_view s) {
  if (s == "sensor") return entry_kind::sensor;
  if (s == "manual") return entry_kind::manual;
  return std::nullopt;
}

std::optional<handling> parse_handling(std::string_view s) {
  if (s == "new") return handling::new_;
  if (s == "acknowledged") return handling::acknowledged;
  if (s == "rectified") return handling::rectified;
  if (s == "closed") return handling::closed;
  return std::nullopt;
}

std::optional<rules::condition> parse_condition(std::string_view s) {
  if (s == "active") return rules::condition::active;
  if (s == "cleared") return rules::condition::cleared;
  return std::nullopt;
}

std::string display_id(std::int64_t id) {
  return id < 0 ? fmt::format("P-{:06}", -id) : fmt::format("A-{:06}", id);
}

}  // namespace campus::alerts
