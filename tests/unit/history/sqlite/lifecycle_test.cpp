// Opening, closing, durability, retention and the store's limits.
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "history/sqlite/sqlite_schema.hpp"
#include "store_fixture.hpp"
#include "support/wait_until.hpp"

namespace campus::history::test {
namespace {

using lifecycle_test = store_fixture;

std::int64_t total_count(const query_result& r) {
  std::int64_t n = 0;
  for (const auto& b : r->buckets) n += b.count;
  return n;
}

TEST_F(lifecycle_test, close_commits_everything_appended_before_it) {
  const auto start = clock_.now() - 1h;
  {
    auto store = open_store();
    ASSERT_NE(store, nullptr);
    std::vector<core::reading> readings;
    for (int i = 0; i < 10'000; ++i) {
      readings.push_back(number("gas-1", "lel_pct", i, start + std::chrono::milliseconds{i}));
    }
    // Several appends and no flush: close() alone must get them all to disk.
    for (std::size_t at = 0; at < readings.size(); at += 1000) {
      store->append(std::span(readings).subspan(at, 1000));
    }
    store->close();
    store->close();  // twice is harmless
  }
  EXPECT_EQ(metric_value("campus_history_points_written_total"), 10'000);
  EXPECT_EQ(metric_value("campus_history_queue_depth"), 0);

  auto reopened = open_store();
  ASSERT_NE(reopened, nullptr);
  auto result = run(*reopened, {"gas-1", "lel_pct", "", start, start + 1h, 1h});
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(total_count(result), 10'000);
  ASSERT_EQ(result->buckets.size(), 1u);
  EXPECT_EQ(result->buckets[0].min, 0.0);
  EXPECT_EQ(result->buckets[0].max, 9999.0);
}

TEST_F(lifecycle_test, retention_deletes_old_readings_and_keeps_new_ones) {
  const auto retention = std::chrono::hours{24};
  const auto cutoff = clock_.now() - retention;
  const auto old_start = clock_.now() - std::chrono::hours{72};
  {
    auto store = open_store(retention);
    ASSERT_NE(store, nullptr);
    std::vector<core::reading> readings;
    // More than one delete chunk of old readings.
    for (int i = 0; i < 12'000; ++i) {
      readings.push_back(number("gas-1", "lel_pct", 1.0, old_start + std::chrono::seconds{i}));
    }
    readings.push_back(number("gas-1", "lel_pct", 2.0, cutoff - 1ms));  // just too old
    readings.push_back(number("gas-1", "lel_pct", 3.0, cutoff));        // just young enough
    for (int i = 0; i < 100; ++i) {
      readings.push_back(number("gas-1", "lel_pct", 4.0, clock_.now() - std::chrono::minutes{i}));
    }
    store->append(readings);
    store->flush();
    // The pass at open found an empty table: everything is there until the next pass.
    auto before = run(*store, {"gas-1", "lel_pct", "", old_start, clock_.now() + 1ms, 1h});
    ASSERT_TRUE(before) << before.error();
    EXPECT_EQ(total_count(before), 12'102);
  }

  // Reopening runs a pass; flush() waits for it.
  auto store = open_store(retention);
  ASSERT_NE(store, nullptr);
  store->flush();
  auto after = run(*store, {"gas-1", "lel_pct", "", old_start, clock_.now() + 1ms, 1h});
  ASSERT_TRUE(after) << after.error();
  EXPECT_EQ(total_count(after), 101);
  ASSERT_FALSE(after->buckets.empty());
  EXPECT_EQ(after->buckets.front().min, 3.0);  // the reading exactly at the cutoff
  store->close();

  // Two days on, nothing is young enough.
  clock_.advance(std::chrono::hours{48});
  store = open_store(retention);
  ASSERT_NE(store, nullptr);
  store->flush();
  auto later = run(*store, {"gas-1", "lel_pct", "", old_start, clock_.now(), 1h});
  ASSERT_TRUE(later) << later.error();
  EXPECT_TRUE(later->buckets.empty());
}

TEST_F(lifecycle_test, a_locked_database_delays_writes_without_losing_them) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  store->flush();  // the retention pass at open is over
  // Another process (here a second connection) holds the write lock.
  auto other = sqlite_connection::open(db_path(), sqlite_connection::mode::read_write_create);
  ASSERT_TRUE(other) << other.error();
  ASSERT_TRUE(other->exec("BEGIN IMMEDIATE"));

  std::vector<core::reading> readings;
  for (int i = 0; i < 500; ++i) {
    readings.push_back(number("gas-1", "lel_pct", i, clock_.now() - std::chrono::seconds{i}));
  }
  store->append(readings);
  // The writer waits out SQLite's busy timeout, fails, counts it, and backs off to retry.
  ASSERT_TRUE(campus::test::wait_until(
      [&] { return metric_value("campus_history_write_errors_total") >= 1; }, 60s));
  ASSERT_TRUE(other->exec("COMMIT"));

  store->flush();
  auto result = run(*store, {"gas-1", "lel_pct", "", clock_.now() - 1h, clock_.now() + 1ms, 1h});
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(total_count(result), 500);
  EXPECT_EQ(metric_value("campus_history_points_written_total"), 500);
  EXPECT_EQ(metric_value("campus_history_dropped_total"), 0);
}

TEST_F(lifecycle_test, a_folder_that_cannot_be_created_is_an_error_naming_the_path) {
  std::ofstream(dir_ / "plain-file") << "not a folder";
  const auto path = (dir_ / "plain-file").string() + "/data/history.db";
  auto store = sqlite_history_store::open(path, 24h, metrics_, clock_);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().find(path), std::string::npos) << store.error();
}

TEST_F(lifecycle_test, a_file_that_is_not_a_database_is_an_error_naming_the_path) {
  const auto path = (dir_ / "garbage.db").string();
  std::ofstream(path) << std::string(4096, 'x');
  auto store = sqlite_history_store::open(path, 24h, metrics_, clock_);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().find(path), std::string::npos) << store.error();
}

TEST_F(lifecycle_test, a_folder_in_place_of_the_file_is_an_error_naming_the_path) {
  const auto path = (dir_ / "a-folder").string();
  std::filesystem::create_directories(path);
  auto store = sqlite_history_store::open(path, 24h, metrics_, clock_);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().find(path), std::string::npos) << store.error();
}

TEST_F(lifecycle_test, past_the_high_water_mark_it_is_behind_and_keeps_every_reading) {
  auto store = open_store(std::chrono::hours{24}, backpressure{100, 40});
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->behind());
  std::vector<core::reading> readings;
  for (int i = 0; i < 250; ++i) {
    readings.push_back(number("gas-1", "lel_pct", i, clock_.now() - std::chrono::seconds{i}));
  }
  store->append(std::span(readings).first(100));  // at the mark, not past it
  store->append(std::span(readings).subspan(100));
  // Behind until the writer has caught up: the caller stops feeding it meanwhile, and nothing
  // is dropped to make room.
  const auto lag = store->lag();
  EXPECT_TRUE(lag.behind || lag.waiting <= 40) << lag.waiting;
  store->flush();
  EXPECT_FALSE(store->behind());
  EXPECT_EQ(store->lag().waiting, 0u);
  EXPECT_EQ(metric_value("campus_history_dropped_total"), 0);
  EXPECT_EQ(metric_value("campus_history_points_written_total"), 250);
  auto result = run(*store, {"gas-1", "lel_pct", "", clock_.now() - 1h, clock_.now() + 1ms, 1h});
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(total_count(result), 250);
}

TEST_F(lifecycle_test, a_write_error_is_reported_until_a_write_succeeds) {
  auto store = open_store(std::chrono::hours{24}, backpressure{100, 40});
  ASSERT_NE(store, nullptr);
  // Another connection holds the write lock: the writer's BEGIN IMMEDIATE fails (busy).
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &other), SQLITE_OK);
  sqlite3_busy_timeout(other, 10'000);  // the writer's retention pass at open may hold it
  // SQLite answers SQLITE_BUSY at once, without its busy handler, while another connection
  // sets up the WAL index: try again until the lock is ours (CTest's timeout bounds it).
  int begun = SQLITE_BUSY;
  while ((begun = sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr)) == SQLITE_BUSY) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(begun, SQLITE_OK);
  std::vector<core::reading> readings;
  for (int i = 0; i < 150; ++i)
    readings.push_back(number("gas-1", "lel_pct", i, clock_.now() - std::chrono::seconds{i}));
  store->append(readings);
  EXPECT_TRUE(store->behind());
  // The writer retries; its first failure shows in lag() (waited for, not timed: CTest's
  // timeout catches a writer that never reports).
  while (store->lag().write_error.empty()) std::this_thread::sleep_for(10ms);
  EXPECT_NE(store->lag().write_error.find(db_path()), std::string::npos)
      << store->lag().write_error;
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  store->flush();
  EXPECT_TRUE(store->lag().write_error.empty());
  EXPECT_FALSE(store->behind());
  EXPECT_EQ(metric_value("campus_history_points_written_total"), 150);
}

TEST_F(lifecycle_test, after_close_appends_are_dropped_and_queries_refused) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  store->close();
  const std::vector<core::reading> readings{number("gas-1", "lel_pct", 1.0, clock_.now())};
  store->append(readings);
  EXPECT_EQ(metric_value("campus_history_dropped_total"), 1);
  auto result = run(*store, {"gas-1", "lel_pct", "", clock_.now() - 1h, clock_.now(), 1h});
  EXPECT_FALSE(result);
}

TEST_F(lifecycle_test, the_schema_version_is_recorded) {
  { ASSERT_NE(open_store(), nullptr); }
  auto db = sqlite_connection::open(db_path(), sqlite_connection::mode::read_only);
  ASSERT_TRUE(db) << db.error();
  auto version = db->query_text("PRAGMA user_version");
  ASSERT_TRUE(version) << version.error();
  EXPECT_EQ(*version, std::to_string(sqlite_schema_version));
}

}  // namespace
}  // namespace campus::history::test
