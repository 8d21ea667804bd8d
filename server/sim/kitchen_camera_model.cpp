#include "sim/kitchen_camera_model.hpp"

#include <fmt/format.h>

#include "sim/json_text.hpp"

namespace campus::sim {

kitchen_camera_model::kitchen_camera_model(device_place place, std::uint64_t seed)
    : device_model(std::move(place), seed), snapshot_seq_(static_cast<int>(uniform(100, 900))) {}

core::duration kitchen_camera_model::next_gap(core::duration) { return jittered(heartbeat, 0.05); }

std::vector<sim_message> kitchen_camera_model::sample(core::time_point now,
                                                      const local_moment& local) {
  const core::duration elapsed = elapsed_since_last(now, heartbeat);
  std::vector<sim_message> out;

  boost::json::object beat;
  beat["ts"] = core::to_epoch_ms(now);
  beat["online"] = true;
  beat["fps"] = chance(0.9) ? 25 : 24;
  out.push_back(telemetry(beat));

  const bool kitchen_hours = local.between(hm(6, 0), hm(19, 0));
  const bool spaced = !had_event_ || now - last_event_ >= min_event_spacing;
  if (kitchen_hours && spaced && happens(elapsed, std::chrono::minutes{45})) {
    had_event_ = true;
    last_event_ = now;
    boost::json::object ev;
    ev["ts"] = core::to_epoch_ms(now);
    ev["event"] = chance(0.6) ? "no_hat" : "no_mask";
    ev["confidence"] = round_to(uniform(0.6, 0.97), 2);
    ev["snapshot"] =
        fmt::format("http://nvr.local/snap/{}-{}.jpg", place().device, ++snapshot_seq_);
    out.push_back(event(ev));
  }
  return out;
}

}  // namespace campus::sim
