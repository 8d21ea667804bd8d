#include "sim/backfill_incident.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <random>

namespace campus::sim {
namespace {

using namespace std::chrono_literals;

std::string span_text(core::duration d) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(d).count();
  if (minutes < 120) return fmt::format("{} min", minutes);
  return minutes % 60 == 0 ? fmt::format("{} h", minutes / 60)
                           : fmt::format("{} h {} min", minutes / 60, minutes % 60);
}

// The simulated devices of `family`, those in a zone of `zone_type` first: an incident picks
// from the preferred ones when there are any.
std::vector<const device_model*> devices_of(const district_simulator& sim, std::string_view family,
                                            std::string_view zone_type) {
  std::vector<const device_model*> preferred, others;
  for (const auto& id : sim.device_ids()) {
    const device_model* m = sim.find(id);
    if (m->place().family != family) continue;
    (m->place().zone_type == zone_type ? preferred : others).push_back(m);
  }
  return preferred.empty() ? others : preferred;
}

class incident_planner {
 public:
  incident_planner(const config::district& district, const district_simulator& sim,
                   std::uint64_t seed)
      : district_(district), sim_(sim), rng_(seed ^ 0xbac0f111ull) {}

  // Uniform in [lo, hi), on whole minutes; nullopt when the range is empty.
  std::optional<core::time_point> instant(core::time_point lo, core::time_point hi) {
    if (hi <= lo) return std::nullopt;
    const auto offset = std::uniform_int_distribution<long>(0, (hi - lo).count() - 1)(rng_);
    const core::time_point t = std::chrono::ceil<std::chrono::minutes>(lo + core::duration{offset});
    return t < hi ? t : lo;
  }

  // The first whole minute at or after `t` and before `limit` whose local time at the
  // device's school is in [from_minute, to_minute).
  std::optional<core::time_point> local_window(const device_model& d, core::time_point t,
                                               core::time_point limit, int from_minute,
                                               int to_minute) const {
    auto clock = site_clock::make(district_.find_site(d.place().site)->time_zone);
    if (!clock) return std::nullopt;  // the simulator made it once: cannot happen
    for (; t < limit; t += 1min) {
      if (clock->at(t).between(from_minute, to_minute)) return t;
    }
    return std::nullopt;
  }

  std::size_t index(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  long minutes(long lo, long hi) { return std::uniform_int_distribution<long>(lo, hi)(rng_); }

  const district_simulator& sim() const { return sim_; }

 private:
  const config::district& district_;
  const district_simulator& sim_;
  std::mt19937_64 rng_;
};

void plan_gas_spikes(incident_planner& p, core::time_point from, core::time_point to,
                     core::duration step, std::vector<backfill_incident>& out) {
  const auto detectors = devices_of(p.sim(), "gas_detector", "canteen_kitchen");
  if (detectors.empty()) return;
  // Long enough for at least one sample at the peak whatever the step.
  const core::duration length = std::max<core::duration>(10min, 3 * step);
  const std::size_t first = p.index(detectors.size());
  const core::time_point mid = from + (to - from) / 2;
  for (int half = 0; half < 2; ++half) {
    const auto lo = half == 0 ? from : mid;
    const auto hi = (half == 0 ? mid : to) - length;
    // A random day, then that day's (or the next) lunch, when the half is long enough.
    const auto guess = p.instant(lo, hi - lo > 24h ? hi - 24h : hi);
    if (!guess) continue;
    const device_model* d = detectors[(first + static_cast<std::size_t>(half)) % detectors.size()];
    // Lunch cooking, when the burners are on; any time of day in a span too short for it.
    const int minute = hm(10, 45) + static_cast<int>(p.minutes(0, 50));
    const auto start = p.local_window(*d, *guess, hi, minute, minute + 1).value_or(*guess);
    out.push_back({backfill_incident::kind::gas_spike, d->place().device, start, start + length});
  }
}

void plan_open_door(incident_planner& p, core::time_point from, core::time_point to,
                    std::vector<backfill_incident>& out) {
  const auto cabinets = devices_of(p.sim(), "hazmat_cabinet", "chemical_store");
  if (cabinets.empty()) return;
  const core::duration length = 12h;
  const device_model* d = cabinets[p.index(cabinets.size())];
  // A random day, then that day's (or the next) evening after lessons.
  const auto guess = p.instant(from, std::max(from + 1min, to - length - 24h));
  if (!guess) return;
  const int minute = hm(18, 30) + static_cast<int>(p.minutes(0, 59));
  const auto start = p.local_window(*d, *guess, to - length, minute, minute + 1);
  if (!start) return;
  out.push_back(
      {backfill_incident::kind::door_left_open, d->place().device, *start, *start + length});
}

void plan_offline(incident_planner& p, core::time_point from, core::time_point to,
                  std::vector<backfill_incident>& out) {
  auto devices = devices_of(p.sim(), "kitchen_camera", "canteen_kitchen");
  if (devices.empty()) {
    for (const auto& id : p.sim().device_ids()) devices.push_back(p.sim().find(id));
  }
  const core::duration length = std::chrono::minutes{p.minutes(180, 300)};
  const device_model* d = devices[p.index(devices.size())];
  const auto start = p.instant(from, to - length);
  if (!start) return;
  out.push_back(
      {backfill_incident::kind::device_offline, d->place().device, *start, *start + length});
}

}  // namespace

std::string backfill_incident::describe() const {
  const auto when = std::chrono::floor<std::chrono::minutes>(from);
  const char* what_text = what == kind::gas_spike        ? "gas spike to 30 %LEL"
                          : what == kind::door_left_open ? "cabinet door left open overnight"
                                                         : "offline, no readings";
  return fmt::format("{} on {}, from {:%Y-%m-%d %H:%M} UTC for {}", what_text, device, when,
                     span_text(to - from));
}

std::vector<backfill_incident> plan_backfill_incidents(const config::district& district,
                                                       const district_simulator& sim,
                                                       core::time_point from, core::time_point to,
                                                       core::duration step, std::uint64_t seed) {
  std::vector<backfill_incident> out;
  incident_planner planner(district, sim, seed);
  plan_gas_spikes(planner, from, to, step, out);
  plan_open_door(planner, from, to, out);
  plan_offline(planner, from, to, out);
  std::sort(out.begin(), out.end(),
            [](const backfill_incident& a, const backfill_incident& b) { return a.from < b.from; });
  return out;
}

double gas_spike_level(const backfill_incident& spike, core::time_point t, double normal) {
  const double length = static_cast<double>((spike.to - spike.from).count());
  const double f = static_cast<double>((t - spike.from).count()) / length;
  double level = gas_spike_peak;
  if (f < 0.3) level = gas_spike_peak * f / 0.3;
  if (f >= 0.7) level = gas_spike_peak * (1.0 - f) / 0.3;
  return std::max(level, normal);
}

}  // namespace campus::sim
