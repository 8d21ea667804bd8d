#include "sim/gas_detector_model.hpp"

#include <algorithm>

#include "sim/json_text.hpp"

namespace campus::sim {

gas_detector_model::gas_detector_model(device_place place, std::uint64_t seed)
    : device_model(std::move(place), seed) {
  // Each detector has its own zero offset, as real ones do after calibration.
  lel_base_ = uniform(0.3, 0.6);
  co_base_ = this->place().zone_type == "boiler_room" ? uniform(3.0, 5.0) : uniform(1.0, 2.5);
}

std::vector<sim_message> gas_detector_model::sample(core::time_point now,
                                                    const local_moment& local) {
  const bool kitchen = place().zone_type == "canteen_kitchen";
  const bool boiler = place().zone_type == "boiler_room";
  const double cooking = kitchen ? meal_activity(local) : 0.0;

  const double lel = std::clamp(lel_base_ + 1.2 * cooking + lel_noise_.next(rng()), 0.05, 2.5);
  const double co = std::clamp(co_base_ + 3.0 * cooking + co_noise_.next(rng()), 0.0, 9.0);
  const char* valve = "closed";
  if (boiler || (kitchen && local.between(hm(6, 0), hm(19, 0)))) valve = "open";

  boost::json::object p;
  p["ts"] = core::to_epoch_ms(now);
  p["lel_pct"] = round_to(lel, 1);
  p["co_ppm"] = round_to(co, 0);
  p["valve"] = valve;
  p["fault"] = false;
  return {telemetry(p)};
}

}  // namespace campus::sim
