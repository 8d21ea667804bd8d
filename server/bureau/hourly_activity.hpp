// What the figures read of the history store: per device, the hours in which it stored
// readings and how many (history_store::activity with a 1 h step, re-keyed by the caller).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/reading.hpp"

namespace campus::bureau {

// device id → bucket start (a whole hour) → readings stored in that hour (≥ 1). A device
// without readings is absent.
using hourly_activity = std::map<std::string, std::map<core::time_point, std::int64_t>, std::less<>>;

}  // namespace campus::bureau
