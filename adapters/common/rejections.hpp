// The stable rejection reason codes and the one place that builds a rejection's detail text.
//
// Reason codes are Prometheus label values (campus_payloads_rejected_total{reason=...}), so they
// never change spelling; `detail` is for the log and always names the field and the bad value.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "adapters/adapter.hpp"

namespace campus::adapters::reason {

inline constexpr std::string_view malformed_json = "malformed_json";  // not JSON, or nested too deep
inline constexpr std::string_view not_an_object = "not_an_object";    // valid JSON, but not {...}
inline constexpr std::string_view missing_field = "missing_field";    // a required field is absent
inline constexpr std::string_view bad_type = "bad_type";              // a field has the wrong JSON type
inline constexpr std::string_view not_finite = "not_finite";          // a number overflowed to ±inf
inline constexpr std::string_view bad_value = "bad_value";            // right type, value out of range/set
inline constexpr std::string_view bad_timestamp = "bad_timestamp";    // `ts` is not epoch time
inline constexpr std::string_view no_readings = "no_readings";        // nothing to emit

}  // namespace campus::adapters::reason

namespace campus::adapters {

// Longest piece of an offending value quoted in a detail; devices can send megabytes.
inline constexpr std::size_t max_quoted_chars = 64;

// The JSON text of `v`, cut to about max_quoted_chars (on a UTF-8 boundary) with "..." appended.
std::string quote_json(const boost::json::value& v);

// `text` cut the same way; for raw payload excerpts and strings that are not JSON values.
std::string quote_text(std::string_view text);

// "a number", "a string", ... for "must be X, got <kind> <value>" messages.
std::string_view kind_name(boost::json::kind k);

// rejection{reason, "<field>: <what>"}.
rejection reject(std::string_view reason, std::string_view field, std::string_view what);

}  // namespace campus::adapters
