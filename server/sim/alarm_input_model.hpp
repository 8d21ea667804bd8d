// Alarm input (one-key alarm button, perimeter, smoke detector): {"ts":…,"state":"normal"}
// every 30–60 s, whatever the run's telemetry interval. Alarms come only from scenarios.
#pragma once

#include "sim/device_model.hpp"

namespace campus::sim {

class alarm_input_model final : public device_model {
 public:
  using device_model::device_model;

  std::vector<sim_message> sample(core::time_point now, const local_moment& local) override;
  core::duration next_gap(core::duration interval) override;
};

}  // namespace campus::sim
