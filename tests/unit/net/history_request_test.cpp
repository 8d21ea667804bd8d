// Parameters of GET /api/history: times, steps, defaults, and every refusal with its message.
#include "net/history_request.hpp"

#include <gtest/gtest.h>

#include "net/utc_time.hpp"

namespace campus::net {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// 2026-11-01T00:00:00Z
constexpr std::int64_t nov1 = 1793491200000;

config::district district_with_gas() {
  config::district d;
  d.devices.push_back({"s1-gas", "s1", "kitchen", "gas_detector", "燃气", "Gas", {}});
  return d;
}

std::expected<history_request, history_request::error> parse(
    std::string_view target, core::time_point now = core::from_epoch_ms(nov1)) {
  static const config::district d = district_with_gas();
  auto t = request_target::parse(target);
  if (!t) throw std::runtime_error(t.error());
  return history_request::parse(*t, d, now);
}

// The message of a refused request, checking its status.
std::string refusal(std::string_view target,
                    boost::beast::http::status status = boost::beast::http::status::bad_request) {
  auto r = parse(target);
  if (r) return "(accepted)";
  EXPECT_EQ(r.error().status, status) << target;
  return r.error().message;
}

TEST(utc_time, reads_epoch_milliseconds_and_iso_8601_with_an_offset) {
  EXPECT_EQ(utc_time::parse("1793491200000"), core::from_epoch_ms(nov1));
  EXPECT_EQ(utc_time::parse("0"), core::from_epoch_ms(0));
  EXPECT_EQ(utc_time::parse("2026-11-01T00:00:00Z"), core::from_epoch_ms(nov1));
  EXPECT_EQ(utc_time::parse("2026-11-01T00:00Z"), core::from_epoch_ms(nov1));
  EXPECT_EQ(utc_time::parse("2026-11-01T00:00:01.5Z"), core::from_epoch_ms(nov1 + 1500));
  EXPECT_EQ(utc_time::parse("2026-11-01T00:00:01.123456789Z"), core::from_epoch_ms(nov1 + 1123));
  EXPECT_EQ(utc_time::parse("2026-11-01T08:00:00+08:00"), core::from_epoch_ms(nov1));
  EXPECT_EQ(utc_time::parse("2026-10-31T19:30:00-04:30"), core::from_epoch_ms(nov1));
  // An unescaped '+' in a query string is decoded as a space.
  EXPECT_EQ(utc_time::parse("2026-11-01T08:00:00 08:00"), core::from_epoch_ms(nov1));
  EXPECT_EQ(utc_time::parse("2028-02-29T00:00:00Z"), core::from_epoch_ms(1835395200000));
}

TEST(utc_time, refuses_what_is_not_a_time_in_a_known_zone) {
  for (const char* bad :
       {"", "yesterday", "2026-11-01", "2026-11-01T00:00:00", "2026-11-01 00:00:00Z",
        "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-01T24:00:00Z",
        "2026-11-01T00:60:00Z", "2026-11-01T00:00:00.Z", "2026-11-01T00:00:00Zjunk", "-1000",
        "1e12", "1234567890123456", "2026-11-01T00:00:00+8:00"}) {
    auto t = utc_time::parse(bad);
    EXPECT_FALSE(t) << bad;
    if (!t) {
      EXPECT_NE(t.error().find("2026-11-01T00:00:00Z"), std::string::npos) << t.error();
    }
  }
}

TEST(utc_time, writes_iso_8601_utc) {
  EXPECT_EQ(utc_time::format(core::from_epoch_ms(nov1)), "2026-11-01T00:00:00Z");
  EXPECT_EQ(utc_time::format(core::from_epoch_ms(nov1 + 61'005)), "2026-11-01T00:01:01.005Z");
  EXPECT_EQ(utc_time::format(core::from_epoch_ms(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(utc_time::format_compact(core::from_epoch_ms(nov1 + 3'723'000)), "20261101T010203Z");
}

TEST(history_request, steps_are_durations_or_seconds_of_at_least_one_second) {
  EXPECT_EQ(history_request::parse_step("30s"), seconds(30));
  EXPECT_EQ(history_request::parse_step("5m"), minutes(5));
  EXPECT_EQ(history_request::parse_step("1h"), hours(1));
  EXPECT_EQ(history_request::parse_step("1d"), days(1));
  EXPECT_EQ(history_request::parse_step("300"), seconds(300));
  for (const char* bad : {"", "s", "5x", "-5", "1.5m", "5 m", "5M", "1234567890"}) {
    EXPECT_FALSE(history_request::parse_step(bad)) << bad;
  }
  EXPECT_EQ(refusal("/api/history?device=s1-gas&metric=lel_pct&step=0s"),
            "'step' must be at least 1s; got '0s'");
  EXPECT_NE(refusal("/api/history?device=s1-gas&metric=lel_pct&step=fast")
                .find("bad 'step': expected a duration such as 30s, 5m, 1h, 1d"),
            std::string::npos);
}

TEST(history_request, the_default_step_is_round_and_gives_at_most_500_buckets) {
  EXPECT_EQ(history_request::default_step(minutes(1)), seconds(1));
  EXPECT_EQ(history_request::default_step(hours(1)), seconds(10));
  EXPECT_EQ(history_request::default_step(hours(24)), minutes(5));
  EXPECT_EQ(history_request::default_step(days(7)), minutes(30));
  EXPECT_EQ(history_request::default_step(days(30)), hours(2));
  EXPECT_EQ(history_request::default_step(days(400)), days(1));
  for (core::duration range : {core::duration(minutes(3)), core::duration(hours(5)),
                               core::duration(days(3)), core::duration(days(399))}) {
    const auto step = history_request::default_step(range);
    EXPECT_LE(range / step, 500) << range.count();
  }
}

TEST(history_request, reads_every_parameter) {
  auto r = parse(
      "/api/history?device=s1-gas&metric=tag_dist_m&subject=tag-7"
      "&from=2026-11-01T00:00:00Z&to=1793494800000&step=1m&format=csv");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->query.device, "s1-gas");
  EXPECT_EQ(r->query.metric, "tag_dist_m");
  EXPECT_EQ(r->query.subject, "tag-7");
  EXPECT_EQ(r->query.from, core::from_epoch_ms(nov1));
  EXPECT_EQ(r->query.to, core::from_epoch_ms(nov1 + 3'600'000));
  EXPECT_EQ(r->query.step, minutes(1));
  EXPECT_TRUE(r->csv);
  auto json = parse("/api/history?device=s1-gas&metric=lel_pct&format=json");
  ASSERT_TRUE(json);
  EXPECT_FALSE(json->csv);
  EXPECT_EQ(json->query.subject, "");
}

TEST(history_request, defaults_to_the_last_24_hours_before_now_or_before_to) {
  const auto now = core::from_epoch_ms(nov1 + 12'345);
  auto r = parse("/api/history?device=s1-gas&metric=lel_pct", now);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->query.to, now);
  EXPECT_EQ(r->query.from, now - hours(24));
  EXPECT_EQ(r->query.step, minutes(5));

  auto before_to = parse("/api/history?device=s1-gas&metric=lel_pct&to=2026-11-01T00:00:00Z");
  ASSERT_TRUE(before_to);
  EXPECT_EQ(before_to->query.from, core::from_epoch_ms(nov1) - hours(24));

  auto only_from = parse("/api/history?device=s1-gas&metric=lel_pct&from=1793487600000", now);
  ASSERT_TRUE(only_from);
  EXPECT_EQ(only_from->query.to, now);
  EXPECT_EQ(only_from->query.step, seconds(10));  // about an hour
}

TEST(history_request, names_the_parameter_in_every_refusal) {
  using boost::beast::http::status;
  EXPECT_EQ(refusal("/api/history?metric=lel_pct"), "missing query parameter 'device'");
  EXPECT_EQ(refusal("/api/history?device=&metric=lel_pct"), "missing query parameter 'device'");
  EXPECT_EQ(refusal("/api/history?device=nowhere&metric=lel_pct", status::not_found),
            "unknown device 'nowhere'");
  EXPECT_EQ(refusal("/api/history?device=s1-gas"), "missing query parameter 'metric'");
  EXPECT_EQ(refusal("/api/history?device=s1-gas&metric=lel_pct&from=yesterday"),
            "bad 'from': expected epoch milliseconds or an ISO-8601 time with its offset, such as "
            "2026-11-01T00:00:00Z; got 'yesterday'");
  EXPECT_NE(
      refusal("/api/history?device=s1-gas&metric=lel_pct&to=2026-11-31T00:00:00Z").find("bad 'to'"),
      std::string::npos);
  EXPECT_EQ(refusal("/api/history?device=s1-gas&metric=lel_pct"
                    "&from=2026-11-01T00:00:00Z&to=2026-11-01T00:00:00Z"),
            "'from' (2026-11-01T00:00:00Z) must be before 'to' (2026-11-01T00:00:00Z)");
  EXPECT_EQ(refusal("/api/history?device=s1-gas&metric=lel_pct"
                    "&from=2025-01-01T00:00:00Z&to=2026-11-01T00:00:00Z&step=1d"),
            "range too long: 'from' to 'to' spans 669 days; at most 400 days");
  EXPECT_EQ(refusal("/api/history?device=s1-gas&metric=lel_pct"
                    "&from=2025-11-01T00:00:00Z&to=2026-11-01T00:00:00Z&step=10m"),
            "too many points: 52,560 > 10,000; use a larger step");
  EXPECT_EQ(refusal("/api/history?device=s1-gas&metric=lel_pct&format=xml"),
            "bad 'format': expected json or csv; got 'xml'");
  EXPECT_EQ(refusal("/api/history?device=s1-gas&metric=lel_pct&stpe=5m"),
            "unknown query parameter 'stpe'; allowed: device, metric, subject, from, to, step, "
            "format");
}

TEST(history_request, accepts_the_limits_themselves) {
  // Exactly 400 days, and exactly 10,000 points.
  EXPECT_TRUE(
      parse("/api/history?device=s1-gas&metric=lel_pct"
            "&from=2025-09-27T00:00:00Z&to=2026-11-01T00:00:00Z&step=1d"));
  EXPECT_TRUE(
      parse("/api/history?device=s1-gas&metric=lel_pct&step=1"
            "&from=1793491200000&to=1793501200000"));
  EXPECT_FALSE(
      parse("/api/history?device=s1-gas&metric=lel_pct&step=1"
            "&from=1793491200000&to=1793501200001"));
}

}  // namespace
}  // namespace campus::net
