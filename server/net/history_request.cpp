#include "net/history_request.hpp"

#include <fmt/format.h>

#include <array>

#include "net/utc_time.hpp"

namespace campus::net {

namespace {

namespace chr = std::chrono;
using status = boost::beast::http::status;

// 52560 → "52,560": a limit error is read by a person.
std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

history_request::error bad(std::string message) {
  return {status::bad_request, std::move(message)};
}

std::expected<core::time_point, history_request::error> time_param(std::string_view name,
                                                                   const std::string* value) {
  auto t = utc_time::parse(*value);
  if (!t) {
    return std::unexpected(bad(fmt::format("bad '{}': {}; got '{}'", name, t.error(), *value)));
  }
  return *t;
}

}  // namespace

std::expected<core::duration, std::string> history_request::parse_step(std::string_view text) {
  const auto expected_form = [&] {
    return fmt::format(
        "expected a duration such as 30s, 5m, 1h, 1d or a whole number of seconds; got '{}'", text);
  };
  std::size_t n = 0;
  std::int64_t value = 0;
  for (; n < text.size() && text[n] >= '0' && text[n] <= '9'; ++n) {
    if (n >= 9) return std::unexpected(expected_form());  // beyond any useful step
    value = value * 10 + (text[n] - '0');
  }
  if (n == 0) return std::unexpected(expected_form());
  const std::string_view unit = text.substr(n);
  std::int64_t seconds_per_unit = 0;
  if (unit.empty() || unit == "s") {
    seconds_per_unit = 1;
  } else if (unit == "m") {
    seconds_per_unit = 60;
  } else if (unit == "h") {
    seconds_per_unit = 3600;
  } else if (unit == "d") {
    seconds_per_unit = 86400;
  } else {
    return std::unexpected(expected_form());
  }
  return chr::duration_cast<core::duration>(chr::seconds{value * seconds_per_unit});
}

core::duration history_request::default_step(core::duration range) {
  using chr::seconds, chr::minutes, chr::hours, chr::days;
  static constexpr std::array<core::duration, 19> steps{
      seconds{1},  seconds{5},  seconds{10}, seconds{15}, seconds{30}, minutes{1}, minutes{5},
      minutes{10}, minutes{15}, minutes{30}, hours{1},    hours{2},    hours{3},   hours{6},
      hours{12},   days{1},     days{2},     days{7},     days{30}};
  for (auto s : steps) {
    if (range <= s * default_buckets) return s;
  }
  return steps.back();
}

std::expected<history_request, history_request::error> history_request::parse(
    const request_target& target, const config::district& district, core::time_point now) {
  if (auto unknown =
          target.unknown_param({"device", "metric", "subject", "from", "to", "step", "format"})) {
    return std::unexpected(bad(*unknown));
  }
  history_request r;
  const std::string* device = target.param("device");
  if (!device || device->empty()) return std::unexpected(bad("missing query parameter 'device'"));
  if (!district.find_device(*device)) {
    return std::unexpected(error{status::not_found, "unknown device '" + *device + "'"});
  }
  const std::string* metric = target.param("metric");
  if (!metric || metric->empty()) return std::unexpected(bad("missing query parameter 'metric'"));
  r.query.device = *device;
  r.query.metric = *metric;
  if (const std::string* subject = target.param("subject")) r.query.subject = *subject;

  const std::string* from = target.param("from");
  const std::string* to = target.param("to");
  r.query.to = now;
  if (to) {
    auto t = time_param("to", to);
    if (!t) return std::unexpected(t.error());
    r.query.to = *t;
  }
  r.query.from = r.query.to - default_range;
  if (from) {
    auto t = time_param("from", from);
    if (!t) return std::unexpected(t.error());
    r.query.from = *t;
  }
  if (r.query.from >= r.query.to) {
    return std::unexpected(
        bad(fmt::format("'from' ({}) must be before 'to' ({})", utc_time::format(r.query.from),
                        utc_time::format(r.query.to))));
  }
  const core::duration range = r.query.to - r.query.from;
  if (range > max_range) {
    return std::unexpected(bad(fmt::format(
        "range too long: 'from' to 'to' spans {} days; at most {} days",
        chr::ceil<chr::days>(range).count(), chr::duration_cast<chr::days>(max_range).count())));
  }

  r.query.step = default_step(range);
  if (const std::string* step = target.param("step")) {
    auto s = parse_step(*step);
    if (!s) return std::unexpected(bad("bad 'step': " + s.error()));
    if (*s < min_step) {
      return std::unexpected(bad("'step' must be at least 1s; got '" + *step + "'"));
    }
    r.query.step = *s;
  }
  const std::int64_t points = (range.count() + r.query.step.count() - 1) / r.query.step.count();
  if (points > max_points) {
    return std::unexpected(bad(fmt::format("too many points: {} > {}; use a larger step",
                                           grouped(points), grouped(max_points))));
  }

  if (const std::string* format = target.param("format")) {
    if (*format == "csv") {
      r.csv = true;
    } else if (*format != "json") {
      return std::unexpected(bad("bad 'format': expected json or csv; got '" + *format + "'"));
    }
  }
  return r;
}

}  // namespace campus::net
