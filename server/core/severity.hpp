// The four Chinese warning colours, ordered from least to most severe.
#pragma once

#include <optional>
#include <string_view>

namespace campus::core {

enum class severity { blue = 1, yellow = 2, orange = 3, red = 4 };

constexpr std::string_view to_string(severity s) {
  switch (s) {
    case severity::blue: return "blue";
    case severity::yellow: return "yellow";
    case severity::orange: return "orange";
    case severity::red: return "red";
  }
  return "unknown";
}

constexpr std::optional<severity> parse_severity(std::string_view s) {
  if (s == "blue") return severity::blue;
  if (s == "yellow") return severity::yellow;
  if (s == "orange") return severity::orange;
  if (s == "red") return severity::red;
  return std::nullopt;
}

}  // namespace campus::core
