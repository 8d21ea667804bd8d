// Reading a device timestamp. Only the form is checked here; whether the instant is plausible
// (not a week old, not in the future) is the ingest pipeline's decision, made for every family.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <expected>
#include <string_view>

#include "adapters/adapter.hpp"
#include "core/reading.hpp"

namespace campus::adapters {

enum class timestamp_unit { milliseconds, seconds };

// An epoch timestamp: a non-negative integer, or a double holding one (1763860000123.0).
// In seconds a fraction is allowed and kept to the millisecond (1763860000.5). `v == nullptr`
// means the field is absent and yields `now`. Anything else — negative, fractional
// milliseconds, strings, booleans, null, ±inf, beyond the int64 millisecond range — is
// "bad_timestamp".
std::expected<core::time_point, rejection> read_timestamp(
    const boost::json::value* v, std::string_view field, core::time_point now,
    timestamp_unit unit = timestamp_unit::milliseconds);

// The payload's top-level "ts" in epoch milliseconds, or `now` when absent.
std::expected<core::time_point, rejection> read_payload_ts(const boost::json::object& payload,
                                                           core::time_point now);

}  // namespace campus::adapters
