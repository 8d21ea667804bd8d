#include "adapters/common/json_fields.hpp"

#include <fmt/format.h>

#include <cmath>

#include "adapters/common/rejections.hpp"

namespace campus::adapters {

namespace {

rejection wrong_type(std::string_view field, std::string_view wanted, const boost::json::value& v) {
  return reject(reason::bad_type, field,
                fmt::format("must be {}, got {} {}", wanted, kind_name(v.kind()), quote_json(v)));
}

}  // namespace

std::expected<double, rejection> read_number(const boost::json::value& v, std::string_view field) {
  double d = 0;
  switch (v.kind()) {
    case boost::json::kind::int64: d = static_cast<double>(v.get_int64()); break;
    case boost::json::kind::uint64: d = static_cast<double>(v.get_uint64()); break;
    case boost::json::kind::double_: d = v.get_double(); break;
    default: return std::unexpected(wrong_type(field, "a number", v));
  }
  if (!std::isfinite(d)) {
    return std::unexpected(reject(reason::not_finite, field,
                                  "number too large for a double (it overflowed to infinity)"));
  }
  return d;
}

std::expected<double, rejection> read_number_in(const boost::json::value& v,
                                                std::string_view field, double min, double max) {
  auto d = read_number(v, field);
  if (!d) return d;
  if (*d < min || *d > max) {
    std::string range = std::isinf(max) ? fmt::format(">= {}", min) : fmt::format("{}..{}", min, max);
    return std::unexpected(
        reject(reason::bad_value, field, fmt::format("must be {}, got {}", range, quote_json(v))));
  }
  return d;
}

std::expected<bool, rejection> read_bool(const boost::json::value& v, std::string_view field) {
  if (!v.is_bool()) return std::unexpected(wrong_type(field, "a boolean", v));
  return v.get_bool();
}

std::expected<std::string, rejection> read_string(const boost::json::value& v,
                                                  std::string_view field) {
  if (!v.is_string()) return std::unexpected(wrong_type(field, "a string", v));
  return std::string(v.get_string());
}

std::expected<std::string, rejection> read_state(const boost::json::value& v,
                                                 std::string_view field,
                                                 std::initializer_list<std::string_view> allowed) {
  auto s = read_string(v, field);
  if (!s) return s;
  for (std::string_view a : allowed) {
    if (*s == a) return s;
  }
  return std::unexpected(reject(reason::bad_value, field,
                                fmt::format("must be one of {}, got {}",
                                            fmt::join(allowed, "/"), quote_json(v))));
}

rejection missing(std::string_view field) {
  return reject(reason::missing_field, field, "required field is missing");
}

}  // namespace campus::adapters
