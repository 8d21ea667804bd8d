// json_map payloads are built from the device's own options, and read back by the real
// json_map adapter to plausible values.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "adapters/registry.hpp"
#include "sample_district.hpp"
#include "sim/device_model.hpp"

namespace campus::sim {
namespace {

config::site site_with_kitchen() {
  config::site s;
  s.id = "s1";
  s.zones.push_back({"kitchen", "canteen_kitchen", "", ""});
  s.zones.push_back({"yard", "other", "", ""});
  return s;
}

config::device vendor_device(std::string zone, const char* options) {
  config::device d;
  d.id = "vendor-1";
  d.site = "s1";
  d.zone = std::move(zone);
  d.family = "json_map";
  d.options = boost::json::parse(options).as_object();
  return d;
}

TEST(json_map_model, the_sample_options_give_the_sample_shape) {
  const auto d = vendor_device("kitchen", R"({"ts_path":"t","ts_unit":"s","fields":[
      {"path":"d.tmp","metric":"temp_c","type":"number","scale":0.1},
      {"path":"d.hum","metric":"rh_pct"}]})");
  auto model = make_device_model(d, site_with_kitchen(), 1);
  ASSERT_TRUE(model);
  const auto at = core::from_epoch_ms(1763860000123);
  const auto m = model->sample(at, {.weekday = 1, .minute_of_day = 12 * 60}).at(0);
  const auto p = testing::parse_object(m);
  EXPECT_EQ(p.at("t").as_int64(), 1763860000);
  const auto tmp = p.at("d").at("tmp").as_int64();  // tenths of a degree
  EXPECT_GE(tmp, 180);
  EXPECT_LE(tmp, 320);
  EXPECT_EQ(m.topic, "campus/s1/kitchen/vendor-1/telemetry");
}

TEST(json_map_model, arrays_offsets_and_unknown_metrics_read_back_through_the_adapter) {
  const char* options = R"({"ts_path":"meta.time","fields":[
      {"path":"r[1].v","metric":"temp_c","scale":0.5,"offset":-40},
      {"path":"r[0].v","metric":"noise_db"},
      {"path":"state","metric":"mode","type":"state"}]})";
  const auto d = vendor_device("yard", options);
  auto model = make_device_model(d, site_with_kitchen(), 9);
  ASSERT_TRUE(model);
  auto adapter = adapters::builtin_registry().make("json_map", d.options);
  ASSERT_TRUE(adapter) << adapter.error();
  const auto at = core::from_epoch_ms(1763860000123);
  for (int i = 0; i < 200; ++i) {
    const auto m = model->sample(at, {.weekday = 3, .minute_of_day = i * 7.0}).at(0);
    auto readings = (*adapter)->parse(m.payload, {"s1", "yard", "vendor-1", "telemetry", at});
    ASSERT_TRUE(readings) << m.payload << ": " << readings.error().detail;
    ASSERT_EQ(readings->size(), 3u) << m.payload;
    for (const auto& r : *readings) {
      EXPECT_EQ(r.ts, at);  // ms timestamp at meta.time
      if (r.metric == "temp_c") {
        EXPECT_GE(r.number(), 17.5);
        EXPECT_LE(r.number(), 32.5);
      } else if (r.metric == "noise_db") {
        EXPECT_GE(r.number(), 0);
        EXPECT_LE(r.number(), 100);
      } else {
        EXPECT_EQ(r.metric, "mode");
        EXPECT_EQ(r.state(), "normal");
      }
    }
  }
}

}  // namespace
}  // namespace campus::sim
