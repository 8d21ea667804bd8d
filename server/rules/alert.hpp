// An alert as the rule engine sees it: the condition side (active → cleared). The handling
// side (acknowledged, rectified, closed) belongs to the alert store.
#pragma once

#include <optional>
#include <string>

#include "core/reading.hpp"
#include "core/severity.hpp"

namespace campus::rules {

enum class condition { active, cleared };

struct alert {
  std::string id;           // unique for the life of the process: "<rule>/<device>[/<subject>]#<n>"
  std::string site;
  std::string zone;
  std::string device;
  std::string rule;
  std::string rule_name;
  std::string rule_name_en;
  std::string metric;
  std::string subject;      // a beacon tag id for dwell alerts; else empty
  core::severity severity = core::severity::yellow;
  condition cond = condition::active;
  core::reading_value value;  // the value that raised or last updated it
  std::optional<double> threshold;  // the threshold of the current level, when numeric
  core::time_point raised_at;
  core::time_point updated_at;
  std::optional<core::time_point> cleared_at;
};

struct alert_event {
  enum class kind { raised, updated, cleared };
  kind what = kind::raised;
  alert current;  // the alert after the event
};

constexpr const char* to_string(alert_event::kind k) {
  switch (k) {
    case alert_event::kind::raised: return "raised";
    case alert_event::kind::updated: return "updated";
    case alert_event::kind::cleared: return "cleared";
  }
  return "unknown";
}

}  // namespace campus::rules
