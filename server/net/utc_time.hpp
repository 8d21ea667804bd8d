// Times as the history API reads and writes them: epoch milliseconds or ISO-8601 with an offset
// ("2026-11-01T00:00:00Z", "2026-11-01T08:00:00+08:00"). Query strings come from the network,
// so parsing reports errors as values.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "core/reading.hpp"

namespace campus::net::utc_time {

// Accepts epoch milliseconds ("1793491200000") or YYYY-MM-DDTHH:MM[:SS[.fff]] followed by "Z"
// or ±HH:MM. Fractions below a millisecond are dropped. The error says what was expected.
std::expected<core::time_point, std::string> parse(std::string_view text);

// "2026-11-01T00:00:00Z", with ".123" only when the milliseconds are not zero.
std::string format(core::time_point t);

// "20261101T000000Z": the same instant without ':' (which some file systems refuse), for
// file names.
std::string format_compact(core::time_point t);

}  // namespace campus::net::utc_time
