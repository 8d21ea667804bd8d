// The JSON and CSV shapes of GET /api/history.
#include "net/history_response.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

namespace campus::net {
namespace {

constexpr std::int64_t nov1 = 1793491200000;  // 2026-11-01T00:00:00Z

history::series_query query(std::string metric = "lel_pct") {
  history::series_query q;
  q.device = "s1-gas";
  q.metric = std::move(metric);
  q.from = core::from_epoch_ms(nov1);
  q.to = core::from_epoch_ms(nov1 + 3'600'000);
  q.step = std::chrono::minutes(5);
  return q;
}

history::series gas_series() {
  history::series s{"s1-gas", "lel_pct", "", "%LEL", {}};
  s.buckets.push_back({core::from_epoch_ms(nov1), 1.5, 2.25, 3.0, 4});
  s.buckets.push_back({core::from_epoch_ms(nov1 + 600'000), 12.0, 12.0, 12.0, 1});
  return s;
}

TEST(history_response, json_gives_the_query_the_unit_and_one_point_per_bucket) {
  const auto j = history_response::json(query(), gas_series());
  EXPECT_EQ(boost::json::serialize(j),
            R"({"device":"s1-gas","metric":"lel_pct","subject":"","unit":"%LEL",)"
            R"("from":1793491200000,"to":1793494800000,"step":300000,"points":[)"
            R"({"t":1793491200000,"min":1.5E0,"mean":2.25E0,"max":3E0,"count":4},)"
            R"({"t":1793491800000,"min":1.2E1,"mean":1.2E1,"max":1.2E1,"count":1}]})");
}

TEST(history_response, states_have_null_min_mean_max_in_json_and_empty_cells_in_csv) {
  history::series doors{"s1-gas", "door", "", "", {}};
  doors.buckets.push_back({core::from_epoch_ms(nov1), std::nullopt, std::nullopt, std::nullopt, 3});
  const auto j = history_response::json(query("door"), doors);
  const auto& p = j.at("points").at(0);
  EXPECT_TRUE(p.at("min").is_null());
  EXPECT_TRUE(p.at("mean").is_null());
  EXPECT_TRUE(p.at("max").is_null());
  EXPECT_EQ(p.at("count").as_int64(), 3);
  EXPECT_EQ(history_response::csv(doors),
            "time,min,mean,max,count\r\n2026-11-01T00:00:00Z,,,,3\r\n");
}

TEST(history_response, csv_has_a_header_and_iso_times) {
  EXPECT_EQ(history_response::csv(gas_series()),
            "time,min,mean,max,count\r\n"
            "2026-11-01T00:00:00Z,1.5,2.25,3,4\r\n"
            "2026-11-01T00:10:00Z,12,12,12,1\r\n");
  EXPECT_EQ(history_response::csv(history::series{}), "time,min,mean,max,count\r\n");
}

TEST(history_response, the_csv_file_name_holds_device_metric_and_range_and_nothing_unsafe) {
  EXPECT_EQ(history_response::csv_filename(query()),
            "s1-gas_lel_pct_20261101T000000Z_20261101T010000Z.csv");
  EXPECT_EQ(history_response::csv_filename(query("a\"b/c\r\nd")),
            "s1-gas_a_b_c__d_20261101T000000Z_20261101T010000Z.csv");
}

}  // namespace
}  // namespace campus::net
