// The monthly report and the ledger agree on an entry's colour: its peak. Five gas leaks raised
// yellow that reached red and fell back to yellow before clearing (the backfill's leaks of issue
// 14) are red in the report's counts, in its entry lists, and to the ledger's severity filter.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "alerts/alert_ledger.hpp"
#include "bureau/monthly_report.hpp"
#include "bureau_fixture.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"

namespace campus::bureau {
namespace {

using namespace std::chrono_literals;
using core::severity;

template <class T, class Start>
alerts::ledger_result<T> wait_for(Start&& start) {
  std::promise<alerts::ledger_result<T>> answer;
  auto result = answer.get_future();
  start([&answer](alerts::ledger_result<T> r) { answer.set_value(std::move(r)); });
  return result.get();
}

TEST(peak_agreement, leaks_that_reached_red_are_red_in_the_report_and_the_filter) {
  const auto d = testing::small_district();
  const auto october = std::chrono::year{2026} / 10;
  const span m = month_span(october, "Asia/Shanghai");
  std::string dir = (std::filesystem::temp_directory_path() / "campus-peak-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  core::manual_clock clock(m.from + 1h);
  core::metrics metrics;
  auto opened = alerts::alert_ledger::open(dir + "/ledger.db", clock, metrics,
                                           [](const rules::alert&) { return std::string("gas_detector"); });
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  auto& ledger = **opened;
  auto apply = [&](rules::alert_event::kind what, const rules::alert& a) {
    return wait_for<alerts::ledger_change>(
        [&](auto done) { ledger.apply(rules::alert_event{what, a}, std::move(done)); });
  };

  for (int i = 0; i < 5; ++i) {
    rules::alert a;
    a.id = "gas-leak/a-gas-1#" + std::to_string(i);
    a.site = "a";
    a.zone = "kitchen";
    a.device = "a-gas-1";
    a.rule = "gas-leak";
    a.subject = std::to_string(i);  // five entries: a re-fire of an open one would be the same
    a.metric = "lel_pct";
    a.raised_at = a.updated_at = m.from + std::chrono::hours(24 * (i + 1));
    a.severity = severity::yellow;
    a.value = 12.0;
    a.threshold = 10.0;
    ASSERT_TRUE(apply(rules::alert_event::kind::raised, a));
    a.updated_at += 20min;
    a.severity = severity::red;
    a.value = 30.0;
    a.threshold = 25.0;
    ASSERT_TRUE(apply(rules::alert_event::kind::updated, a));
    a.updated_at += 20min;
    a.severity = severity::yellow;
    a.value = 15.0;
    a.threshold = 10.0;
    ASSERT_TRUE(apply(rules::alert_event::kind::updated, a));
    a.cond = rules::condition::cleared;
    a.cleared_at = a.updated_at = a.updated_at + 20min;
    a.value = 2.0;
    ASSERT_TRUE(apply(rules::alert_event::kind::cleared, a));
  }

  alerts::ledger_filter red;
  red.severity = severity::red;
  auto page = wait_for<alerts::ledger_page>([&](auto done) { ledger.list(red, std::move(done)); });
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->total, 5);
  for (const auto& e : page->entries) {
    EXPECT_EQ(e.severity, severity::yellow);  // the colour it fell back to
    EXPECT_EQ(std::get<double>(*e.peak_value), 30.0);
  }

  auto slice = wait_for<alerts::ledger_slice>(
      [&](auto done) { ledger.slice({"a"}, m.from, m.to, std::move(done)); });
  ASSERT_TRUE(slice.has_value());
  const auto policy = notify::duty::escalation_policy::seed_default();
  const hourly_activity activity;
  const report_sources in{slice->entries, slice->transitions, activity, policy, m.to + 24h};
  const auto f = school_figures(d, *d.find_site("a"), m, in);
  EXPECT_EQ(f.alerts.red, 5);
  EXPECT_EQ(f.alerts.yellow, 0);
  EXPECT_EQ(f.alerts.total, page->total);
  EXPECT_EQ(f.report_deadline.required, 5);  // each reached red: a one-hour report each

  ledger.stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace campus::bureau
