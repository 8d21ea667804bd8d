// Kitchen camera (明厨亮灶): a heartbeat every 10 s on telemetry, {"ts":…,"online":true,"fps":25};
// while the kitchen works (06:00–19:00) now and then an AI event on the event stream,
// {"ts":…,"event":"no_hat","confidence":0.81,"snapshot":"http://nvr.local/snap/….jpg"}.
// Normal running only produces no_hat / no_mask, at most one per camera in any 11 minutes, so
// the "3 in 10 minutes" rules never trip and smoking / rodent / stranger (which fire on one
// event) are left to scenarios.
#pragma once

#include "sim/device_model.hpp"

namespace campus::sim {

class kitchen_camera_model final : public device_model {
 public:
  static constexpr core::duration heartbeat{10000};
  static constexpr core::duration min_event_spacing{11 * 60 * 1000};

  kitchen_camera_model(device_place place, std::uint64_t seed);

  std::vector<sim_message> sample(core::time_point now, const local_moment& local) override;
  // Heartbeats keep their own 10 s period whatever the run's telemetry interval.
  core::duration next_gap(core::duration interval) override;

 private:
  core::time_point last_event_{};
  bool had_event_ = false;
  int snapshot_seq_ = 0;
};

}  // namespace campus::sim
