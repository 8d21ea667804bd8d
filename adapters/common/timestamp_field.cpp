#include "adapters/common/timestamp_field.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "adapters/common/rejections.hpp"

namespace campus::adapters {

namespace {

constexpr std::int64_t max_ms = std::numeric_limits<std::int64_t>::max();

rejection bad(std::string_view field, std::string_view wanted, const boost::json::value& v) {
  return reject(reason::bad_timestamp, field, fmt::format("must be {}, got {}", wanted, quote_json(v)));
}

}  // namespace

std::expected<core::time_point, rejection> read_timestamp(const boost::json::value* v,
                                                          std::string_view field,
                                                          core::time_point now,
                                                          timestamp_unit unit) {
  if (v == nullptr) return now;
  const bool in_seconds = unit == timestamp_unit::seconds;
  const std::string_view wanted = in_seconds ? "epoch seconds (a non-negative number)"
                                             : "epoch milliseconds (a non-negative integer)";
  const std::int64_t per_unit = in_seconds ? 1000 : 1;

  switch (v->kind()) {
    case boost::json::kind::int64: {
      std::int64_t n = v->get_int64();
      if (n < 0 || n > max_ms / per_unit) return std::unexpected(bad(field, wanted, *v));
      return core::from_epoch_ms(n * per_unit);
    }
    case boost::json::kind::uint64: {
      std::uint64_t n = v->get_uint64();
      if (n > static_cast<std::uint64_t>(max_ms / per_unit)) {
        return std::unexpected(bad(field, wanted, *v));
      }
      return core::from_epoch_ms(static_cast<std::int64_t>(n) * per_unit);
    }
    case boost::json::kind::double_: {
      double ms = v->get_double() * static_cast<double>(per_unit);
      if (in_seconds) ms = std::round(ms);
      // 9.2e18 is not exactly representable; stay strictly below 2^63 so the cast is defined.
      if (!std::isfinite(ms) || ms < 0 || ms >= 9223372036854775808.0 || std::trunc(ms) != ms) {
        return std::unexpected(bad(field, wanted, *v));
      }
      return core::from_epoch_ms(static_cast<std::int64_t>(ms));
    }
    default:
      return std::unexpected(bad(field, wanted, *v));
  }
}

std::expected<core::time_point, rejection> read_payload_ts(const boost::json::object& payload,
                                                           core::time_point now) {
  return read_timestamp(payload.if_contains("ts"), "ts", now);
}

}  // namespace campus::adapters
