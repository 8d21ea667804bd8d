#include "sim/device_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "sim/alarm_input_model.hpp"
#include "sim/gas_detector_model.hpp"
#include "sim/hazmat_cabinet_model.hpp"
#include "sim/json_map_model.hpp"
#include "sim/json_text.hpp"
#include "sim/kitchen_camera_model.hpp"
#include "sim/water_beacon_model.hpp"

namespace campus::sim {

device_model::device_model(device_place place, std::uint64_t seed)
    : place_(std::move(place)), rng_(seed) {}

core::duration device_model::next_gap(core::duration interval) { return jittered(interval, 0.2); }

std::string device_model::topic(std::string_view stream) const {
  return "campus/" + place_.site + "/" + place_.zone + "/" + place_.device + "/" +
         std::string(stream);
}

sim_message device_model::status(bool online) const {
  return {topic("status"), online ? "online" : "offline", true};
}

sim_message device_model::telemetry(const boost::json::object& payload) const {
  return {topic("telemetry"), json_text(payload), false};
}

sim_message device_model::event(const boost::json::object& payload) const {
  return {topic("event"), json_text(payload), false};
}

double device_model::uniform(double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng_);
}

bool device_model::chance(double p) { return uniform(0.0, 1.0) < p; }

bool device_model::happens(core::duration elapsed, core::duration mean_gap) {
  const double rate = static_cast<double>(elapsed.count()) / static_cast<double>(mean_gap.count());
  return chance(1.0 - std::exp(-rate));
}

core::duration device_model::elapsed_since_last(core::time_point now, core::duration first) {
  const core::duration elapsed = sampled_ ? std::max(now - last_sample_, core::duration{0}) : first;
  last_sample_ = now;
  sampled_ = true;
  return elapsed;
}

core::duration device_model::jittered(core::duration base, double fraction) {
  const double factor = uniform(1.0 - fraction, 1.0 + fraction);
  return std::max(core::duration{1},
                  core::duration{std::llround(static_cast<double>(base.count()) * factor)});
}

std::uint64_t device_seed(std::uint64_t run_seed, std::string_view device_id) {
  // FNV-1a of the id: stable across builds and platforms, unlike std::hash.
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : device_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // splitmix64 finaliser, so nearby seeds give unrelated streams.
  std::uint64_t z = h ^ (run_seed + 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::unique_ptr<device_model> make_device_model(const config::device& device,
                                                const config::site& site, std::uint64_t run_seed) {
  device_place place{site.id, device.zone, "", device.id, device.family, device.options};
  if (const auto* z = site.find_zone(device.zone)) place.zone_type = z->type;
  const std::uint64_t seed = device_seed(run_seed, device.id);
  if (device.family == "gas_detector") return std::make_unique<gas_detector_model>(place, seed);
  if (device.family == "hazmat_cabinet") return std::make_unique<hazmat_cabinet_model>(place, seed);
  if (device.family == "kitchen_camera") return std::make_unique<kitchen_camera_model>(place, seed);
  if (device.family == "water_beacon") return std::make_unique<water_beacon_model>(place, seed);
  if (device.family == "alarm_input") return std::make_unique<alarm_input_model>(place, seed);
  if (device.family == "json_map") return std::make_unique<json_map_model>(place, seed);
  return nullptr;
}

double meal_activity(const local_moment& local) {
  static constexpr std::array<std::pair<int, int>, 3> meals{
      {{hm(6, 30), hm(8, 0)}, {hm(10, 30), hm(12, 30)}, {hm(16, 30), hm(18, 30)}}};
  for (const auto& [from, to] : meals) {
    if (local.minute_of_day >= from && local.minute_of_day < to) {
      return std::sin(std::numbers::pi * (local.minute_of_day - from) / (to - from));
    }
  }
  return 0.0;
}

}  // namespace campus::sim
