// A fresh SQLite history store in a temporary folder, a manual clock, and a blocking query.
#pragma once

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "history/sqlite/sqlite_history_store.hpp"
#include "support/temp_dir.hpp"

namespace campus::history::test {

using namespace std::chrono_literals;

class store_fixture : public ::testing::Test {
 protected:
  // In a folder that does not exist yet: open() must create it.
  std::string db_path() const { return (dir_ / "data").string() + "/history.db"; }

  std::unique_ptr<sqlite_history_store> open_store(
      core::duration retention = std::chrono::hours{24 * 400},
      backpressure marks = {}) {
    auto store = sqlite_history_store::open(db_path(), retention, metrics_, clock_, marks);
    if (!store) {
      ADD_FAILURE() << store.error();
      return nullptr;
    }
    return std::move(*store);
  }

  // Blocks until the store answers; a hang is caught by the CTest timeout, not by a timer here.
  static query_result run(history_store& store, series_query q) {
    std::promise<query_result> answer;
    auto future = answer.get_future();
    store.query(std::move(q), [&answer](query_result r) { answer.set_value(std::move(r)); });
    return future.get();
  }

  static activity_result run(history_store& store, activity_query q) {
    std::promise<activity_result> answer;
    auto future = answer.get_future();
    store.activity(std::move(q), [&answer](activity_result r) { answer.set_value(std::move(r)); });
    return future.get();
  }

  static core::reading number(std::string device, std::string metric, double value,
                              core::time_point ts, std::string subject = {},
                              std::string unit = "ppm") {
    return core::reading{
        "north",         "lab-1", std::move(device), std::move(metric), std::move(subject), value,
        std::move(unit), ts};
  }

  static core::reading state(std::string device, std::string metric, std::string value,
                             core::time_point ts) {
    return core::reading{
        "north", "lab-1", std::move(device), std::move(metric), {}, std::move(value), {}, ts};
  }

  std::int64_t metric_value(const std::string& name) { return metrics_.get(name).value(); }

  campus::test::temp_dir dir_{"campus-sqlite-"};
  core::metrics metrics_;
  core::manual_clock clock_{core::from_epoch_ms(1'763'860'000'000)};
};

}  // namespace campus::history::test
