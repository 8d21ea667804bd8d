// The incidents a backfilled history contains, so reports, charts and availability figures
// have something to show besides quiet days. Planned once, as data, from the seed, school by
// school, in proportion to the span (mean interval per school):
//
//   gas_spike       every ~10 days: a kitchen gas detector climbs to 30 %LEL at lunch cooking
//                   time (10:45–11:45 local), holds, falls back; the shut-off valve closes at
//                   the peak. A school's spikes alternate between its kitchen detectors
//   door_left_open  every ~3 weeks: a chemical-store cabinet left open and unlocked from the
//                   evening (18:30–19:30 local) until the next morning, 12 hours
//   device_offline  every ~10 days: a device silent for 3–5 hours: no readings at all, apart
//                   from its `offline` status on the first missed sample and `online` on the
//                   first after. Half the time a kitchen camera, from 06:00–15:00 local (while
//                   the kitchen works, when its absence rule watches); else any other device of
//                   the school, at any time
//   co_rise         every ~3 weeks: a boiler-room CO detector at boiler start (05:30–07:30
//                   local) or a dormitory one in the evening (21:30–23:30) climbs to 55–110 ppm
//                   (the sample co-high rule's orange, under its red 150) and falls back
//
// A school's n incidents of one kind are spread over the span: one in each n-th of it. n is
// span / interval rounded up or down at random (so it averages span / interval); should the
// district's total then be under the old fixed plan (two gas spikes, one door, one outage),
// schools taken in turn from a seeded one get one more until it is reached. Incidents of one
// device never overlap (a draw that would is tried again, then dropped); an incident that does
// not fit in its share of the span is left out, and so is one whose kind of device the school
// lacks. Every incident lies inside the span.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/reading.hpp"
#include "sim/district_simulator.hpp"

namespace campus::sim {

struct backfill_incident {
  enum class kind { gas_spike, door_left_open, device_offline, co_rise };

  kind what = kind::gas_spike;
  std::string device;
  core::time_point from;  // inclusive
  core::time_point to;    // exclusive
  double peak = 0;        // gas_spike: %LEL (gas_spike_peak); co_rise: ppm; else unused

  bool covers(core::time_point t) const { return t >= from && t < to; }
  bool overlaps(const backfill_incident& o) const { return from < o.to && o.from < to; }
  // "gas spike to 30 %LEL on xh-kitchen-gas-1, from 2025-11-03 03:20 UTC for 10 min"
  std::string describe() const;
};

// The peak of a gas spike, %LEL: above the sample red level (25) by a clear margin.
inline constexpr double gas_spike_peak = 30.0;
// The range of a CO rise's peak, ppm: over the sample orange level (50), under its red (150).
inline constexpr double co_rise_min_peak = 55.0;
inline constexpr double co_rise_max_peak = 110.0;

// Plans the incidents for [from, to), sampled every `step`, on the simulator's devices. Sorted
// by `from`. Deterministic in `seed` (for the same devices, span and step).
std::vector<backfill_incident> plan_backfill_incidents(const config::district& district,
                                                       const district_simulator& sim,
                                                       core::time_point from, core::time_point to,
                                                       core::duration step, std::uint64_t seed);

// A gas spike's or CO rise's level at `t` (inside the incident), never below the device's own
// `normal` value: up to `peak` over the first 30 %, there for the middle 40 %, down over the
// last 30 %. Its length is at least three steps, so a coarse step still samples the peak.
double incident_level(const backfill_incident& rise, core::time_point t, double normal);

}  // namespace campus::sim
