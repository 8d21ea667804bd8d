// adapters/common: the parsing every JSON family shares.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

#include "adapters/common/json_fields.hpp"
#include "adapters/common/payload_object.hpp"
#include "adapters/common/rejections.hpp"
#include "adapters/common/timestamp_field.hpp"

namespace campus::adapters {
namespace {

const core::time_point now = core::from_epoch_ms(1763860000000);

std::string nested_arrays(int depth) {
  return "{\"a\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
}

TEST(adapter_payload_object, accepts_an_object) {
  auto o = parse_payload_object(R"({"lel_pct":3.2,"valve":"open"})");
  ASSERT_TRUE(o.has_value()) << o.error().detail;
  EXPECT_EQ(o->size(), 2u);
}

TEST(adapter_payload_object, refuses_deep_nesting_without_crashing) {
  auto deep = parse_payload_object(nested_arrays(100));
  ASSERT_FALSE(deep.has_value());
  EXPECT_EQ(deep.error().reason, "malformed_json");

  // A million brackets: the parser must stop at the limit, not recurse or allocate per level.
  auto huge = parse_payload_object(nested_arrays(1'000'000));
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().reason, "malformed_json");
}

TEST(adapter_payload_object, nesting_limit_is_max_payload_depth) {
  // The outer object is one level, so max_payload_depth - 1 arrays fit exactly.
  EXPECT_TRUE(parse_payload_object(nested_arrays(max_payload_depth - 1)).has_value());
  EXPECT_FALSE(parse_payload_object(nested_arrays(max_payload_depth)).has_value());
}

TEST(adapter_payload_object, malformed_inputs) {
  for (std::string_view bad : {"", "   ", "{", "{\"a\":1,}", "{'a':1}", "{\"a\":1} x",
                               "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":1 /* c */}",
                               "{\"a\":\"\xff\xfe\"}"}) {
    auto r = parse_payload_object(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().reason, "malformed_json") << bad;
    EXPECT_NE(r.error().detail.find("payload"), std::string::npos);
  }
}

TEST(adapter_payload_object, refuses_non_objects) {
  for (std::string_view other : {"[1,2]", "3", "\"open\"", "null", "true"}) {
    auto r = parse_payload_object(other);
    ASSERT_FALSE(r.has_value()) << other;
    EXPECT_EQ(r.error().reason, "not_an_object") << other;
  }
}

TEST(adapter_payload_object, malformed_detail_quotes_a_bounded_excerpt) {
  std::string big = "{\"a\":\"" + std::string(100'000, 'x');  // unterminated
  auto r = parse_payload_object(big);
  ASSERT_FALSE(r.has_value());
  EXPECT_LT(r.error().detail.size(), 200u) << r.error().detail;
}

TEST(adapter_rejections, quote_truncates_on_a_utf8_boundary) {
  std::string chinese;
  for (int i = 0; i < 40; ++i) chinese += "燃";  // 3 bytes each
  std::string q = quote_text(chinese);
  EXPECT_LE(q.size(), max_quoted_chars);
  ASSERT_GE(q.size(), 3u);
  EXPECT_EQ(q.substr(q.size() - 3), "...");
  EXPECT_EQ((q.size() - 3) % 3, 0u) << "cut inside a character";
  EXPECT_EQ(quote_text("short"), "short");
}

TEST(adapter_json_fields, numbers_must_be_finite) {
  auto o = parse_payload_object(R"({"big":1e999,"neg":-1e999,"huge_int":99999999999999999999,
                                    "ok":3.5,"i":-4,"t":true,"s":"3"})");
  ASSERT_TRUE(o.has_value());
  auto big = read_number(o->at("big"), "big");
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().reason, "not_finite");
  EXPECT_NE(big.error().detail.find("big"), std::string::npos);
  EXPECT_EQ(read_number(o->at("neg"), "neg").error().reason, "not_finite");
  // Beyond uint64 Boost.JSON falls back to a (finite) double: accepted.
  ASSERT_TRUE(read_number(o->at("huge_int"), "huge_int").has_value());
  EXPECT_DOUBLE_EQ(*read_number(o->at("huge_int"), "huge_int"), 1e20);
  EXPECT_DOUBLE_EQ(*read_number(o->at("ok"), "ok"), 3.5);
  EXPECT_DOUBLE_EQ(*read_number(o->at("i"), "i"), -4);
  EXPECT_EQ(read_number(o->at("t"), "t").error().reason, "bad_type");
  EXPECT_EQ(read_number(o->at("s"), "s").error().reason, "bad_type");
}

TEST(adapter_json_fields, range_and_state_checks_name_field_and_value) {
  auto o = parse_payload_object(R"({"lel_pct":120,"valve":"ajar","n":5})");
  ASSERT_TRUE(o.has_value());
  auto lel = read_number_in(o->at("lel_pct"), "lel_pct", 0, 100);
  ASSERT_FALSE(lel.has_value());
  EXPECT_EQ(lel.error().reason, "bad_value");
  EXPECT_EQ(lel.error().detail, "lel_pct: must be 0..100, got 120");
  auto valve = read_state(o->at("valve"), "valve", {"open", "closed"});
  ASSERT_FALSE(valve.has_value());
  EXPECT_EQ(valve.error().detail, "valve: must be one of open/closed, got \"ajar\"");
  auto n = read_string(o->at("n"), "n");
  ASSERT_FALSE(n.has_value());
  EXPECT_EQ(n.error().detail, "n: must be a string, got a number 5");
}

TEST(adapter_json_fields, long_values_are_truncated_in_details) {
  std::string payload = R"({"valve":")" + std::string(10'000, 'z') + "\"}";
  auto o = parse_payload_object(payload);
  ASSERT_TRUE(o.has_value());
  auto valve = read_state(o->at("valve"), "valve", {"open", "closed"});
  ASSERT_FALSE(valve.has_value());
  EXPECT_LT(valve.error().detail.size(), 120u) << valve.error().detail;
}

// --- ts ---------------------------------------------------------------------------------------

std::expected<core::time_point, rejection> ts_of(std::string_view payload) {
  auto o = parse_payload_object(payload);
  EXPECT_TRUE(o.has_value()) << payload;
  if (!o) return std::unexpected(o.error());
  return read_payload_ts(*o, now);
}

TEST(adapter_timestamp_field, missing_ts_is_now) {
  auto ts = ts_of(R"({"lel_pct":1})");
  ASSERT_TRUE(ts.has_value());
  EXPECT_EQ(*ts, now);
}

TEST(adapter_timestamp_field, integer_and_integral_double_milliseconds) {
  EXPECT_EQ(core::to_epoch_ms(*ts_of(R"({"ts":1763860000123})")), 1763860000123);
  EXPECT_EQ(core::to_epoch_ms(*ts_of(R"({"ts":1763860000123.0})")), 1763860000123);
  EXPECT_EQ(core::to_epoch_ms(*ts_of(R"({"ts":1.763860000123e12})")), 1763860000123);
  EXPECT_EQ(core::to_epoch_ms(*ts_of(R"({"ts":0})")), 0);
  // Not checked for plausibility here: the ingest pipeline refuses too-old / future instants.
  EXPECT_EQ(core::to_epoch_ms(*ts_of(R"({"ts":5})")), 5);
}

TEST(adapter_timestamp_field, garbage_is_bad_timestamp) {
  for (std::string_view bad :
       {R"({"ts":-1})", R"({"ts":1763860000123.5})", R"({"ts":"1763860000123"})", R"({"ts":true})",
        R"({"ts":null})", R"({"ts":1e999})", R"({"ts":-1e999})", R"({"ts":1e300})",
        R"({"ts":18446744073709551615})", R"({"ts":[1]})", R"({"ts":{}})"}) {
    auto ts = ts_of(bad);
    ASSERT_FALSE(ts.has_value()) << bad;
    EXPECT_EQ(ts.error().reason, "bad_timestamp") << bad;
    EXPECT_EQ(ts.error().detail.rfind("ts: ", 0), 0u) << ts.error().detail;
  }
}

TEST(adapter_timestamp_field, seconds_keep_milliseconds_and_refuse_overflow) {
  boost::json::value s = 1763860000;
  EXPECT_EQ(core::to_epoch_ms(*read_timestamp(&s, "t", now, timestamp_unit::seconds)),
            1763860000000);
  boost::json::value frac = 1763860000.25;
  EXPECT_EQ(core::to_epoch_ms(*read_timestamp(&frac, "t", now, timestamp_unit::seconds)),
            1763860000250);
  boost::json::value too_big = std::int64_t{9'000'000'000'000'000'000};
  EXPECT_EQ(read_timestamp(&too_big, "t", now, timestamp_unit::seconds).error().reason,
            "bad_timestamp");
  EXPECT_TRUE(read_timestamp(&too_big, "t", now, timestamp_unit::milliseconds).has_value());
  EXPECT_EQ(*read_timestamp(nullptr, "t", now, timestamp_unit::seconds), now);
}

}  // namespace
}  // namespace campus::adapters
