// What a rule is, as read from configuration. The rule engine (rule_engine.hpp) evaluates them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/reading.hpp"
#include "core/severity.hpp"

namespace campus::rules {

enum class rule_kind {
  threshold,    // a numeric value above / below / equal / outside a band, or a state equal to X
  absence,      // no data from the device for `period`, or its status stream says "offline"
  stuck,        // a numeric value unchanged for `period` (sensor fault)
  event_count,  // `count` events named `event` within a sliding `window`
  dwell,        // a beacon tag within `distance_m` for `dwell`
};

enum class comparison { above, below, equal, outside };

// One severity step of a threshold rule. Levels of one rule are ordered from least to most
// severe; the most severe level whose condition holds decides the alert's severity, so one
// alert may rise and fall (yellow → red → yellow) without clearing.
struct level {
  core::severity severity = core::severity::yellow;
  double threshold = 0;               // above / below / equal
  double low = 0, high = 0;           // outside: holds when value < low or value > high
  std::optional<double> clear;        // hysteresis: above stops holding only at value <= clear,
                                      // below only at value >= clear; default: the threshold
  std::optional<std::string> state;   // equal on a state metric: door == "open"
};

// A recurring local-time window in the site's time zone. All present parts must hold.
struct time_window {
  std::vector<int> weekdays;          // ISO 1 = Monday … 7 = Sunday; empty = every day
  int start_minute = 0;               // minutes after local midnight
  int end_minute = 24 * 60;           // exclusive; end < start wraps past midnight (22:00–06:00)
  std::optional<int> season_from;     // month * 100 + day, inclusive (e.g. 601 = 1 June)
  std::optional<int> season_to;       // inclusive; from > to wraps past new year
};

// What `clear_after` is when a threshold or dwell rule of the district file does not say:
// long enough that a value hovering at a clear level (sensor noise, a draught in a kitchen)
// makes one alert instead of one per reading, short against the time anyone acts on a clear.
inline constexpr core::duration default_clear_after{std::chrono::seconds{30}};

struct rule_def {
  std::string id;
  std::string name;       // Chinese, shown first
  std::string name_en;
  rule_kind kind = rule_kind::threshold;

  // Matching: a device matches when every non-empty list contains its value.
  std::vector<std::string> families;
  std::vector<std::string> zone_types;
  std::vector<std::string> sites;
  std::vector<std::string> devices;

  std::string metric;                 // threshold, stuck, dwell ("dist_m"); event_count: "event"

  // threshold
  comparison op = comparison::above;
  std::vector<level> levels;
  core::duration for_duration{0};     // the condition must hold this long before the alert fires

  // threshold, dwell: a clear must hold this long before the alert clears (0: at once). For a
  // threshold rule a fall to a lower level is the clear of the higher one and waits as well:
  // the alert shows the most severe level that held within the last `clear_after`. A rise is
  // reported at once; a window edge clears at once. The district file's default is
  // default_clear_after (config/rule_parser.cpp); a rule_def built in code clears at once.
  core::duration clear_after{0};

  // absence, stuck, event_count, dwell
  core::severity severity = core::severity::yellow;
  core::duration period{0};           // absence: silent for; stuck: unchanged for

  // event_count
  std::string event;                  // e.g. "no_hat"
  int count = 0;
  core::duration window{0};
  core::duration quiet{0};            // clears when no such event for this long (default: window)

  // dwell
  double distance_m = 0;
  core::duration dwell{0};

  // When the rule applies, in the site's time zone; empty = always. Outside its windows a
  // rule raises nothing, and an alert it raised clears.
  std::vector<time_window> windows;
};

}  // namespace campus::rules
