// The normalised reading: what every adapter produces and everything downstream consumes.
#pragma once

#include <chrono>
#include <string>
#include <variant>

namespace campus::core {

// Wall-clock instants are kept at millisecond resolution, as devices send them (epoch ms).
using time_point = std::chrono::sys_time<std::chrono::milliseconds>;
using duration = std::chrono::milliseconds;

inline time_point from_epoch_ms(std::int64_t ms) { return time_point{duration{ms}}; }
inline std::int64_t to_epoch_ms(time_point t) { return t.time_since_epoch().count(); }

// A reading is a number (lel_pct = 3.2) or a state ("door" = "open").
using reading_value = std::variant<double, std::string>;

struct reading {
  std::string site;
  std::string zone;
  std::string device;
  std::string metric;   // e.g. "lel_pct", "door", "event", "tag_dist_m", "status"
  std::string subject;  // what inside the device the reading is about (a beacon tag id); often empty
  reading_value value;
  std::string unit;     // e.g. "%LEL", "ppm", "°C", "m"; empty for states
  time_point ts;

  bool is_number() const { return std::holds_alternative<double>(value); }
  double number() const { return std::get<double>(value); }
  const std::string& state() const { return std::get<std::string>(value); }
};

}  // namespace campus::core
