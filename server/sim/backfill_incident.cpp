#include "sim/backfill_incident.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <random>

namespace campus::sim {
namespace {

using namespace std::chrono_literals;
using kind = backfill_incident::kind;
constexpr core::duration day = 24h;

std::string span_text(core::duration d) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(d).count();
  if (minutes < 120) return fmt::format("{} min", minutes);
  return minutes % 60 == 0 ? fmt::format("{} h", minutes / 60)
                           : fmt::format("{} h {} min", minutes / 60, minutes % 60);
}

// How often each kind happens at one school, and the old fixed plan's count for the district
// (what a short span still gets when it fits). In planning order: the order fixes which draws
// each kind takes from the seed's stream.
struct kind_rate {
  kind what;
  core::duration interval;
  int district_minimum;
};
constexpr kind_rate rates[] = {
    {kind::gas_spike, 10 * day, 2},
    {kind::door_left_open, 21 * day, 1},
    {kind::device_offline, 10 * day, 1},
    {kind::co_rise, 21 * day, 0},
};

// One school's devices an incident of `what` may befall. For an outage: the kitchen cameras
// (`preferred`) and every other device; for the others, `preferred` only.
struct candidates {
  std::vector<const device_model*> preferred;
  std::vector<const device_model*> others;
  bool empty() const { return preferred.empty() && others.empty(); }
};

candidates candidates_for(const district_simulator& sim, const std::string& site, kind what) {
  candidates c;
  std::vector<const device_model*> fallback;  // the family elsewhere than its usual zone
  for (const auto& id : sim.device_ids()) {
    const device_model* m = sim.find(id);
    const auto& p = m->place();
    if (p.site != site) continue;
    switch (what) {
      case kind::gas_spike:
        if (p.family == "gas_detector")
          (p.zone_type == "canteen_kitchen" ? c.preferred : fallback).push_back(m);
        break;
      case kind::door_left_open:
        if (p.family == "hazmat_cabinet")
          (p.zone_type == "chemical_store" ? c.preferred : fallback).push_back(m);
        break;
      case kind::co_rise:
        if (p.family == "gas_detector" &&
            (p.zone_type == "boiler_room" || p.zone_type == "dormitory"))
          c.preferred.push_back(m);
        break;
      case kind::device_offline:
        (p.family == "kitchen_camera" ? c.preferred : c.others).push_back(m);
        break;
    }
  }
  if (c.preferred.empty()) c.preferred = std::move(fallback);
  return c;
}

class incident_planner {
 public:
  incident_planner(const config::district& district, const district_simulator& sim,
                   core::time_point from, core::time_point to, core::duration step,
                   std::uint64_t seed)
      : district_(district),
        sim_(sim),
        from_(from),
        to_(to),
        step_(step),
        rng_(seed ^ 0xbac0f111ull) {}

  std::vector<backfill_incident> plan() {
    std::vector<std::string> sites;
    for (const auto& id : sim_.device_ids()) {
      const auto& site = sim_.find(id)->place().site;
      if (std::find(sites.begin(), sites.end(), site) == sites.end()) sites.push_back(site);
    }
    if (sites.empty()) return {};
    for (const auto& rate : rates) plan_kind(rate, sites);
    std::sort(out_.begin(), out_.end(), [](const backfill_incident& a, const backfill_incident& b) {
      return a.from < b.from;
    });
    return std::move(out_);
  }

 private:
  // How many of `rate` each school gets, then each school's, one in each share of the span.
  void plan_kind(const kind_rate& rate, const std::vector<std::string>& sites) {
    std::vector<candidates> devices;
    std::vector<int> count;
    int total = 0;
    const double expected =
        static_cast<double>((to_ - from_).count()) / static_cast<double>(rate.interval.count());
    for (const auto& site : sites) {
      devices.push_back(candidates_for(sim_, site, rate.what));
      const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
      const int n = devices.back().empty() ? 0 : static_cast<int>(std::floor(expected + u));
      count.push_back(n);
      total += n;
    }
    // The old fixed plan as a floor: schools in turn, from a seeded one, those that can.
    const std::size_t first = index(sites.size());
    for (std::size_t k = 0; total < rate.district_minimum && k < 4 * sites.size(); ++k) {
      const std::size_t s = (first + k) % sites.size();
      if (devices[s].empty()) continue;
      ++count[s];
      ++total;
    }
    for (std::size_t s = 0; s < sites.size(); ++s) {
      const std::size_t rotation = index(std::max<std::size_t>(devices[s].preferred.size(), 1));
      for (int i = 0; i < count[s]; ++i) {
        const core::time_point lo = from_ + (to_ - from_) * i / count[s];
        const core::time_point hi = from_ + (to_ - from_) * (i + 1) / count[s];
        // A draw that would overlap another incident of its device is tried again.
        for (int attempt = 0; attempt < 3; ++attempt) {
          auto incident =
              draw(rate.what, devices[s], rotation + static_cast<std::size_t>(i), lo, hi);
          if (!incident) break;  // does not fit in its share of the span
          if (std::none_of(out_.begin(), out_.end(), [&](const backfill_incident& o) {
                return o.device == incident->device && o.overlaps(*incident);
              })) {
            out_.push_back(std::move(*incident));
            break;
          }
        }
      }
    }
  }

  // One incident of `what` inside [lo, hi), or nullopt when it does not fit.
  std::optional<backfill_incident> draw(kind what, const candidates& c, std::size_t nth,
                                        core::time_point lo, core::time_point hi) {
    switch (what) {
      case kind::gas_spike: {
        // Alternating between the school's detectors; long enough for one sample at the peak.
        const device_model& d = *c.preferred[nth % c.preferred.size()];
        const core::duration length = std::max<core::duration>(10min, 3 * step_);
        const int minute = hm(10, 45) + static_cast<int>(minutes(0, 50));
        // Lunch cooking, when the burners are on; any time of day in a share too short for it.
        return on_local_day(what, d, lo, hi, length, minute, true, gas_spike_peak);
      }
      case kind::door_left_open: {
        const device_model& d = *c.preferred[index(c.preferred.size())];
        const int minute = hm(18, 30) + static_cast<int>(minutes(0, 59));
        return on_local_day(what, d, lo, hi, 12h, minute, false, 0);
      }
      case kind::co_rise: {
        const device_model& d = *c.preferred[index(c.preferred.size())];
        const bool boiler = d.place().zone_type == "boiler_room";
        const int minute = (boiler ? hm(5, 30) : hm(21, 30)) + static_cast<int>(minutes(0, 119));
        const core::duration length =
            std::max<core::duration>(std::chrono::minutes{minutes(30, 60)}, 3 * step_);
        const double peak = std::round(
            std::uniform_real_distribution<double>(co_rise_min_peak, co_rise_max_peak)(rng_));
        return on_local_day(what, d, lo, hi, length, minute, false, peak);
      }
      case kind::device_offline: {
        const bool camera = !c.preferred.empty() && (c.others.empty() || minutes(0, 1) == 0);
        const auto& pool = camera ? c.preferred : c.others;
        const device_model& d = *pool[index(pool.size())];
        const core::duration length = std::chrono::minutes{minutes(180, 300)};
        if (camera) {
          // While the kitchen works (from 06:00 local), when a camera's absence is watched.
          const int minute = hm(6, 0) + static_cast<int>(minutes(0, 9 * 60));
          return on_local_day(what, d, lo, hi, length, minute, true, 0);
        }
        const auto start = instant(lo, hi - length);
        if (!start) return std::nullopt;
        return backfill_incident{what, d.place().device, *start, *start + length, 0};
      }
    }
    return std::nullopt;
  }

  // Starting at `minute` local time of a random day of [lo, hi) (or the next day), lasting
  // `length`, ending by `hi`. `anytime`: in a share too short for that, at the random instant.
  std::optional<backfill_incident> on_local_day(kind what, const device_model& d,
                                                core::time_point lo, core::time_point hi,
                                                core::duration length, int minute, bool anytime,
                                                double peak) {
    const core::time_point last = hi - length;  // the latest start
    const auto guess = instant(lo, last - lo > day ? last - day : last);
    if (!guess) return std::nullopt;
    auto start = local_window(d, *guess, last, minute, minute + 1);
    if (!start && anytime) start = guess;
    if (!start) return std::nullopt;
    return backfill_incident{what, d.place().device, *start, *start + length, peak};
  }

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

  const config::district& district_;
  const district_simulator& sim_;
  core::time_point from_, to_;
  core::duration step_;
  std::mt19937_64 rng_;
  std::vector<backfill_incident> out_;
};

}  // namespace

std::string backfill_incident::describe() const {
  const auto when = std::chrono::floor<std::chrono::minutes>(from);
  std::string what_text;
  switch (what) {
    case kind::gas_spike:
      what_text = fmt::format("gas spike to {:g} %LEL", peak);
      break;
    case kind::door_left_open:
      what_text = "cabinet door left open overnight";
      break;
    case kind::device_offline:
      what_text = "offline, no readings";
      break;
    case kind::co_rise:
      what_text = fmt::format("CO rise to {:g} ppm", peak);
      break;
  }
  return fmt::format("{} on {}, from {:%Y-%m-%d %H:%M} UTC for {}", what_text, device, when,
                     span_text(to - from));
}

std::vector<backfill_incident> plan_backfill_incidents(const config::district& district,
                                                       const district_simulator& sim,
                                                       core::time_point from, core::time_point to,
                                                       core::duration step, std::uint64_t seed) {
  if (to <= from) return {};
  return incident_planner(district, sim, from, to, step, seed).plan();
}

double incident_level(const backfill_incident& rise, core::time_point t, double normal) {
  const double length = static_cast<double>((rise.to - rise.from).count());
  const double f = static_cast<double>((t - rise.from).count()) / length;
  double level = rise.peak;
  if (f < 0.3) level = rise.peak * f / 0.3;
  if (f >= 0.7) level = rise.peak * (1.0 - f) / 0.3;
  return std::max(level, normal);
}

}  // namespace campus::sim
