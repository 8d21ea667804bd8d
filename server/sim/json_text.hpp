// Compact JSON text the way devices write it: numbers in their shortest form ("3.2", "253"),
// not Boost.JSON's exponent notation ("3.2E0"), keys in insertion order.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace campus::sim {

std::string json_text(const boost::json::value& v);

// `x` rounded to `decimals` places, so payloads carry sensor-like precision.
double round_to(double x, int decimals);

}  // namespace campus::sim
