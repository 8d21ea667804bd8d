// gas-leak: the site's first kitchen gas detector sees a leak building up, one reading every
// 0.5 s, so the gas-leak rule goes yellow (> 10) and then red (> 25); the detector's linked
// shut-off valve closes once the level passes 25 % LEL and stays closed after the leak.
#include <fmt/format.h>

#include <array>
#include <boost/json/object.hpp>

#include "core/severity.hpp"
#include "sim/json_text.hpp"
#include "sim/scenario_parts.hpp"

namespace campus::sim::scenario_parts {
namespace {

constexpr double shut_off_level = 25;

sim_message reading(const config::device& d, core::time_point ts, double lel, bool shut) {
  boost::json::object p;
  p["ts"] = core::to_epoch_ms(ts);
  p["lel_pct"] = lel;
  p["co_ppm"] = 2;
  p["valve"] = shut ? "closed" : "open";
  p["fault"] = false;
  return {topic(d, "telemetry"), json_text(p)};
}

// Which configured levels of lel_pct rules the step from `before` to `after` crosses, so the
// operator sees which alert to expect: " (crosses yellow 10: gas-leak)".
std::string crossings(const config::district& district, double before, double after) {
  std::string out;
  for (const auto& r : district.rules) {
    if (r.kind != rules::rule_kind::threshold || r.metric != "lel_pct" ||
        r.op != rules::comparison::above) {
      continue;
    }
    for (const auto& l : r.levels) {
      if (before <= l.threshold && after > l.threshold) {
        out += fmt::format(" (crosses {} {}: {})", core::to_string(l.severity), l.threshold, r.id);
      }
    }
  }
  return out;
}

}  // namespace

std::expected<scenario_plan, std::string> gas_leak(const context& c) {
  auto detector = pick_device(c, "gas_detector", "canteen_kitchen");
  if (!detector) return std::unexpected(detector.error());
  const auto& d = **detector;

  static constexpr std::array<double, 8> ramp{2, 6, 12, 18, 24, 30, 38, 45};
  scenario_plan plan;
  double before = 0;
  core::duration at{0};
  for (const double lel : ramp) {
    plan.steps.push_back(
        {at,
         fmt::format("{}: lel_pct {}{}", d.id, lel, crossings(c.district, before, lel)),
         {reading(d, c.start + at, lel, lel >= shut_off_level)}});
    before = lel;
    at += ms(500);
  }
  // Holding: the leak level again every second, as a detector in alarm keeps reporting.
  const core::duration leak_reached = plan.steps.back().at;
  const core::duration hold = c.settings.hold.value_or(seconds(10));
  for (core::duration h = seconds(1); h <= hold; h += seconds(1)) {
    plan.steps.push_back({leak_reached + h,
                          fmt::format("{}: lel_pct {} (holding)", d.id, before),
                          {reading(d, c.start + leak_reached + h, before, true)}});
  }
  if (c.settings.recover) {
    const core::duration end = plan.steps.back().at + ms(500);
    // After a shut-off the valve stays closed until someone resets it on site.
    plan.steps.push_back({end,
                          fmt::format("{}: lel_pct 1 (leak over; valve stays closed)", d.id),
                          {reading(d, c.start + end, 1, true)}});
  } else {
    plan.muted_devices.push_back(d.id);
  }
  return plan;
}

}  // namespace campus::sim::scenario_parts
