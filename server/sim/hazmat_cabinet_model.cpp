#include "sim/hazmat_cabinet_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "sim/json_text.hpp"

namespace campus::sim {
namespace {

// One full cycle per day, peaking at `peak_minute` local time.
double daily_wave(const local_moment& local, double peak_minute) {
  return std::cos(2.0 * std::numbers::pi * (local.minute_of_day - peak_minute) / (24.0 * 60.0));
}

}  // namespace

hazmat_cabinet_model::hazmat_cabinet_model(device_place place, std::uint64_t seed)
    : device_model(std::move(place), seed), temp_offset_(uniform(-0.8, 0.8)) {}

void hazmat_cabinet_model::move_door(core::time_point now, const local_moment& local) {
  const core::duration elapsed = elapsed_since_last(now, std::chrono::seconds{2});
  const bool lessons = !local.weekend() && local.between(hm(8, 0), hm(17, 0));
  if (door_open_ && (now >= close_at_ || !lessons)) door_open_ = false;
  // About twice an hour during lessons someone fetches a reagent.
  if (!door_open_ && lessons && happens(elapsed, std::chrono::minutes{30})) {
    door_open_ = true;
    close_at_ = now + std::chrono::seconds{static_cast<int>(uniform(30, 150))};
  }
}

std::vector<sim_message> hazmat_cabinet_model::sample(core::time_point now,
                                                      const local_moment& local) {
  move_door(now, local);
  const double temp =
      std::clamp(22.0 + temp_offset_ + 3.0 * daily_wave(local, hm(15, 0)) + temp_noise_.next(rng()),
                 18.0, 26.0);
  const double rh =
      std::clamp(47.0 + 5.0 * daily_wave(local, hm(5, 0)) + rh_noise_.next(rng()), 35.0, 60.0);
  const double voc = std::clamp(0.3 + (door_open_ ? 0.3 : 0.0) + voc_noise_.next(rng()), 0.05, 0.9);

  boost::json::object p;
  p["ts"] = core::to_epoch_ms(now);
  p["temp_c"] = round_to(temp, 1);
  p["rh_pct"] = round_to(rh, 0);
  p["voc_ppm"] = round_to(voc, 2);
  p["door"] = door_open_ ? "open" : "closed";
  p["lock"] = door_open_ ? "unlocked" : "locked";
  p["fan"] = "on";
  return {telemetry(p)};
}

}  // namespace campus::sim
