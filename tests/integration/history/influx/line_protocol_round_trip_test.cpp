// Every tricky line-protocol case goes to a real InfluxDB and must read back identical:
// measurement name, tags, field names, types and values, timestamp.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>
#include <map>

#include "history/influx/influxql.hpp"
#include "history/influx/line_protocol.hpp"
#include "support/influxdb_server.hpp"

namespace campus::history {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::vector<point> tricky_points() {
  core::reading number{"s1",       "lab", "gas-1", "tag_dist_m",
                       "tag 7,=x", 2.5,   "m",     core::from_epoch_ms(1'700'000'000'123)};
  core::reading state{"s1",     "",
                      "door-1", "door",
                      "",       std::string{"open \"wide\""},
                      "",       core::from_epoch_ms(1'700'000'000'456)};
  point reading_number = reading_point(number);
  reading_number.measurement = "reading_number";
  point reading_state = reading_point(state);
  reading_state.measurement = "reading_state";
  return {
      {"plain", {{"host", "a"}, {"region", "b"}}, {{"v", 1.5}, {"n", std::int64_t{3}}}, 1234ms},
      {"my meas,x", {}, {{"f", 1.0}}, 2ms},
      {"a=b\"c", {}, {{"f", 1.0}}, 3ms},
      {"tags", {{"k ey,=", "a,b=c d"}}, {{"f", 1.0}}, 4ms},
      {"field_keys", {}, {{"f k,x=y\"z", 1.0}}, 5ms},
      {"strings",
       {},
       {{"s", std::string{"say \"hi\" C:\\dir, a=b"}},
        {"nl", std::string{"two\nlines"}},
        {"empty", std::string{}},
        {"trailing", std::string{"ends with \\"}}},
       6ms},
      {"back\\slash", {{"k", "c\\d"}, {"q", "a\\\"b"}}, {{"f\\r", 1.0}}, 7ms},
      {"温度", {{"zone", "厨房\t1"}}, {{"unit", std::string{"°C"}}}, 8ms},
      {"types",
       {},
       {{"i", std::numeric_limits<std::int64_t>::min()},
        {"imax", std::numeric_limits<std::int64_t>::max()},
        {"t", true},
        {"f", false},
        {"big", 1e21},
        {"tiny", 0.1},
        {"third", 1.0 / 3.0},
        {"neg", -123.456e-7},
        {"whole", 3.0}},
       9ms},
      reading_number,
      reading_state,
  };
}

// The field value as InfluxDB's JSON gives it, compared with what was sent.
void expect_same(const field_value& sent, const json::value& got, const std::string& where) {
  if (const auto* d = std::get_if<double>(&sent)) {
    boost::system::error_code ec;
    double v = got.to_number<double>(ec);
    ASSERT_FALSE(ec) << where << ": " << json::serialize(got);
    EXPECT_EQ(v, *d) << where;
  } else if (const auto* i = std::get_if<std::int64_t>(&sent)) {
    ASSERT_TRUE(got.is_int64()) << where << ": " << json::serialize(got);
    EXPECT_EQ(got.get_int64(), *i) << where;
  } else if (const auto* b = std::get_if<bool>(&sent)) {
    ASSERT_TRUE(got.is_bool()) << where << ": " << json::serialize(got);
    EXPECT_EQ(got.get_bool(), *b) << where;
  } else {
    ASSERT_TRUE(got.is_string()) << where << ": " << json::serialize(got);
    EXPECT_EQ(std::string(got.get_string()), std::get<std::string>(sent)) << where;
  }
}

TEST(line_protocol_round_trip, every_tricky_case_reads_back_identical) {
  test::influxdb_server influx;
  influx.create_database("lp");
  const auto points = tricky_points();

  std::string body;
  for (const auto& p : points) {
    auto ok = encode_line(p, precision::ms, body);
    ASSERT_TRUE(ok) << ok.error();
  }
  auto written = influx.write("lp", body, precision_name(precision::ms));
  ASSERT_EQ(written.status, 204) << written.body << "\n" << body;

  for (const auto& p : points) {
    SCOPED_TRACE(p.measurement);
    auto answer = json::parse(
        influx.query("lp", "SELECT * FROM " + influxql_identifier(p.measurement) + " GROUP BY *"));
    const auto& result = answer.at("results").at(0).as_object();
    ASSERT_TRUE(result.contains("series")) << json::serialize(answer);
    const auto& all = result.at("series").as_array();
    ASSERT_EQ(all.size(), 1u) << json::serialize(answer);
    const auto& s = all[0].as_object();
    EXPECT_EQ(std::string(s.at("name").as_string()), p.measurement);

    std::map<std::string, std::string> sent_tags(p.tags.begin(), p.tags.end()), got_tags;
    if (auto* t = s.if_contains("tags"))
      for (const auto& [k, v] : t->as_object())
        got_tags[std::string(k)] = std::string(v.as_string());
    EXPECT_EQ(got_tags, sent_tags);

    const auto& columns = s.at("columns").as_array();
    const auto& values = s.at("values").as_array();
    ASSERT_EQ(values.size(), 1u);
    const auto& row = values[0].as_array();
    ASSERT_EQ(columns.size(), p.fields.size() + 1);  // time + the fields
    EXPECT_EQ(row[0].as_int64(),
              std::chrono::duration_cast<std::chrono::milliseconds>(*p.time).count());
    for (const auto& [key, value] : p.fields) {
      std::size_t col = 0;
      while (col < columns.size() && columns[col].as_string() != key) ++col;
      ASSERT_LT(col, columns.size()) << "field " << key << " missing: " << json::serialize(s);
      expect_same(value, row[col], key);
    }
  }
}

TEST(line_protocol_round_trip, influxdb_refuses_what_the_encoder_refuses) {
  // The refusals are not arbitrary: the same text, written by hand, fails or changes meaning.
  test::influxdb_server influx;
  influx.create_database("lp");
  EXPECT_EQ(influx.write("lp", "m,k= f=1 1\n").status, 400);     // empty tag value
  EXPECT_EQ(influx.write("lp", "m,k=a\\ f=1 1\n").status, 400);  // backslash before the space
  EXPECT_EQ(influx.write("lp", "m f=NaN 1\n").status, 400);      // non-finite float
  EXPECT_EQ(influx.write("lp", "#m f=1 1\n").status, 204);       // a comment: nothing stored
  EXPECT_EQ(influx.query("lp", "SHOW MEASUREMENTS").find("#m"), std::string::npos);
}

}  // namespace
}  // namespace campus::history
