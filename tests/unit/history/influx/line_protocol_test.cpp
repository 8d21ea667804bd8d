// Golden lines for the escaping rules, and the refusals. The same cases are sent to a real
// InfluxDB by tests/integration/history/influx/line_protocol_round_trip_test.cpp.
#include "history/influx/line_protocol.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace campus::history {
namespace {

using namespace std::chrono_literals;

std::string line(const point& p, precision prec = precision::ms) {
  std::string out;
  auto ok = encode_line(p, prec, out);
  EXPECT_TRUE(ok) << (ok ? "" : ok.error());
  return out;
}

std::string refusal(const point& p) {
  std::string out = "untouched";
  auto ok = encode_line(p, precision::ms, out);
  EXPECT_FALSE(ok) << "accepted: " << out;
  EXPECT_EQ(out, "untouched");  // nothing appended on refusal
  return ok ? std::string{} : ok.error();
}

point simple() { return point{"m", {}, {{"f", 1.5}}, 1000ms}; }

TEST(line_protocol, plain_point) {
  point p{"cpu", {{"host", "a"}, {"region", "b"}}, {{"v", 1.5}, {"n", std::int64_t{3}}}, 1234ms};
  EXPECT_EQ(line(p), "cpu,host=a,region=b v=1.5,n=3i 1234\n");
}

TEST(line_protocol, measurement_escapes_comma_and_space_only) {
  EXPECT_EQ(line(point{"my meas,x", {}, {{"f", 1.0}}, 1ms}), "my\\ meas\\,x f=1 1\n");
  EXPECT_EQ(line(point{"a=b\"c", {}, {{"f", 1.0}}, 1ms}), "a=b\"c f=1 1\n");
}

TEST(line_protocol, tags_escape_comma_equals_space) {
  point p{"m", {{"k ey,=", "a,b=c d"}}, {{"f", 1.0}}, 1ms};
  EXPECT_EQ(line(p), "m,k\\ ey\\,\\==a\\,b\\=c\\ d f=1 1\n");
}

TEST(line_protocol, field_keys_escape_comma_equals_space_quote) {
  point p{"m", {}, {{"f k,x=y\"z", 1.0}}, 1ms};
  EXPECT_EQ(line(p), "m f\\ k\\,x\\=y\\\"z=1 1\n");
}

TEST(line_protocol, string_values_escape_quote_and_backslash_only) {
  point p{"m", {}, {{"s", std::string{"say \"hi\" C:\\dir, a=b"}}}, 1ms};
  EXPECT_EQ(line(p), "m s=\"say \\\"hi\\\" C:\\\\dir, a=b\" 1\n");
  point nl{"m", {}, {{"s", std::string{"two\nlines"}}, {"e", std::string{}}}, 1ms};
  EXPECT_EQ(line(nl), "m s=\"two\nlines\",e=\"\" 1\n");
}

TEST(line_protocol, backslash_kept_where_influxdb_keeps_it) {
  point p{"m\\x", {{"k", "c\\d"}, {"q", "a\\\"b"}}, {{"f\\r", 1.0}}, 1ms};
  EXPECT_EQ(line(p), "m\\x,k=c\\d,q=a\\\"b f\\r=1 1\n");
}

TEST(line_protocol, unicode_and_tabs_pass_through) {
  point p{"温度", {{"zone", "厨房\t1"}}, {{"unit", std::string{"°C"}}}, 1ms};
  EXPECT_EQ(line(p), "温度,zone=厨房\t1 unit=\"°C\" 1\n");
}

TEST(line_protocol, field_types) {
  point p{"m",
          {},
          {{"i", std::numeric_limits<std::int64_t>::min()},
           {"t", true},
           {"f", false},
           {"big", 1e21},
           {"tiny", 0.1},
           {"neg0", -0.0},
           {"whole", 3.0}},
          1ms};
  EXPECT_EQ(line(p),
            "m i=-9223372036854775808i,t=true,f=false,big=1e+21,tiny=0.1,neg0=-0,whole=3 1\n");
}

TEST(line_protocol, precision_and_missing_timestamp) {
  point p = simple();
  p.time = 1'700'000'000'123'456'789ns;
  EXPECT_EQ(line(p, precision::ns), "m f=1.5 1700000000123456789\n");
  EXPECT_EQ(line(p, precision::us), "m f=1.5 1700000000123456\n");
  EXPECT_EQ(line(p, precision::ms), "m f=1.5 1700000000123\n");
  EXPECT_EQ(line(p, precision::s), "m f=1.5 1700000000\n");
  p.time = -1500ms;  // before 1970: truncated toward the past, as InfluxDB would bucket it
  EXPECT_EQ(line(p, precision::s), "m f=1.5 -2\n");
  p.time.reset();
  EXPECT_EQ(line(p), "m f=1.5\n");
  EXPECT_STREQ(precision_name(precision::us), "u");
}

TEST(line_protocol, appends_to_existing_text) {
  std::string out = "first\n";
  ASSERT_TRUE(encode_line(simple(), precision::ms, out));
  EXPECT_EQ(out, "first\nm f=1.5 1000\n");
}

TEST(line_protocol, refusals_name_the_problem) {
  auto with = [](auto change) {
    point p = simple();
    change(p);
    return refusal(p);
  };
  EXPECT_NE(with([](point& p) { p.measurement.clear(); }).find("empty measurement"),
            std::string::npos);
  EXPECT_NE(with([](point& p) { p.measurement = "#x"; }).find("'#'"), std::string::npos);
  EXPECT_NE(with([](point& p) { p.fields.clear(); }).find("at least one field"), std::string::npos);
  EXPECT_NE(with([](point& p) { p.fields[0].second = std::nan(""); }).find("finite"),
            std::string::npos);
  EXPECT_NE(with([](point& p) { p.fields[0].second = HUGE_VAL; }).find("finite"),
            std::string::npos);
  EXPECT_NE(with([](point& p) {
              p.tags = {{"k", ""}};
            }).find("empty value for tag \"k\""),
            std::string::npos);
  EXPECT_NE(with([](point& p) { p.tags = {{"", "v"}}; }).find("empty tag key"), std::string::npos);
  EXPECT_NE(with([](point& p) {
              p.tags = {{"k", "a\nb"}};
            }).find("newline in tag value"),
            std::string::npos);
  EXPECT_NE(with([](point& p) {
              p.tags = {{"k\n", "a"}};
            }).find("newline in tag key"),
            std::string::npos);
  EXPECT_NE(with([](point& p) { p.measurement = "m\n"; }).find("newline in measurement"),
            std::string::npos);
  EXPECT_NE(with([](point& p) { p.fields[0].first = "f\nx"; }).find("newline in field key"),
            std::string::npos);
  EXPECT_NE(with([](point& p) {
              p.tags = {{"k", "ends\\"}};
            }).find("backslash"),
            std::string::npos);
  EXPECT_NE(with([](point& p) { p.tags = {{"k", "a\\,b"}}; }).find("backslash"), std::string::npos);
  EXPECT_NE(with([](point& p) { p.measurement = "m\\ x"; }).find("backslash"), std::string::npos);
  EXPECT_NE(with([](point& p) { p.fields[0].first = "f\\\""; }).find("backslash"),
            std::string::npos);
  EXPECT_NE(with([](point& p) { p.tags = {{"time", "x"}}; }).find("\"time\""), std::string::npos);
  EXPECT_NE(with([](point& p) { p.fields[0].first = "time"; }).find("\"time\""), std::string::npos);
  EXPECT_NE(with([](point& p) {
              p.tags = {{"k", "a"}, {"k", "b"}};
            }).find("duplicate tag"),
            std::string::npos);
  EXPECT_NE(with([](point& p) {
              p.fields.push_back({"f", 2.0});
            }).find("duplicate field"),
            std::string::npos);
}

TEST(line_protocol, reading_with_number_and_subject) {
  core::reading r{"s1",    "lab", "gas-1", "tag_dist_m",
                  "tag 7", 2.5,   "m",     core::from_epoch_ms(1700000000123)};
  EXPECT_EQ(line(reading_point(r)),
            "reading,site=s1,zone=lab,device=gas-1,metric=tag_dist_m,subject=tag\\ 7 value=2.5,"
            "unit=\"m\" 1700000000123\n");
}

TEST(line_protocol, reading_with_state_leaves_empty_tags_out_and_keeps_empty_unit) {
  core::reading r{"s1", "", "door-1", "door", "", std::string{"open"}, "", core::from_epoch_ms(5)};
  EXPECT_EQ(line(reading_point(r)),
            "reading,site=s1,device=door-1,metric=door state=\"open\",unit=\"\" 5\n");
}

}  // namespace
}  // namespace campus::history
