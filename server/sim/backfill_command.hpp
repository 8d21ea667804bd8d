// `campus-sim --backfill D`: plausible history for the last D, written straight to the history
// store the configuration names (no broker). Prints the plan (devices, span, incidents),
// progress, and a summary: readings written, simulated span, wall time, readings/s.
#pragma once

#include <cstdint>

#include "config/district.hpp"
#include "sim/sim_options.hpp"

namespace campus::sim {

// Exit status: 0 written; 1 the store could not be opened, or dropped or refused readings;
// 2 nothing to simulate.
int run_backfill(const sim_options& options, config::district district, std::uint64_t seed);

}  // namespace campus::sim
