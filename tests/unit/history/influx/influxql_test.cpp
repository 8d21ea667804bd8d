// InfluxQL text for a series query, and the parsing of InfluxDB's answers.
#include "history/influx/influxql.hpp"

#include <gtest/gtest.h>

namespace campus::history {
namespace {

series_query sample() {
  series_query q;
  q.device = "gas-1";
  q.metric = "lel_pct";
  q.from = core::from_epoch_ms(60'000);
  q.to = core::from_epoch_ms(300'000);
  q.step = core::duration{60'000};
  return q;
}

TEST(influxql, identifiers_and_strings_are_escaped) {
  EXPECT_EQ(influxql_identifier("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(influxql_string("it's a\\b\nc"), "'it\\'s a\\\\b\\nc'");
}

TEST(influxql, statement_selects_buckets_and_unit) {
  auto q = sample();
  q.device = "o'brien";
  const std::string where =
      "WHERE \"device\" = 'o\\'brien' AND \"metric\" = 'lel_pct' AND \"subject\" = '' AND "
      "time >= 60000ms AND time < 300000ms";
  EXPECT_EQ(series_statement(q),
            "SELECT min(\"value\"), mean(\"value\"), max(\"value\"), count(\"unit\") FROM "
            "\"reading\" " +
                where +
                " GROUP BY time(60000ms) fill(none); "
                "SELECT last(\"unit\") FROM \"reading\" " +
                where);
}

TEST(influxql, answer_becomes_buckets_with_nulls_for_states) {
  const char* body = R"({"results":[
    {"statement_id":0,"series":[{"name":"reading","columns":["time","min","mean","max","count"],
      "values":[[60000,1,2.5,4,4],[180000,null,null,null,2]]}]},
    {"statement_id":1,"series":[{"name":"reading","columns":["time","last"],
      "values":[[60000,"%LEL"]]}]}]})";
  auto r = parse_series_answer(body, sample());
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->device, "gas-1");
  EXPECT_EQ(r->unit, "%LEL");
  ASSERT_EQ(r->buckets.size(), 2u);
  EXPECT_EQ(core::to_epoch_ms(r->buckets[0].start), 60'000);
  EXPECT_EQ(r->buckets[0].min, 1.0);
  EXPECT_EQ(r->buckets[0].mean, 2.5);
  EXPECT_EQ(r->buckets[0].max, 4.0);
  EXPECT_EQ(r->buckets[0].count, 4);
  EXPECT_FALSE(r->buckets[1].min);
  EXPECT_FALSE(r->buckets[1].mean);
  EXPECT_EQ(r->buckets[1].count, 2);
}

TEST(influxql, no_data_and_missing_database_are_empty_series) {
  auto empty =
      parse_series_answer(R"({"results":[{"statement_id":0},{"statement_id":1}]})", sample());
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->buckets.empty());
  EXPECT_EQ(empty->unit, "");
  auto missing = parse_series_answer(
      R"({"results":[{"statement_id":0,"error":"database not found: campus"},
                     {"statement_id":1,"error":"database not found: campus"}]})",
      sample());
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->buckets.empty());
}

TEST(influxql, errors_come_back_as_messages) {
  auto bad = parse_series_answer(R"({"error":"error parsing query: found EOF"})", sample());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("found EOF"), std::string::npos);
  EXPECT_FALSE(parse_series_answer("not json", sample()));
  EXPECT_FALSE(
      parse_series_answer(R"({"results":[{"statement_id":0,"error":"boom"},{}]})", sample()));
  EXPECT_FALSE(parse_series_answer(R"({"results":[]})", sample()));
}

TEST(influxql, percent_encoding) {
  EXPECT_EQ(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(percent_encode("safe-_.~09AZ"), "safe-_.~09AZ");
}

}  // namespace
}  // namespace campus::history
