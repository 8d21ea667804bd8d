// influx_history_store::activity against a real influxd: readings per device and hour, states
// counted, [from, to) kept, empty hours absent, a device filter.
#include <gtest/gtest.h>

#include <future>
#include <map>

#include "core/clock.hpp"
#include "history/influx/influx_history_store.hpp"
#include "support/influxdb_server.hpp"
#include "support/temp_dir.hpp"
#include "support/wait_until.hpp"

namespace campus::history {
namespace {

using namespace std::chrono_literals;

constexpr const char* database = "campus_test";
constexpr std::int64_t hour = 3'600'000;

// Per device, per bucket start (ms): readings.
using counts = std::map<std::string, std::map<std::int64_t, std::int64_t>>;

counts counts_of(const std::vector<device_activity>& result) {
  counts out;
  for (const auto& d : result)
    for (const auto& b : d.buckets) out[d.device][core::to_epoch_ms(b.start)] = b.readings;
  return out;
}

activity_result run_activity(influx_history_store& store, activity_query q) {
  std::promise<activity_result> p;
  auto f = p.get_future();
  store.activity(std::move(q), [&p](activity_result r) { p.set_value(std::move(r)); });
  return f.get();
}

core::reading number(const std::string& device, const std::string& metric, double v,
                     core::time_point ts, std::string subject = {}) {
  return core::reading{"s1", "lab", device, metric, std::move(subject), v, "%LEL", ts};
}

core::reading state(const std::string& device, const std::string& value, core::time_point ts) {
  return core::reading{"s1", "lab", device, "door", "", value, "", ts};
}

TEST(influx_activity, counts_readings_per_device_and_hour) {
  test::influxdb_server influx;
  influx.create_database(database);
  test::temp_dir spool;
  core::metrics m;
  config::influx_settings s;
  s.url = influx.url();
  s.database = database;
  s.batch_size = 50;
  s.flush_interval = core::duration{50};
  s.timeout = core::duration{2000};
  influx_history_store store(s, spool.path().string(), m);

  // An hour boundary six hours ago: every reading is in the past.
  const std::int64_t h0 = (core::to_epoch_ms(core::system_clock{}.now()) / hour - 6) * hour;
  auto at = [&](std::int64_t hours, std::int64_t minutes) {
    return core::from_epoch_ms(h0 + hours * hour + minutes * 60'000);
  };
  const std::vector<core::reading> rs{
      number("gas-1", "lel_pct", 1, at(0, 29)),           // before from: out
      number("gas-1", "lel_pct", 2, at(0, 30)),           // at from: in
      number("gas-1", "co_ppm", 3, at(0, 45)),            // another metric
      number("gas-1", "lel_pct", 4, at(0, 59), "tag-7"),  // another subject
      number("gas-1", "lel_pct", 5, at(2, 10)),           // hour 1 is empty
      number("gas-1", "lel_pct", 6, at(3, 0)),            // at to: out
      state("door-1", "open", at(1, 5)),                  // states count too
      state("door-1", "closed", at(1, 6)),
      number("door-1", "battery_pct", 80, at(1, 59)),
      number("beacon-1", "rssi", -70, at(3, 30)),  // only after to: absent
  };
  store.append(rs);
  ASSERT_TRUE(test::wait_until(
      [&] {
        return m.get("campus_history_points_written_total").value() ==
               static_cast<std::int64_t>(rs.size());
      },
      30s));

  const auto from = at(0, 30), to = at(3, 0);
  auto all = run_activity(store, {from, to, core::duration{hour}, {}});
  ASSERT_TRUE(all) << all.error();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].device, "door-1");
  EXPECT_EQ((*all)[1].device, "gas-1");
  EXPECT_EQ(counts_of(*all), (counts{
                                 {"door-1", {{h0 + hour, 3}}},
                                 {"gas-1", {{h0, 3}, {h0 + 2 * hour, 1}}},
                             }));

  auto filtered =
      run_activity(store, {at(0, 0), at(4, 0), core::duration{hour}, {"beacon-1", "nobody"}});
  ASSERT_TRUE(filtered) << filtered.error();
  EXPECT_EQ(counts_of(*filtered), (counts{{"beacon-1", {{h0 + 3 * hour, 1}}}}));

  auto gas = run_activity(store, {at(0, 0), at(4, 0), core::duration{hour}, {"gas-1"}});
  ASSERT_TRUE(gas) << gas.error();
  EXPECT_EQ(counts_of(*gas), (counts{{"gas-1", {{h0, 4}, {h0 + 2 * hour, 1}, {h0 + 3 * hour, 1}}}}));

  auto empty = run_activity(store, {to, to, core::duration{hour}, {}});
  ASSERT_TRUE(empty) << empty.error();
  EXPECT_TRUE(empty->empty());
  EXPECT_FALSE(run_activity(store, {from, to, core::duration{0}, {}}));

  store.close();
  EXPECT_FALSE(run_activity(store, {from, to, core::duration{hour}, {}}))
      << "a closed store answers with an error";
}

}  // namespace
}  // namespace campus::history
