// Evaluates rules against readings and the passage of time; emits alert events.
//
// Deterministic: all timing uses the injected clock's now() (the time a reading arrived), never
// the device's own timestamp, so a device with a wrong clock cannot hide an alarm, and tests
// need no sleeping. Not thread-safe: the ingest pipeline calls it from one strand.
#pragma once

#include <memory>
#include <vector>

#include "core/clock.hpp"
#include "rules/alert.hpp"
#include "rules/rule.hpp"

namespace campus::rules {

// What the engine needs to know of a device to match rules and read local time.
struct device_profile {
  std::string id;
  std::string site;
  std::string zone;
  std::string zone_type;
  std::string family;
  std::string time_zone;  // IANA name of its site, e.g. "Asia/Shanghai"
};

class rule_engine {
 public:
  // Binds each device to the rules that match it, once. Devices never heard from count as
  // silent from clock.now() here. Throws std::invalid_argument when a device bound to a rule
  // with time windows has an unknown time zone (a configuration error: fail fast). `clock`
  // must outlive the engine.
  rule_engine(std::vector<rule_def> rules, std::vector<device_profile> devices,
              const core::clock& clock);
  ~rule_engine();
  rule_engine(const rule_engine&) = delete;
  rule_engine& operator=(const rule_engine&) = delete;

  // A reading has arrived (at clock.now()). Readings of unknown devices are ignored.
  std::vector<alert_event> on_reading(const core::reading& r);

  // Time has passed: fires `for` durations that have run out, absence and stuck periods,
  // dwell times, clears quiet event-count alerts, applies time-window edges.
  // Call it about once a second.
  std::vector<alert_event> on_tick();

  std::vector<alert> active_alerts() const;

  // After a restart: takes up the conditions that were active when the process stopped (the
  // open ledger entries), without events, so the next reading that no longer holds clears
  // them and one that still holds raises nothing new. Matched by rule, device and subject; an
  // alert whose device or rule binding is gone, or that is already active, is left out.
  // Returns the alerts taken up, with the ids the engine now knows them by.
  std::vector<alert> restore(const std::vector<alert>& active);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace campus::rules
