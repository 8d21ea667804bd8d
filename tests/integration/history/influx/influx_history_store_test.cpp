// The InfluxDB history store against a real influxd: an outage in the middle of a stream, a
// restart with data spooled, queries over known data, gzip on and off, points InfluxDB refuses.
#include "history/influx/influx_history_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <future>
#include <thread>

#include "core/clock.hpp"
#include "support/influxdb_server.hpp"
#include "support/temp_dir.hpp"
#include "support/wait_until.hpp"

namespace campus::history {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* database = "campus_test";

config::influx_settings settings_for(const test::influxdb_server& influx, bool gzip = false) {
  config::influx_settings s;
  s.url = influx.url();
  s.database = database;
  s.batch_size = 50;
  s.flush_interval = core::duration{50};
  s.timeout = core::duration{2000};
  s.gzip = gzip;
  return s;
}

// A minute boundary two hours ago: readings are recent but never in the future.
core::time_point base_time() {
  auto now = core::to_epoch_ms(core::system_clock{}.now());
  return core::from_epoch_ms((now - 2 * 3'600'000) / 60'000 * 60'000);
}

core::reading number(const std::string& device, double v, core::time_point ts,
                     std::string metric = "lel_pct", std::string subject = {}) {
  return core::reading{"s1", "lab", device, std::move(metric), std::move(subject), v, "%LEL", ts};
}

std::int64_t metric(core::metrics& m, const std::string& name) { return m.get(name).value(); }

// Per device: the values in time order, and the timestamps, as InfluxDB holds them.
struct stored {
  std::vector<double> values;
  std::vector<std::int64_t> times;
};

stored stored_values(test::influxdb_server& influx, const std::string& device) {
  auto answer = json::parse(influx.query(
      database, "SELECT \"value\" FROM \"reading\" WHERE \"device\" = '" + device + "'"));
  stored out;
  const auto& result = answer.at("results").at(0).as_object();
  if (!result.contains("series")) return out;
  for (const auto& row : result.at("series").at(0).at("values").as_array()) {
    out.times.push_back(row.at(0).as_int64());
    out.values.push_back(row.at(1).to_number<double>());
  }
  return out;
}

// Checks that device `device` holds exactly the values 1..n, once each, in time order.
void expect_exactly_once_in_order(test::influxdb_server& influx, const std::string& device, int n) {
  SCOPED_TRACE(device);
  auto s = stored_values(influx, device);
  ASSERT_EQ(s.values.size(), static_cast<std::size_t>(n));
  double sum = 0;
  for (double v : s.values) sum += v;
  EXPECT_EQ(sum, n * (n + 1) / 2.0);
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    EXPECT_EQ(s.values[i], static_cast<double>(i + 1)) << "at " << i;
    if (i > 0) {
      EXPECT_GT(s.times[i], s.times[i - 1]) << "at " << i;
    }
    if (::testing::Test::HasFailure()) break;
  }
}

query_result run_query(influx_history_store& store, series_query q) {
  std::promise<query_result> p;
  auto f = p.get_future();
  store.query(std::move(q), [&p](query_result r) { p.set_value(std::move(r)); });
  return f.get();
}

TEST(influx_history_store, outage_in_the_middle_loses_nothing_and_keeps_order) {
  test::influxdb_server influx;
  influx.create_database(database);
  test::temp_dir spool;
  core::metrics m;
  influx_history_store store(settings_for(influx), spool.path().string(), m);

  constexpr int devices = 4, per_device = 3000;
  const auto t0 = base_time();
  std::atomic<int> produced{0};
  std::thread producer([&] {
    for (int i = 0; i < per_device; ++i) {
      std::vector<core::reading> batch;
      for (int d = 0; d < devices; ++d)
        batch.push_back(number("dev-" + std::to_string(d), i + 1, t0 + core::duration{i * 10}));
      store.append(batch);
      produced = i + 1;
      std::this_thread::sleep_for(1ms);  // paces the stream over a few seconds, not a timing check
    }
  });

  ASSERT_TRUE(test::wait_until([&] { return produced >= per_device / 4; }, 60s));
  influx.stop();
  ASSERT_TRUE(test::wait_until([&] { return produced >= per_device / 2; }, 60s));
  // The outage is reported (what /readyz says), but the spool has room: not behind.
  ASSERT_TRUE(test::wait_until([&] { return !store.lag().write_error.empty(); }, 60s));
  EXPECT_NE(store.lag().write_error.find("InfluxDB at"), std::string::npos)
      << store.lag().write_error;
  EXPECT_FALSE(store.behind());
  influx.start();
  producer.join();

  // The spool drains by itself once the database is back (backoff is at most 4 s).
  ASSERT_TRUE(test::wait_until(
      [&] {
        return metric(m, "campus_history_spooled_bytes") == 0 &&
               metric(m, "campus_history_points_written_total") >= devices * per_device;
      },
      120s));
  EXPECT_TRUE(store.lag().write_error.empty()) << store.lag().write_error;
  EXPECT_EQ(store.lag().waiting, 0u);
  store.close();

  EXPECT_GT(metric(m, "campus_history_write_errors_total"), 0) << "the outage was not noticed";
  EXPECT_EQ(metric(m, "campus_history_points_rejected_total"), 0);
  EXPECT_EQ(metric(m, "campus_history_queue_depth"), 0);
  EXPECT_EQ(metric(m, "campus_history_spool_dropped_bytes_total"), 0);
  for (int d = 0; d < devices; ++d)
    expect_exactly_once_in_order(influx, "dev-" + std::to_string(d), per_device);
}

TEST(influx_history_store, spooled_readings_drain_after_a_restart) {
  test::influxdb_server influx;  // no database yet: the store creates it
  influx.stop();
  test::temp_dir spool;
  constexpr int devices = 4, per_device = 500;
  const auto t0 = base_time();
  {
    core::metrics m;
    influx_history_store store(settings_for(influx), spool.path().string(), m);
    for (int i = 0; i < per_device; ++i)
      for (int d = 0; d < devices; ++d) {
        core::reading r = number("dev-" + std::to_string(d), i + 1, t0 + core::duration{i * 1000});
        store.append(std::span(&r, 1));
      }
    store.close();  // the database is away: everything goes to the spool
    EXPECT_GT(metric(m, "campus_history_spooled_bytes"), 0);
    EXPECT_EQ(metric(m, "campus_history_points_written_total"), 0);
    EXPECT_EQ(metric(m, "campus_history_queue_depth"), 0);
  }

  influx.start();
  core::metrics m;
  influx_history_store store(settings_for(influx), spool.path().string(), m);
  ASSERT_TRUE(test::wait_until(
      [&] {
        return metric(m, "campus_history_spooled_bytes") == 0 &&
               metric(m, "campus_history_points_written_total") == devices * per_device;
      },
      60s));
  store.close();
  for (int d = 0; d < devices; ++d)
    expect_exactly_once_in_order(influx, "dev-" + std::to_string(d), per_device);
  // The drained spool leaves no segment behind.
  for (const auto& e : std::filesystem::directory_iterator(spool.path()))
    EXPECT_NE(e.path().extension(), ".spool") << e.path();
}

TEST(influx_history_store, query_returns_buckets_of_known_data) {
  test::influxdb_server influx;
  influx.create_database(database);
  test::temp_dir spool;
  core::metrics m;
  influx_history_store store(settings_for(influx), spool.path().string(), m);
  const auto t0 = base_time();
  auto at = [&](int seconds) { return t0 + core::duration{seconds * 1000}; };
  std::vector<core::reading> rs{
      number("gas-1", 1, at(0)),
      number("gas-1", 2, at(10)),
      number("gas-1", 6, at(59)),
      number("gas-1", 10, at(125)),                    // third minute; the second is empty
      number("gas-1", 99, at(300)),                    // at `to`: excluded
      number("gas-1", 50, at(5), "lel_pct", "tag-7"),  // another subject
      number("gas-2", 70, at(5)),                      // another device
  };
  core::reading door{"s1", "lab", "gas-1", "door", "", std::string{"open"}, "", at(1)};
  core::reading door2 = door;
  door2.value = std::string{"closed"};
  door2.ts = at(2);
  rs.push_back(door);
  rs.push_back(door2);
  store.append(rs);
  ASSERT_TRUE(test::wait_until(
      [&] { return metric(m, "campus_history_points_written_total") == std::int64_t(rs.size()); },
      30s));

  series_query q{"gas-1", "lel_pct", "", t0, at(300), core::duration{60'000}};
  auto r = run_query(store, q);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->unit, "%LEL");
  ASSERT_EQ(r->buckets.size(), 2u);
  EXPECT_EQ(r->buckets[0].start, t0);
  EXPECT_EQ(r->buckets[0].count, 3);
  EXPECT_EQ(r->buckets[0].min, 1.0);
  EXPECT_EQ(r->buckets[0].mean, 3.0);
  EXPECT_EQ(r->buckets[0].max, 6.0);
  EXPECT_EQ(r->buckets[1].start, at(120));
  EXPECT_EQ(r->buckets[1].count, 1);
  EXPECT_EQ(r->buckets[1].mean, 10.0);

  auto tagged =
      run_query(store, {"gas-1", "lel_pct", "tag-7", t0, at(300), core::duration{60'000}});
  ASSERT_TRUE(tagged) << tagged.error();
  ASSERT_EQ(tagged->buckets.size(), 1u);
  EXPECT_EQ(tagged->buckets[0].max, 50.0);

  auto states = run_query(store, {"gas-1", "door", "", t0, at(300), core::duration{60'000}});
  ASSERT_TRUE(states) << states.error();
  ASSERT_EQ(states->buckets.size(), 1u);
  EXPECT_EQ(states->buckets[0].count, 2) << "states are counted";
  EXPECT_FALSE(states->buckets[0].min);
  EXPECT_EQ(states->unit, "");

  auto none = run_query(store, {"nobody's", "x\\y\"z", "", t0, at(300), core::duration{60'000}});
  ASSERT_TRUE(none) << none.error();
  EXPECT_TRUE(none->buckets.empty());
  store.close();
  EXPECT_FALSE(run_query(store, q)) << "a closed store answers with an error";
}

TEST(influx_history_store, gzip_on_and_off_are_both_accepted) {
  test::influxdb_server influx;
  influx.create_database(database);
  const auto t0 = base_time();
  for (bool gzip : {false, true}) {
    SCOPED_TRACE(gzip ? "gzip" : "plain");
    const std::string device = gzip ? "gz" : "plain";
    test::temp_dir spool;
    core::metrics m;
    influx_history_store store(settings_for(influx, gzip), spool.path().string(), m);
    std::vector<core::reading> rs;
    for (int i = 0; i < 120; ++i) rs.push_back(number(device, i + 1, t0 + core::duration{i}));
    store.append(rs);
    store.close();  // the database answers: close() sends what is in memory
    EXPECT_EQ(metric(m, "campus_history_points_written_total"), 120);
    EXPECT_EQ(metric(m, "campus_history_spooled_bytes"), 0);
    expect_exactly_once_in_order(influx, device, 120);
  }
}

TEST(influx_history_store, refused_points_are_counted_and_the_rest_written) {
  test::influxdb_server influx;
  influx.create_database(database);
  const auto t0 = base_time();
  // A month earlier lies in another shard, where `value` is made a string: a float `value`
  // there is a type conflict (HTTP 400, partial write), the points at t0 are fine.
  const auto old = t0 - std::chrono::hours{24 * 30};
  auto pre = influx.write(database, "reading,device=typed value=\"text\",unit=\"\" " +
                                        std::to_string(core::to_epoch_ms(old)) + "\n");
  ASSERT_EQ(pre.status, 204) << pre.body;

  test::temp_dir spool;
  core::metrics m;
  influx_history_store store(settings_for(influx), spool.path().string(), m);
  std::vector<core::reading> rs;
  for (int i = 0; i < 10; ++i) rs.push_back(number("good", i + 1, t0 + core::duration{i + 1}));
  rs.push_back(number("typed", 1, old + core::duration{100}));
  rs.push_back(number("bad", std::nan(""), t0 + core::duration{101}));  // refused by the encoder
  store.append(rs);
  store.close();
  EXPECT_EQ(metric(m, "campus_history_points_rejected_total"), 2);
  EXPECT_EQ(metric(m, "campus_history_points_written_total"), 10);
  EXPECT_EQ(metric(m, "campus_history_spooled_bytes"), 0) << "a bad point is not retried";
  expect_exactly_once_in_order(influx, "good", 10);
}

// What the crash journal relies on (docs/reliability.md, "Crash (kill -9)"): when_durable
// answers once what was appended before it is written, or spooled while the database is away;
// and a reading written twice (a journal replay, a QoS 1 redelivery) is one point.
TEST(influx_history_store, when_durable_answers_once_written_or_spooled_and_a_rewrite_is_one_point) {
  test::influxdb_server influx;
  influx.create_database(database);
  test::temp_dir spool;
  core::metrics m;
  influx_history_store store(settings_for(influx), spool.path().string(), m);
  const auto t0 = base_time();
  auto readings = [&](int from, int to) {
    std::vector<core::reading> out;
    for (int i = from; i <= to; ++i) out.push_back(number("dev-j", i, t0 + core::duration{i * 10}));
    return out;
  };
  auto durable = [&] {
    std::promise<void> p;
    store.when_durable([&p] { p.set_value(); });
    p.get_future().get();  // a hang is caught by the CTest timeout
  };

  store.append(readings(1, 200));
  durable();
  EXPECT_EQ(stored_values(influx, "dev-j").values.size(), 200u) << "answered before written";

  influx.stop();
  store.append(readings(201, 300));
  durable();
  EXPECT_GT(metric(m, "campus_history_spooled_bytes"), 0) << "answered before spooled";
  EXPECT_EQ(metric(m, "campus_history_points_written_total"), 200);

  influx.start();
  ASSERT_TRUE(test::wait_until([&] { return metric(m, "campus_history_spooled_bytes") == 0; }, 60s));
  store.append(readings(1, 200));  // the same points again
  durable();
  store.close();
  expect_exactly_once_in_order(influx, "dev-j", 300);
}

}  // namespace
}  // namespace campus::history
