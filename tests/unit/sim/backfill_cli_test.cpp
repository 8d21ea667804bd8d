// `campus-sim --backfill` as a program: a day of one school into a temporary data directory,
// read back through the store; and the exit status when the store cannot be opened.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>

#include "config/loader.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "history/open_history.hpp"

namespace campus::sim {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct run_result {
  int status = -1;
  std::string output;  // stdout and stderr
};

run_result run_sim(const std::string& args) {
  const std::string command = std::string(CAMPUS_SIM_BINARY) + " --config " + CAMPUS_SOURCE_DIR +
                              "/config/district.yaml " + args + " 2>&1";
  run_result r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buffer[4096];
  while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) r.output.append(buffer, n);
  const int raw = ::pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

fs::path fresh_dir(const std::string& name) {
  const auto p = fs::temp_directory_path() /
                 ("campus-backfill-cli-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

TEST(campus_sim_backfill, a_day_of_one_school_lands_in_the_sqlite_store) {
  const auto dir = fresh_dir("day");
  const auto r = run_sim(
      "--backfill 1d --backfill-step 10m --site xh-primary --seed 5 --data-dir " + dir.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("backfill: 13 devices"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("incident: gas spike"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("backfill done: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("readings/s"), std::string::npos) << r.output;

  auto district = config::load_file(fs::path(CAMPUS_SOURCE_DIR) / "config/district.yaml");
  ASSERT_TRUE(district);
  district->data_dir = dir.string();
  core::metrics metrics;
  const core::system_clock clock;
  auto store = history::open_history(*district, metrics, clock);
  ASSERT_TRUE(store) << store.error();
  history::series_query q;
  // A day of one school has one outage, on any of its devices: count a detector it spared.
  q.device = r.output.find("no readings on xh-kitchen-gas-1") == std::string::npos
                 ? "xh-kitchen-gas-1"
                 : "xh-kitchen-gas-2";
  q.metric = "co_ppm";
  q.from = clock.now() - 48h;
  q.to = clock.now() + 1h;
  q.step = 24h;
  std::promise<history::query_result> answer;
  (*store)->query(q, [&](history::query_result res) { answer.set_value(std::move(res)); });
  const auto got = answer.get_future().get();
  ASSERT_TRUE(got) << got.error();
  std::int64_t count = 0;
  for (const auto& b : got->buckets) count += b.count;
  EXPECT_EQ(count, 24 * 6);  // one sample every 10 minutes for a day, none lost
  (*store)->close();
  fs::remove_all(dir);
}

TEST(campus_sim_backfill, exits_1_naming_the_problem_when_the_store_cannot_be_opened) {
  const auto dir = fresh_dir("blocked");
  // Where the database file should be, a directory: SQLite cannot open it.
  fs::create_directories(dir / "history.db");
  const auto r = run_sim("--backfill 1h --data-dir " + dir.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("cannot open the history store"), std::string::npos) << r.output;
  fs::remove_all(dir);

  // A data directory that cannot be created: its parent is a file.
  const auto file = fresh_dir("file");
  std::ofstream(file.string()) << "not a directory";
  const auto r2 = run_sim("--backfill 1h --data-dir " + (file / "var").string());
  EXPECT_EQ(r2.status, 1) << r2.output;
  EXPECT_NE(r2.output.find("cannot create the data directory"), std::string::npos) << r2.output;
  fs::remove(file);
}

// Two days ago, as a date in Asia/Shanghai (UTC+8, the sample district's time zone).
std::string days_ago(int days) {
  const auto now = std::chrono::system_clock::now() + 8h;
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(now) -
                                        std::chrono::days{days}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

TEST(campus_sim_backfill, backfill_from_a_date_writes_the_ledger_and_refuses_to_write_it_twice) {
  const auto dir = fresh_dir("from");
  const std::string args = "--backfill-from " + days_ago(2) +
                           " --backfill-step 10m --site xh-primary --seed 5 --data-dir " +
                           dir.string();
  const auto r = run_sim(args);
  ASSERT_EQ(r.status, 0) << r.output;
  // From local midnight two days ago: 48 h plus today's part, so more than two days.
  EXPECT_NE(r.output.find("backfill done: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" 16:00:00 UTC"), std::string::npos) << r.output;  // Shanghai midnight
  EXPECT_NE(r.output.find("ledger: " + (dir / "ledger.db").string() + ": "), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("absence rules left out"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" sensor, "), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(dir / "ledger.db"));

  // Again into the same directory: the ledger has entries (the gas spike's at least), so the
  // backfill stops before writing anything.
  const auto again = run_sim(args);
  EXPECT_EQ(again.status, 1) << again.output;
  EXPECT_NE(again.output.find("already holds"), std::string::npos) << again.output;
  EXPECT_EQ(again.output.find("backfill done: "), std::string::npos) << again.output;
  fs::remove_all(dir);
}

TEST(campus_sim_backfill, no_ledger_writes_history_only) {
  const auto dir = fresh_dir("no-ledger");
  const auto r = run_sim(
      "--backfill 6h --backfill-step 10m --site xh-primary --no-ledger "
      "--data-dir " +
      dir.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "history.db"));
  EXPECT_FALSE(fs::exists(dir / "ledger.db"));
  EXPECT_EQ(r.output.find("ledger:"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

TEST(campus_sim_backfill, bad_backfill_arguments_exit_2) {
  const auto r = run_sim("--backfill 500d");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("400d"), std::string::npos) << r.output;
  const auto future = run_sim("--backfill-from 2999-01-01");
  EXPECT_EQ(future.status, 2) << future.output;
  EXPECT_NE(future.output.find("in the past"), std::string::npos) << future.output;
  const auto both = run_sim("--backfill 1d --backfill-from 2026-01-01");
  EXPECT_EQ(both.status, 2) << both.output;
  const auto bad = run_sim("--backfill-from 2026-02-30");
  EXPECT_EQ(bad.status, 2) << bad.output;
  EXPECT_NE(bad.output.find("bad date"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace campus::sim
