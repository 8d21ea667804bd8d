#include "sim/water_beacon_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/json_text.hpp"

namespace campus::sim {

water_beacon_model::water_beacon_model(device_place place, std::uint64_t seed)
    : device_model(std::move(place), seed) {}

int water_beacon_model::rssi_at(double dist_m) {
  return static_cast<int>(std::lround(-49.0 - 20.0 * std::log10(std::max(dist_m, 0.1))));
}

std::vector<sim_message> water_beacon_model::sample(core::time_point now,
                                                    const local_moment& local) {
  const core::duration elapsed = elapsed_since_last(now, std::chrono::seconds{2});
  const bool after_school =
      local.weekend() ? local.between(hm(9, 0), hm(18, 0)) : local.between(hm(16, 30), hm(19, 0));
  if (visitor_ && (now >= leave_at_ || !after_school)) visitor_ = false;
  if (!visitor_ && after_school && happens(elapsed, std::chrono::minutes{20})) {
    visitor_ = true;
    tag_ = fmt::format("tag-1{:04}", static_cast<int>(uniform(0, 9999)));
    base_dist_ = uniform(28, 52);
    leave_at_ = now + std::chrono::seconds{static_cast<int>(uniform(60, 240))};
  }

  boost::json::object p;
  p["ts"] = core::to_epoch_ms(now);
  boost::json::array tags;
  if (visitor_) {
    const double dist = std::clamp(base_dist_ + dist_noise_.next(rng()), 20.0, 60.0);
    boost::json::object tag;
    tag["id"] = tag_;
    tag["rssi"] = rssi_at(dist);
    tag["dist_m"] = round_to(dist, 1);
    tags.push_back(std::move(tag));
  }
  p["tags"] = std::move(tags);
  return {telemetry(p)};
}

}  // namespace campus::sim
