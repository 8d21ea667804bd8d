// InfluxQL text for an activity query, and the parsing of InfluxDB's answer to it.
#include <gtest/gtest.h>

#include "history/influx/influxql.hpp"

namespace campus::history {
namespace {

activity_query sample() {
  activity_query q;
  q.from = core::from_epoch_ms(1'800'000);
  q.to = core::from_epoch_ms(10'800'000);
  q.step = core::duration{3'600'000};
  return q;
}

TEST(influxql_activity, statement_counts_unit_by_time_and_device) {
  EXPECT_EQ(activity_statement(sample()),
            "SELECT count(\"unit\") FROM \"reading\" WHERE time >= 1800000ms AND "
            "time < 10800000ms GROUP BY time(3600000ms), \"device\" fill(none)");
  auto q = sample();
  q.devices = {"gas-1", "o'brien"};
  EXPECT_EQ(activity_statement(q),
            "SELECT count(\"unit\") FROM \"reading\" WHERE time >= 1800000ms AND "
            "time < 10800000ms AND (\"device\" = 'gas-1' OR \"device\" = 'o\\'brien') "
            "GROUP BY time(3600000ms), \"device\" fill(none)");
}

TEST(influxql_activity, answer_becomes_devices_sorted_with_buckets_in_time_order) {
  const char* body = R"({"results":[{"statement_id":0,"series":[
    {"name":"reading","tags":{"device":"gas-1"},"columns":["time","count"],
     "values":[[7200000,1],[0,3],[3600000,0]]},
    {"name":"reading","tags":{"device":"door-1"},"columns":["time","count"],
     "values":[[3600000,3]]},
    {"name":"reading","tags":{"device":"silent"},"columns":["time","count"],
     "values":[[3600000,0]]}]}]})";
  auto r = parse_activity_answer(body);
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->size(), 2u) << "a device with only empty buckets is absent";
  EXPECT_EQ((*r)[0].device, "door-1");
  ASSERT_EQ((*r)[0].buckets.size(), 1u);
  EXPECT_EQ(core::to_epoch_ms((*r)[0].buckets[0].start), 3'600'000);
  EXPECT_EQ((*r)[0].buckets[0].readings, 3);
  EXPECT_EQ((*r)[1].device, "gas-1");
  ASSERT_EQ((*r)[1].buckets.size(), 2u) << "an empty bucket is left out";
  EXPECT_EQ(core::to_epoch_ms((*r)[1].buckets[0].start), 0);
  EXPECT_EQ((*r)[1].buckets[0].readings, 3);
  EXPECT_EQ(core::to_epoch_ms((*r)[1].buckets[1].start), 7'200'000);
  EXPECT_EQ((*r)[1].buckets[1].readings, 1);
}

TEST(influxql_activity, no_data_and_missing_database_are_no_activity) {
  auto empty = parse_activity_answer(R"({"results":[{"statement_id":0}]})");
  ASSERT_TRUE(empty) << empty.error();
  EXPECT_TRUE(empty->empty());
  auto missing =
      parse_activity_answer(R"({"results":[{"statement_id":0,"error":"database not found: x"}]})");
  ASSERT_TRUE(missing) << missing.error();
  EXPECT_TRUE(missing->empty());
}

TEST(influxql_activity, errors_come_back_as_messages) {
  auto bad = parse_activity_answer(R"({"error":"error parsing query: found EOF"})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("found EOF"), std::string::npos);
  EXPECT_FALSE(parse_activity_answer("not json"));
  EXPECT_FALSE(parse_activity_answer(R"({"results":[{"statement_id":0,"error":"boom"}]})"));
  EXPECT_FALSE(parse_activity_answer(R"({"results":[]})"));
  EXPECT_FALSE(parse_activity_answer(R"({"results":[{"series":[{"values":[[1,2,3]]}]}]})"));
  EXPECT_FALSE(parse_activity_answer(R"({"results":[{"series":[{"values":[[null,2]]}]}]})"));
}

}  // namespace
}  // namespace campus::history
