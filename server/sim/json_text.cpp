#include "sim/json_text.hpp"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <cmath>

namespace campus::sim {
namespace {

void append(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += boost::json::serialize(boost::json::string_view(key));
        out += ':';
        append(out, item);
      }
      out += '}';
      return;
    }
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        append(out, item);
      }
      out += ']';
      return;
    }
    case boost::json::kind::double_: {
      // NaN and infinities are not JSON; the generator never makes them, but stay valid.
      const double d = v.get_double();
      out += std::isfinite(d) ? fmt::format("{}", d) : "null";
      return;
    }
    default:
      // Strings (escaped), integers, booleans and null serialise the same either way.
      out += boost::json::serialize(v);
      return;
  }
}

}  // namespace

std::string json_text(const boost::json::value& v) {
  std::string out;
  append(out, v);
  return out;
}

double round_to(double x, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(x * f) / f;
}

}  // namespace campus::sim
