// cabinet-door-night: the site's first chemical-store cabinet is left open and unlocked.
// It reports every 10 s for the door rule's `for` period plus a minute (3 min in the sample),
// then is closed and locked again. The door / lock rules only apply after hours in the site's
// time zone, so the plan notes whether an alert can fire at the time it runs.
//
// --fast publishes four readings half a second apart instead: enough to see the state on the
// dashboards, not enough for the rules, which time `for` by arrival, not by `ts`.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/json/object.hpp>

#include "sim/json_text.hpp"
#include "sim/scenario_parts.hpp"
#include "sim/site_clock.hpp"

namespace campus::sim::scenario_parts {
namespace {

sim_message reading(const config::device& d, core::time_point ts, bool open) {
  boost::json::object p;
  p["ts"] = core::to_epoch_ms(ts);
  p["temp_c"] = 21.5;
  p["rh_pct"] = 46;
  p["voc_ppm"] = 0.42;
  p["door"] = open ? "open" : "closed";
  p["lock"] = open ? "unlocked" : "locked";
  p["fan"] = "on";
  return {topic(d, "telemetry"), json_text(p)};
}

bool watches_cabinet_door(const rules::rule_def& r) {
  const bool family = r.families.empty() || std::find(r.families.begin(), r.families.end(),
                                                      "hazmat_cabinet") != r.families.end();
  return family && r.kind == rules::rule_kind::threshold && r.metric == "door";
}

std::string describe(const rules::time_window& w) {
  std::string days =
      w.weekdays.empty() ? "every day" : fmt::format("days {}", fmt::join(w.weekdays, ","));
  if (w.start_minute == 0 && w.end_minute >= 24 * 60) return days + " all day";
  return fmt::format("{} {:02}:{:02}-{:02}:{:02}", days, w.start_minute / 60, w.start_minute % 60,
                     (w.end_minute / 60) % 24, w.end_minute % 60);
}

// One note per door rule: whether its time windows hold at `start` in the site's time zone.
std::vector<std::string> window_notes(const context& c) {
  std::vector<std::string> notes;
  auto clock = site_clock::make(c.site.time_zone);
  if (!clock) return {clock.error()};
  const local_moment now = clock->at(c.start);
  for (const auto& r : c.district.rules) {
    if (!watches_cabinet_door(r) || r.windows.empty()) continue;
    const bool active = std::any_of(r.windows.begin(), r.windows.end(),
                                    [&](const auto& w) { return now.inside(w); });
    std::vector<std::string> windows;
    for (const auto& w : r.windows) windows.push_back(describe(w));
    notes.push_back(fmt::format(
        "rule {} applies only {} ({}); it is {} there now, so {}", r.id, fmt::join(windows, "; "),
        c.site.time_zone, now.to_string(),
        active ? "it should fire" : "NO alert will fire; run it after hours or at the weekend"));
  }
  return notes;
}

core::duration door_rule_for(const config::district& district) {
  core::duration longest{0};
  for (const auto& r : district.rules) {
    if (watches_cabinet_door(r)) longest = std::max(longest, r.for_duration);
  }
  return longest > core::duration{0} ? longest : std::chrono::minutes{2};
}

}  // namespace

std::expected<scenario_plan, std::string> cabinet_door_night(const context& c) {
  auto cabinet = pick_device(c, "hazmat_cabinet", "chemical_store");
  if (!cabinet) return std::unexpected(cabinet.error());
  const auto& d = **cabinet;
  const core::duration open_for =
      c.settings.hold.value_or(door_rule_for(c.district) + std::chrono::minutes{1});

  scenario_plan plan;
  plan.notes = window_notes(c);
  if (c.settings.fast) {
    plan.notes.push_back(fmt::format(
        "--fast: the door is open for 2 s only, short of the rule's `for`, so no alert fires"));
    for (int i = 0; i < 4; ++i) {
      plan.steps.push_back({ms(500) * i,
                            fmt::format("{}: door open, lock unlocked", d.id),
                            {reading(d, c.start + ms(500) * i, true)}});
    }
  } else {
    for (core::duration at{0}; at <= open_for; at += seconds(10)) {
      plan.steps.push_back({at,
                            fmt::format("{}: door open, lock unlocked", d.id),
                            {reading(d, c.start + at, true)}});
    }
  }
  if (c.settings.recover) {
    const core::duration end = plan.steps.back().at + (c.settings.fast ? ms(500) : seconds(10));
    plan.steps.push_back(
        {end, fmt::format("{}: door closed, locked", d.id), {reading(d, c.start + end, false)}});
  } else {
    plan.muted_devices.push_back(d.id);
  }
  return plan;
}

}  // namespace campus::sim::scenario_parts
