// Internal to the scenarios: what every scenario planner gets, and the lookups they share.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "sim/scenario.hpp"

namespace campus::sim::scenario_parts {

struct context {
  const config::district& district;
  const config::site& site;
  const scenario_settings& settings;
  core::time_point start;
};

// The site's first device of `family` in a zone of `zone_type`, else its first of `family`;
// an error naming what is missing when it has none.
std::expected<const config::device*, std::string> pick_device(const context& c,
                                                              std::string_view family,
                                                              std::string_view zone_type);

std::string topic(const config::device& d, std::string_view stream);

// Offsets for readable plans.
constexpr core::duration ms(long n) { return core::duration{n}; }
constexpr core::duration seconds(long n) { return core::duration{n * 1000}; }

std::expected<scenario_plan, std::string> gas_leak(const context& c);
std::expected<scenario_plan, std::string> cabinet_door_night(const context& c);

}  // namespace campus::sim::scenario_parts
