// The incidents a backfilled history contains, so reports, charts and availability figures
// have something to show besides quiet days. Planned once, as data, from the seed:
//
//   gas_spike       a kitchen gas detector climbs to 30 %LEL, holds, falls back; the shut-off
//                   valve closes at the peak (twice: one in each half of the span, at lunch
//                   cooking time, on different detectors when there are several)
//   door_left_open  a chemical-store cabinet left open and unlocked from the evening
//                   (18:30–19:30 local) until the next morning, 12 hours
//   device_offline  a device (a kitchen camera when there is one) silent for 3–5 hours:
//                   no readings at all, apart from its `offline` status on the first missed
//                   sample and `online` again on the first sample after
//
// An incident that does not fit in the span (a short backfill) is left out; so is one whose
// kind of device the district lacks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/reading.hpp"
#include "sim/district_simulator.hpp"

namespace campus::sim {

struct backfill_incident {
  enum class kind { gas_spike, door_left_open, device_offline };

  kind what = kind::gas_spike;
  std::string device;
  core::time_point from;  // inclusive
  core::time_point to;    // exclusive

  bool covers(core::time_point t) const { return t >= from && t < to; }
  // "gas spike to 30 %LEL on xh-kitchen-gas-1, 2025-11-03 03:20 UTC, 10 min"
  std::string describe() const;
};

// The peak of a gas spike, %LEL: above the sample red level (25) by a clear margin.
inline constexpr double gas_spike_peak = 30.0;

// Plans the incidents for [from, to), sampled every `step`, on the simulator's devices. Sorted
// by `from`. Deterministic in `seed`.
std::vector<backfill_incident> plan_backfill_incidents(const config::district& district,
                                                       const district_simulator& sim,
                                                       core::time_point from, core::time_point to,
                                                       core::duration step, std::uint64_t seed);

// A gas spike's %LEL at `t` (inside the incident), never below the detector's own `normal`
// value: up over the first 30 %, at the peak for the middle 40 %, down over the last 30 %.
double gas_spike_level(const backfill_incident& spike, core::time_point t, double normal);

}  // namespace campus::sim
