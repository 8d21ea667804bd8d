// Names the configuration accepts: identifiers and zone types.
#pragma once

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

namespace campus::config {

// Zone types the product knows; rules and compliance refer to them.
inline const std::set<std::string, std::less<>> known_zone_types = {
    "canteen_kitchen", "chemical_store", "lab",       "water_zone",
    "gate",            "boiler_room",    "dormitory", "other"};

// Ids appear in MQTT topics and URLs: letters, digits, '-', '_' and '.', at most 64.
inline bool is_identifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace campus::config
