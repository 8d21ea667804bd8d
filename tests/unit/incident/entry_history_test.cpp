// Reading an entry's escalation back from its transitions, as a restart does.
#include <gtest/gtest.h>

#include "incident/entry_history.hpp"

namespace campus::incident {
namespace {

using namespace std::chrono_literals;
using alerts::ledger_transition;
using alerts::transition_kind;

const core::time_point t0 = core::time_point{} + std::chrono::hours(24 * 20000);

ledger_transition step(core::time_point at, transition_kind what, std::string from = {},
                       std::string to = {}, std::string who = "system") {
  return {0, 17, at, std::move(who), what, std::move(from), std::move(to), {}};
}

alerts::ledger_entry entry(core::severity now) {
  alerts::ledger_entry e;
  e.id = 17;
  e.site = "xh";
  e.severity = now;
  e.raised_at = t0;
  e.updated_at = t0 + 10min;
  return e;
}

TEST(entry_history, record_replays_colour_changes_acknowledgements_and_the_first_report) {
  const auto e = entry(core::severity::red);
  const std::vector<ledger_transition> ts{
      step(t0, transition_kind::raised, {}, "yellow"),
      step(t0 + 1min, transition_kind::notified, "duty_leader", "sms:wang"),
      step(t0 + 2min, transition_kind::acknowledged, "new", "acknowledged", "王芳"),
      step(t0 + 3min, transition_kind::severity_changed, "yellow", "red"),
      step(t0 + 4min, transition_kind::acknowledged, "new", "acknowledged", "王芳"),
      step(t0 + 5min, transition_kind::reported, {}, {}, "王芳"),
      step(t0 + 6min, transition_kind::reported, {}, {}, "刘洋"),
  };
  const auto r = record_of(e, ts);
  EXPECT_EQ(r.alert.id, "A-000017");
  EXPECT_EQ(r.alert.severity, core::severity::yellow);  // raised yellow, not today's red
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].to, core::severity::red);
  EXPECT_EQ(r.changes[0].at, t0 + 3min);
  EXPECT_EQ(r.acknowledged, (std::vector<core::time_point>{t0 + 2min, t0 + 4min}));
  EXPECT_EQ(r.report_at, t0 + 5min);
  EXPECT_EQ(r.report_by, "王芳");
  EXPECT_FALSE(r.cleared_at.has_value());  // the entry is active

  const auto report = report_of(r, t0 + 2h);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->deadline, t0 + 3min + 1h);  // from first reaching red
  EXPECT_FALSE(report->overdue);
  EXPECT_FALSE(report->late);
}

TEST(entry_history, a_colour_the_transitions_do_not_name_is_taken_from_the_entry) {
  // A re-fire that reopened a rectification records handling states, not colours.
  const auto e = entry(core::severity::orange);
  const std::vector<ledger_transition> ts{
      step(t0, transition_kind::raised, {}, "yellow"),
      step(t0 + 9min, transition_kind::refired, "rectified", "acknowledged"),
  };
  const auto r = record_of(e, ts);
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].to, core::severity::orange);
  EXPECT_EQ(r.changes[0].at, e.updated_at);
}

TEST(entry_history, a_restart_after_flapping_escalates_from_the_first_red) {
  // Red at t0, yellow and red in turn every 20 s; the server restarts at +3 min.
  auto e = entry(core::severity::red);
  e.updated_at = t0 + 160s;
  std::vector<ledger_transition> ts{step(t0, transition_kind::raised, {}, "red"),
                                    step(t0, transition_kind::notified, "duty_leader", "sms:a")};
  for (int i = 1; i <= 8; ++i) {
    const bool down = i % 2 == 1;
    ts.push_back(step(t0 + i * 20s, transition_kind::severity_changed, down ? "red" : "yellow",
                      down ? "yellow" : "red"));
  }
  const auto r = record_of(e, ts);
  EXPECT_EQ(r.changes.size(), 8u);

  notify::duty::duty_plan plan;
  plan.site_time_zones["xh"] = "Asia/Shanghai";
  plan.people = {{"boss", "校长", "+8613800000003", {"principal"}, {"xh"}}};
  plan.shifts = {{"xh", "principal", "boss", {1, 2, 3, 4, 5, 6, 7}, 0, 24 * 60}};
  const notify::duty::roster duty(std::move(plan));
  core::manual_clock clock(t0 + 3min);
  notify::duty::escalation_tracker tracker(duty, notify::duty::escalation_policy::seed_default(),
                                           clock);
  tracker.restore({r}, sent_until_of(e, ts));
  ASSERT_TRUE(tracker.next_step("A-000017"));
  EXPECT_EQ(tracker.next_step("A-000017")->at, t0 + 5min);
  EXPECT_TRUE(tracker.on_tick(t0 + 5min - 1ms).empty());
  const auto due = tracker.on_tick(t0 + 5min);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].who.id, "boss");
}

TEST(entry_history, sent_until_is_the_last_message_or_just_before_raising) {
  const auto e = entry(core::severity::red);
  EXPECT_LT(sent_until_of(e, {step(t0, transition_kind::raised, {}, "red")}), t0);
  EXPECT_EQ(sent_until_of(e, {step(t0, transition_kind::raised, {}, "red"),
                              step(t0 + 1s, transition_kind::notified, "duty_leader", "sms:a"),
                              step(t0 + 5min, transition_kind::notified, "principal", "sms:b")}),
            t0 + 5min);
}

TEST(entry_history, no_report_is_due_below_orange_and_an_unreported_one_becomes_overdue) {
  auto e = entry(core::severity::yellow);
  EXPECT_FALSE(report_of(record_of(e, {step(t0, transition_kind::raised, {}, "yellow")}), t0 + 2h)
                   .has_value());
  e.severity = core::severity::orange;
  const auto r = record_of(e, {step(t0, transition_kind::raised, {}, "orange")});
  EXPECT_FALSE(report_of(r, t0 + 59min)->overdue);
  EXPECT_TRUE(report_of(r, t0 + 61min)->overdue);
}

}  // namespace
}  // namespace campus::incident
