// The alerts whose condition is active, and the counter that names them. Every change goes
// through here so that the events handed out and active_alerts() never disagree.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/alert.hpp"
#include "rules/rule.hpp"

namespace campus::rules {

struct device_profile;

class alert_book {
 public:
  // A handle to an active alert; 0 means none. Handles increase with every raise, so a
  // re-raise after clearing is a new alert with a new id.
  using handle = std::uint64_t;

  struct raise_args {
    const rule_def& rule;
    const device_profile& device;
    const std::string& subject;
    const std::string& metric;
    core::severity severity;
    core::reading_value value;
    std::optional<double> threshold;
  };
  handle raise(const raise_args& a, core::time_point now, std::vector<alert_event>& out);

  // Emits "updated" with the new severity, value and threshold.
  void update(handle h, core::severity s, core::reading_value value,
              std::optional<double> threshold, core::time_point now,
              std::vector<alert_event>& out);

  // Takes up an alert that was active before a restart, without an event: it gets a new id
  // (as raise gives one) and keeps everything else. Returns its handle.
  handle adopt(alert a);
  // Emits "cleared"; the alert keeps the value that raised or last updated it.
  void clear(handle h, core::time_point now, std::vector<alert_event>& out);

  const alert& get(handle h) const { return active_.at(h); }

  // In the order they were raised.
  std::vector<alert> active() const;

 private:
  handle next_ = 1;
  std::map<handle, alert> active_;
};

}  // namespace campus::rules
