// Small builders so that each test reads like the rule it configures, and a rig that owns a
// manual clock and an engine.
#pragma once

#include <date/date.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "rules/rule_engine.hpp"

namespace campus::rules::test {

using namespace std::chrono_literals;
using core::severity;
using kind = alert_event::kind;
using events = std::vector<alert_event>;

// An instant given in UTC.
inline core::time_point utc(int y, unsigned mo, unsigned d, int h, int mi, int s = 0) {
  return core::time_point{date::sys_days{date::year{y} / mo / d} + std::chrono::hours{h} +
                          std::chrono::minutes{mi} + std::chrono::seconds{s}};
}

// Monday 24 November 2025, 10:00 in Asia/Shanghai.
inline const core::time_point monday_10h_shanghai = utc(2025, 11, 24, 2, 0);

inline level at(severity s, double threshold, std::optional<double> clear = std::nullopt) {
  level l;
  l.severity = s;
  l.threshold = threshold;
  l.clear = clear;
  return l;
}

inline level band(severity s, double low, double high) {
  level l;
  l.severity = s;
  l.low = low;
  l.high = high;
  return l;
}

inline level state_is(severity s, std::string state) {
  level l;
  l.severity = s;
  l.state = std::move(state);
  return l;
}

inline rule_def threshold_rule(std::string id, std::string metric, comparison op,
                               std::vector<level> levels, core::duration for_duration = 0ms) {
  rule_def r;
  r.id = std::move(id);
  r.name = "阈值";
  r.name_en = "threshold";
  r.kind = rule_kind::threshold;
  r.metric = std::move(metric);
  r.op = op;
  r.levels = std::move(levels);
  r.for_duration = for_duration;
  return r;
}

inline rule_def absence_rule(std::string id, core::duration period) {
  rule_def r;
  r.id = std::move(id);
  r.kind = rule_kind::absence;
  r.severity = severity::orange;
  r.period = period;
  return r;
}

inline rule_def stuck_rule(std::string id, std::string metric, core::duration period) {
  rule_def r;
  r.id = std::move(id);
  r.kind = rule_kind::stuck;
  r.metric = std::move(metric);
  r.severity = severity::blue;
  r.period = period;
  return r;
}

inline rule_def event_count_rule(std::string id, std::string event, int count,
                                 core::duration window, core::duration quiet = 0ms) {
  rule_def r;
  r.id = std::move(id);
  r.kind = rule_kind::event_count;
  r.metric = "event";
  r.event = std::move(event);
  r.count = count;
  r.window = window;
  r.quiet = quiet;
  r.severity = severity::yellow;
  return r;
}

inline rule_def dwell_rule(std::string id, double distance_m, core::duration dwell) {
  rule_def r;
  r.id = std::move(id);
  r.kind = rule_kind::dwell;
  r.metric = "dist_m";
  r.distance_m = distance_m;
  r.dwell = dwell;
  r.severity = severity::red;
  return r;
}

inline time_window hours(int from_h, int from_m, int to_h, int to_m,
                         std::vector<int> weekdays = {}) {
  time_window w;
  w.start_minute = from_h * 60 + from_m;
  w.end_minute = to_h * 60 + to_m;
  w.weekdays = std::move(weekdays);
  return w;
}

inline time_window season(int from, int to) {
  time_window w;
  w.season_from = from;
  w.season_to = to;
  return w;
}

inline device_profile device(std::string id, std::string family = "gas_detector",
                             std::string zone_type = "canteen_kitchen", std::string site = "s1",
                             std::string time_zone = "Asia/Shanghai") {
  device_profile d;
  d.id = std::move(id);
  d.site = std::move(site);
  d.zone = "z-" + d.id;
  d.zone_type = std::move(zone_type);
  d.family = std::move(family);
  d.time_zone = std::move(time_zone);
  return d;
}

inline core::reading number(std::string dev, std::string metric, double v,
                            std::string subject = {}) {
  core::reading r;
  r.device = std::move(dev);
  r.metric = std::move(metric);
  r.value = v;
  r.subject = std::move(subject);
  return r;
}

inline core::reading state(std::string dev, std::string metric, std::string s) {
  core::reading r;
  r.device = std::move(dev);
  r.metric = std::move(metric);
  r.value = std::move(s);
  return r;
}

inline std::size_t count(const events& es, kind k) {
  return static_cast<std::size_t>(
      std::count_if(es.begin(), es.end(), [k](const alert_event& e) { return e.what == k; }));
}

// Owns the clock (declared first: the engine keeps a reference) and the engine, and collects
// every event so a test can count them at the end.
struct rig {
  core::manual_clock clock;
  rule_engine engine;
  events all;

  rig(std::vector<rule_def> rules, std::vector<device_profile> devices,
      core::time_point start = monday_10h_shanghai)
      : clock(start), engine(std::move(rules), std::move(devices), clock) {}

  events feed(const core::reading& r) { return keep(engine.on_reading(r)); }
  events tick() { return keep(engine.on_tick()); }
  void advance(core::duration d) { clock.advance(d); }

 private:
  events keep(events es) {
    all.insert(all.end(), es.begin(), es.end());
    return es;
  }
};

}  // namespace campus::rules::test
