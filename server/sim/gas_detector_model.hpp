// Gas detector (kitchen natural gas / LPG, boiler room, dormitory CO):
//   {"ts":…,"lel_pct":0.6,"co_ppm":3,"valve":"open","fault":false}
// Kitchen: LEL 0–2 % with small bumps at meal times, CO a few ppm, the gas valve open in
// kitchen hours (06:00–19:00). Boiler room: valve always open, CO a little higher. Elsewhere
// (dormitory CO detectors): trace values, valve closed. Far below the sample rules (LEL 10/25,
// CO 50/150), and never flat for hours (the gas-sensor-stuck rule).
#pragma once

#include "sim/device_model.hpp"
#include "sim/wander.hpp"

namespace campus::sim {

class gas_detector_model final : public device_model {
 public:
  gas_detector_model(device_place place, std::uint64_t seed);

  std::vector<sim_message> sample(core::time_point now, const local_moment& local) override;

 private:
  wander lel_noise_{0.05, 0.3};
  wander co_noise_{0.3, 1.5};
  double lel_base_;
  double co_base_;
};

}  // namespace campus::sim
