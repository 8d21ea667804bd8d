// Typed reads of payload fields. Each returns the value or a rejection whose detail names the
// field (as the caller spells it, e.g. "tags[3].dist_m") and quotes the offending value.
#pragma once

#include <boost/json/value.hpp>

#include <expected>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>

#include "adapters/adapter.hpp"

namespace campus::adapters {

// A finite number. Integers are converted to double; "bad_type" for non-numbers (booleans
// included), "not_finite" for ±inf (Boost.JSON turns 1e999 into inf).
std::expected<double, rejection> read_number(const boost::json::value& v, std::string_view field);

// read_number, then "bad_value" unless min <= value <= max.
std::expected<double, rejection> read_number_in(
    const boost::json::value& v, std::string_view field, double min,
    double max = std::numeric_limits<double>::infinity());

std::expected<bool, rejection> read_bool(const boost::json::value& v, std::string_view field);

std::expected<std::string, rejection> read_string(const boost::json::value& v,
                                                  std::string_view field);

// A string that must be one of `allowed` ("bad_value" otherwise, listing them).
std::expected<std::string, rejection> read_state(const boost::json::value& v,
                                                 std::string_view field,
                                                 std::initializer_list<std::string_view> allowed);

// The "missing_field" rejection for a required field that is absent.
rejection missing(std::string_view field);

}  // namespace campus::adapters
