#include "bureau/monthly_report.hpp"

#include <gtest/gtest.h>

#include "bureau_fixture.hpp"

namespace campus::bureau {
namespace {

using namespace std::chrono_literals;
using alerts::entry_kind;
using alerts::ledger_entry;
using alerts::ledger_transition;
using alerts::transition_kind;
using core::severity;

const auto october = std::chrono::year{2026} / 10;

// A hand-made ledger for October 2026 at school a (UTC+8): F and T are its local midnights.
class october_ledger : public ::testing::Test {
 protected:
  const config::district d = testing::small_district();
  const span m = month_span(october, "Asia/Shanghai");
  const core::time_point F = m.from, T = m.to;
  std::vector<ledger_entry> entries;
  std::map<std::int64_t, std::vector<ledger_transition>> transitions;
  hourly_activity activity;
  const notify::duty::escalation_policy policy = notify::duty::escalation_policy::seed_default();

  ledger_entry& add(std::int64_t id, entry_kind kind, std::string site, std::string family,
                    core::time_point raised, severity colour, severity max) {
    ledger_entry e;
    e.id = id;
    e.kind = kind;
    e.site = std::move(site);
    e.family = std::move(family);
    e.rule_name = "规则" + std::to_string(id);
    e.title = kind == entry_kind::manual ? "隐患" + std::to_string(id) : "";
    e.raised_at = raised;
    e.severity = max;
    e.max_severity = max;
    entries.push_back(e);
    step(id, raised, kind == entry_kind::sensor ? transition_kind::raised : transition_kind::registered,
         std::string(core::to_string(colour)));
    return entries.back();
  }
  void step(std::int64_t id, core::time_point at, transition_kind what, std::string to = {}) {
    transitions[id].push_back({0, id, at, "x", what, {}, std::move(to), {}});
  }
  void ack(std::int64_t id, core::time_point at) {
    step(id, at, transition_kind::acknowledged, "acknowledged");
    entry(id).acknowledged_at = at;
  }
  ledger_entry& entry(std::int64_t id) {
    for (auto& e : entries)
      if (e.id == id) return e;
    throw std::logic_error("no entry");
  }
  std::vector<const config::site*> school(std::string_view id) { return {d.find_site(id)}; }
  std::vector<const config::site*> both() { return {&d.sites[0], &d.sites[1]}; }

  void SetUp() override {
    // 1: red at raising, acknowledged after 2 min, reported after 30 min, closed after 2 h.
    add(1, entry_kind::sensor, "a", "gas_detector", F + 1h, severity::red, severity::red);
    ack(1, F + 1h + 2min);
    step(1, F + 1h + 30min, transition_kind::reported);
    entry(1).closed_at = F + 3h;
    // 2: yellow, orange after 10 min, acknowledged after 40 min (past yellow's 30 min step),
    // reported after 80 min (deadline 70 min: late), still open.
    const auto r2 = F + 48h;
    add(2, entry_kind::sensor, "a", "alarm_input", r2, severity::yellow, severity::orange);
    step(2, r2 + 10min, transition_kind::severity_changed, "orange");
    ack(2, r2 + 40min);
    step(2, r2 + 80min, transition_kind::reported);
    // 3: blue, never handled (blue has no second step: no escalation).
    add(3, entry_kind::sensor, "a", "gas_detector", F + 72h, severity::blue, severity::blue);
    // 4: orange half an hour before the month ends: never acknowledged (escalated at T - 15
    // min), never reported (deadline T + 30 min, past by now: missing).
    add(4, entry_kind::sensor, "a", "gas_detector", T - 30min, severity::orange, severity::orange);
    // 5: a hazard from September, deadline F + 5 d, closed F + 6 d: carried in and overdue.
    add(5, entry_kind::manual, "a", "", F - 240h, severity::yellow, severity::yellow);
    entry(5).deadline = F + 120h;
    entry(5).closed_at = F + 144h;
    // 6: a September hazard closed exactly at F: not carried in.
    add(6, entry_kind::manual, "a", "", F - 120h, severity::yellow, severity::yellow);
    entry(6).closed_at = F;
    // 7: a red hazard registered on the 11th, deadline exactly T (not in [F, T)), open.
    add(7, entry_kind::manual, "a", "", F + 240h, severity::red, severity::red);
    entry(7).deadline = T;
    // 8: school b, acknowledged after 10 min.
    add(8, entry_kind::sensor, "b", "alarm_input", F + 5h, severity::yellow, severity::yellow);
    ack(8, F + 5h + 10min);
    // 9: raised at T: next month.
    add(9, entry_kind::sensor, "a", "gas_detector", T, severity::red, severity::red);

    for (int h = -1; h < 10; ++h) activity["a-gas-1"][F + std::chrono::hours(h)] = 2;
    activity["a-gas-1"][T] = 2;
    for (int h = 0; h < 744; ++h) activity["a-alarm-1"][F + std::chrono::hours(h)] = 1;
  }

  report_sources sources(core::time_point now) {
    return {entries, transitions, activity, policy, now};
  }
};

std::vector<std::int64_t> ids(const std::vector<entry_ref>& refs) {
  std::vector<std::int64_t> out;
  for (const auto& r : refs) out.push_back(r.id);
  return out;
}

TEST_F(october_ledger, every_figure_of_a_complete_month) {
  auto r = build_monthly_report(d, october, school("a"), false, sources(T + 120h));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->partial);
  EXPECT_FALSE(r->district);
  const auto& f = r->figures;
  EXPECT_EQ(f.alerts.total, 4);
  EXPECT_EQ(f.alerts.red, 1);
  EXPECT_EQ(f.alerts.orange, 2);
  EXPECT_EQ(f.alerts.yellow, 0);
  EXPECT_EQ(f.alerts.blue, 1);
  // The cross table, by hand: gas 1 red, 3 blue, 4 orange; alarm 2 orange (9 is November's).
  EXPECT_EQ(f.alerts_by_family, (std::map<std::string, severity_counts>{
                                    {"alarm_input", {0, 0, 1, 0, 1}},
                                    {"gas_detector", {1, 0, 1, 1, 3}}}));
  EXPECT_EQ(f.hazards_registered.total, 1);
  EXPECT_EQ(f.hazards_registered.red, 1);

  EXPECT_EQ(f.acknowledge.count, 2);
  EXPECT_EQ(f.acknowledge.not_done, 2);
  EXPECT_EQ(f.acknowledge.median_s(), 120);   // of [120, 2400]: rank ceil(1.0) = 1
  EXPECT_EQ(f.acknowledge.p90_s(), 2400);     // rank ceil(1.8) = 2
  EXPECT_EQ(f.close.count, 1);
  EXPECT_EQ(f.close.not_done, 4);             // 2, 3, 4, 7
  EXPECT_EQ(f.close.median_s(), 7200);

  EXPECT_EQ(ids(f.escalations), (std::vector<std::int64_t>{2, 4, 7}));
  EXPECT_EQ(f.report_deadline.required, 4);  // 1, 2, 4, 7
  EXPECT_EQ(f.report_deadline.on_time, 1);
  EXPECT_EQ(f.report_deadline.late, 1);
  EXPECT_EQ(f.report_deadline.missing, 2);
  EXPECT_EQ(f.report_deadline.pending, 0);
  EXPECT_EQ(f.report_deadline.breaches(), 3);

  EXPECT_EQ(ids(f.carried_in), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(ids(f.carried_over), (std::vector<std::int64_t>{2, 3, 4, 7}));
  EXPECT_EQ(ids(f.overdue), (std::vector<std::int64_t>{5}));

  ASSERT_EQ(f.devices.size(), 3u);
  EXPECT_EQ(f.devices[0].device, "a-gas-1");
  EXPECT_EQ(f.devices[0].hours, 744);
  EXPECT_EQ(f.devices[0].hours_heard, 10);
  EXPECT_EQ(f.devices[0].readings, 20);
  EXPECT_DOUBLE_EQ(*f.devices[0].availability, 100.0 * 10 / 744);
  EXPECT_EQ(f.devices[1].readings, 0);                  // a device with no readings
  EXPECT_DOUBLE_EQ(*f.devices[1].availability, 0.0);
  EXPECT_DOUBLE_EQ(*f.devices[2].availability, 100.0);
  EXPECT_DOUBLE_EQ(*f.availability, (100.0 * 10 / 744 + 0 + 100) / 3);
  EXPECT_EQ(f.readings_stored, 764);
}

TEST_F(october_ledger, a_partial_month_counts_up_to_now_and_keeps_deadlines_ahead_pending) {
  const auto now = F + 240h + 30min;  // half an hour after hazard 7 was registered red
  std::erase_if(entries, [&](const ledger_entry& e) { return e.raised_at > now; });  // 4 and 9
  auto r = build_monthly_report(d, october, school("a"), false, sources(now));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->partial);
  const auto& f = r->figures;
  EXPECT_EQ(f.report_deadline.pending, 1);  // 7: due at +1 h
  EXPECT_EQ(f.report_deadline.missing, 0);
  EXPECT_EQ(f.report_deadline.on_time + f.report_deadline.late, 2);  // 1 and 2
  EXPECT_EQ(f.devices[2].hours, 241);       // 240 h and a begun hour
  EXPECT_EQ(f.devices[2].hours_heard, 241);
  // 7 escalates only once its red second step (5 min) has passed before now.
  EXPECT_EQ(ids(f.escalations), (std::vector<std::int64_t>{2, 7}));
}

TEST_F(october_ledger, future_month_is_refused_and_district_pools_values) {
  auto future = build_monthly_report(d, std::chrono::year{2026} / 11, both(), true, sources(F + 24h));
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().code, "future_month");

  auto r = build_monthly_report(d, october, both(), true, sources(T + 120h));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->district);
  ASSERT_EQ(r->schools.size(), 2u);
  EXPECT_EQ(r->schools[1].figures.acknowledge.count, 1);
  const auto& f = r->figures;
  EXPECT_EQ(f.alerts.total, 5);
  // b's yellow alarm (8) joins a's row of alarm inputs; the column totals stay the sums.
  EXPECT_EQ(f.alerts_by_family, (std::map<std::string, severity_counts>{
                                    {"alarm_input", {0, 1, 1, 0, 2}},
                                    {"gas_detector", {1, 0, 1, 1, 3}}}));
  EXPECT_EQ(f.alerts, (severity_counts{1, 1, 2, 1, 5}));
  EXPECT_EQ(f.acknowledge.count, 3);
  // pooled [120, 600, 2400]: the median is 600 (not a mean of the schools' medians)
  EXPECT_EQ(f.acknowledge.median_s(), 600);
  EXPECT_EQ(f.acknowledge.p90_s(), 2400);
  EXPECT_EQ(f.devices.size(), 4u);
  EXPECT_DOUBLE_EQ(*f.availability, (100.0 * 10 / 744 + 0 + 100 + 0) / 4);
  EXPECT_EQ(f.readings_stored, 764);
}

TEST_F(october_ledger, no_entries_give_null_percentiles) {
  entries.clear();
  transitions.clear();
  auto r = build_monthly_report(d, october, school("b"), false, sources(T + 1h));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->figures.acknowledge.median_s(), std::nullopt);
  EXPECT_EQ(r->figures.close.p90_s(), std::nullopt);
  EXPECT_EQ(r->figures.alerts.total, 0);
}

}  // namespace
}  // namespace campus::bureau
