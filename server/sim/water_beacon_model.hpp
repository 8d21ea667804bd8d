// Water-zone beacon gateway: the student wristband tags it hears near the water,
//   {"ts":…,"tags":[{"id":"tag-10417","rssi":-80,"dist_m":38.5}]}
// Mostly nobody ({"tags":[]}). After school (weekdays 16:30–19:00, weekends 09:00–18:00)
// sometimes a student passes by for a few minutes, always 20–60 m away, so the pond-dwell
// rule (within 5 m for 30 s) never fires in normal running.
#pragma once

#include "sim/device_model.hpp"
#include "sim/wander.hpp"

namespace campus::sim {

class water_beacon_model final : public device_model {
 public:
  water_beacon_model(device_place place, std::uint64_t seed);

  std::vector<sim_message> sample(core::time_point now, const local_moment& local) override;

  // What a beacon's RSSI is at a distance (log-distance path loss, -61 dBm at about 4 m).
  static int rssi_at(double dist_m);

 private:
  bool visitor_ = false;
  std::string tag_;
  double base_dist_ = 40;
  core::time_point leave_at_{};
  wander dist_noise_{1.0, 8.0, 0.1};
};

}  // namespace campus::sim
