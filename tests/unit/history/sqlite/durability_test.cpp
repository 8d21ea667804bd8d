// What the crash journal relies on: a reading stored twice is one row (also in a file made by
// an older build), and when_durable answers only once what came before it is committed.
#include <filesystem>
#include <future>

#include "history/sqlite/sqlite_connection.hpp"
#include "history/sqlite/sqlite_schema.hpp"
#include "store_fixture.hpp"

namespace campus::history::test {
namespace {

class durability_test : public store_fixture {
 protected:
  std::string count(const std::string& where = "1") {
    auto db = sqlite_connection::open(db_path(), sqlite_connection::mode::read_only);
    EXPECT_TRUE(db) << (db ? "" : db.error());
    auto n = db->query_text("SELECT count(*) FROM readings WHERE " + where);
    EXPECT_TRUE(n) << (n ? "" : n.error());
    return n ? *n : "";
  }
};

TEST_F(durability_test, a_reading_stored_twice_is_one_row) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  const auto t = clock_.now() - 1min;
  std::vector<core::reading> first{number("gas-1", "co_ppm", 12, t),
                                   number("gas-1", "co_ppm", 13, t + 1ms),
                                   number("tag-box", "rssi", -60, t, "tag-1"),
                                   number("tag-box", "rssi", -61, t, "tag-2")};
  store->append(first);
  store->flush();
  store->append(first);                                  // a redelivery, a replay
  store->append(std::vector{number("gas-1", "co_ppm", 99, t)});  // same series and instant
  store->flush();
  store->close();
  EXPECT_EQ(count(), "4");
  EXPECT_EQ(count("device = 'gas-1' AND ts = " + std::to_string(core::to_epoch_ms(t)) +
                  " AND num = 12"),
            "1")
      << "the first one stored is kept";
}

TEST_F(durability_test, a_version_1_file_loses_its_duplicates_and_keeps_the_rest) {
  std::filesystem::create_directories(std::filesystem::path(db_path()).parent_path());
  {
    auto db = sqlite_connection::open(db_path(), sqlite_connection::mode::read_write_create);
    ASSERT_TRUE(db) << db.error();
    ASSERT_TRUE(db->exec(R"sql(
      CREATE TABLE readings(ts INTEGER NOT NULL, site TEXT, zone TEXT, device TEXT, metric TEXT,
        subject TEXT NOT NULL DEFAULT '', unit TEXT, num REAL, state TEXT);
      CREATE INDEX readings_by_series ON readings(device, metric, subject, ts);
      CREATE INDEX readings_by_ts ON readings(ts);
      INSERT INTO readings VALUES (1000, 'n', 'l', 'gas-1', 'co_ppm', '', 'ppm', 1, NULL);
      INSERT INTO readings VALUES (1000, 'n', 'l', 'gas-1', 'co_ppm', '', 'ppm', 2, NULL);
      INSERT INTO readings VALUES (1000, 'n', 'l', 'gas-1', 'co_ppm', 'x', 'ppm', 3, NULL);
      INSERT INTO readings VALUES (2000, 'n', 'l', 'gas-1', 'co_ppm', '', 'ppm', 4, NULL);
      PRAGMA user_version = 1;
    )sql")) << "v1 file";
  }
  auto store = open_store(core::duration::zero());
  ASSERT_NE(store, nullptr);
  store->append(std::vector{number("gas-1", "co_ppm", 5, core::from_epoch_ms(2000))});  // stored
  store->flush();
  store->close();
  EXPECT_EQ(count(), "3");
  EXPECT_EQ(count("num = 2"), "0");
  auto db = sqlite_connection::open(db_path(), sqlite_connection::mode::read_only);
  ASSERT_TRUE(db);
  EXPECT_EQ(*db->query_text("PRAGMA user_version"), std::to_string(sqlite_schema_version));
}

TEST_F(durability_test, when_durable_answers_once_what_came_before_is_committed) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  {
    std::promise<void> idle;
    store->when_durable([&] { idle.set_value(); });  // nothing waits: at once
    idle.get_future().get();
  }
  std::vector<core::reading> readings;
  for (int i = 0; i < 3000; ++i)
    readings.push_back(number("gas-1", "co_ppm", i, clock_.now() - 1h + std::chrono::milliseconds{i}));
  store->append(readings);
  std::promise<std::string> seen;
  // Read on another connection when the answer comes: the rows must be there already.
  store->when_durable([&] { seen.set_value(count()); });
  EXPECT_EQ(seen.get_future().get(), "3000");
}

}  // namespace
}  // namespace campus::history::test
