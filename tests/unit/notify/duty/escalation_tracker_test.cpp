#include "notify/duty/escalation_tracker.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "duty_builders.hpp"

namespace campus::notify::duty {
namespace {

using namespace testing;
using namespace std::chrono_literals;
using core::severity;

duty_plan always_staffed() {
  duty_plan p;
  p.site_time_zones["xh"] = "Asia/Shanghai";
  p.people = {someone("leader", {"duty_leader"}, {"xh"}),
              someone("safety", {"safety_director"}, {"xh"}),
              someone("boss", {"principal"}, {"xh"}),
              someone("bureau", {"bureau_duty_officer"}, {})};
  const std::vector<int> every_day{1, 2, 3, 4, 5, 6, 7};
  p.shifts = {shift("xh", "duty_leader", "leader", every_day, 0, minute(24)),
              shift("xh", "safety_director", "safety", every_day, 0, minute(24)),
              shift("xh", "principal", "boss", every_day, 0, minute(24)),
              shift("", "bureau_duty_officer", "bureau", every_day, 0, minute(24))};
  return p;
}

// "person/channel" for each notification, in order; "-/dashboard" for the site dashboard and
// "role?/channel" when nobody is on duty for the role.
std::vector<std::string> told(const std::vector<notification>& ns) {
  std::vector<std::string> out;
  for (const auto& n : ns) {
    const std::string who = n.nobody_on_duty() ? n.role + "?" : n.who.id.empty() ? "-" : n.who.id;
    out.push_back(who + "/" + std::string(to_string(n.via)));
  }
  return out;
}

using strings = std::vector<std::string>;

class escalation_tracker_test : public ::testing::Test {
 protected:
  const core::time_point t0 = shanghai("2026-11-20 10:00");
  core::manual_clock clock{t0};
  roster duty{always_staffed()};
  escalation_tracker tracker{duty, escalation_policy::seed_default(), clock};

  alert_ref alert(severity s, std::string id = "gas-leak/xh-kitchen-gas-1#1") {
    return {std::move(id), "xh", s, clock.now()};
  }
};

TEST_F(escalation_tracker_test, red_tells_step_zero_at_once_and_the_principal_after_five_minutes) {
  const auto first = tracker.start(alert(severity::red));
  EXPECT_EQ(told(first), (strings{"leader/sms", "leader/dashboard", "safety/sms",
                                  "safety/dashboard", "bureau/sms", "bureau/dashboard"}));
  EXPECT_TRUE(std::all_of(first.begin(), first.end(),
                          [&](const notification& n) { return n.step == 0 && n.at == t0; }));
  const auto next = tracker.next_step("gas-leak/xh-kitchen-gas-1#1");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->step, 1u);
  EXPECT_EQ(next->at, t0 + 5min);
  EXPECT_EQ(next->roles, strings{"principal"});

  EXPECT_TRUE(tracker.on_tick(t0 + 5min - 1ms).empty());
  const auto second = tracker.on_tick(t0 + 5min);
  EXPECT_EQ(told(second), strings{"boss/sms"});
  EXPECT_EQ(second.front().step, 1u);
  EXPECT_TRUE(tracker.on_tick(t0 + 2h).empty());  // the policy has no further step
  EXPECT_FALSE(tracker.next_step("gas-leak/xh-kitchen-gas-1#1"));
  EXPECT_EQ(tracker.told("gas-leak/xh-kitchen-gas-1#1").size(), 7u);
}

TEST_F(escalation_tracker_test, acknowledgement_stops_further_steps) {
  tracker.start(alert(severity::red));
  clock.advance(3min);
  EXPECT_TRUE(tracker.acknowledge("gas-leak/xh-kitchen-gas-1#1"));
  EXPECT_TRUE(tracker.on_tick(t0 + 5min).empty());
  EXPECT_TRUE(tracker.on_tick(t0 + 1h).empty());
  EXPECT_FALSE(tracker.next_step("gas-leak/xh-kitchen-gas-1#1"));
  EXPECT_FALSE(tracker.acknowledge("no-such-alert"));
}

TEST_F(escalation_tracker_test, orange_and_red_reach_the_bureau_at_once) {
  for (severity s : {severity::orange, severity::red}) {
    const auto now = tracker.start(alert(s, std::string(to_string(s))));
    const bool bureau_sms = std::any_of(now.begin(), now.end(), [](const notification& n) {
      return n.who.id == "bureau" && n.via == channel::sms && n.step == 0;
    });
    EXPECT_TRUE(bureau_sms) << to_string(s);
  }
  const auto yellow = tracker.start(alert(severity::yellow, "yellow"));
  EXPECT_EQ(told(yellow), strings{"leader/dashboard"});
  const auto blue = tracker.start(alert(severity::blue, "blue"));
  EXPECT_EQ(told(blue), strings{"-/dashboard"});
}

TEST_F(escalation_tracker_test, a_cleared_but_unacknowledged_alert_keeps_escalating) {
  tracker.start(alert(severity::yellow));
  clock.advance(1min);
  EXPECT_TRUE(tracker.cleared("gas-leak/xh-kitchen-gas-1#1"));
  EXPECT_EQ(told(tracker.on_tick(t0 + 30min)), strings{"leader/sms"});
}

TEST_F(escalation_tracker_test, rise_to_red_tells_red_step_zero_at_once_without_repeating) {
  tracker.start(alert(severity::yellow));  // leader told on the dashboard
  clock.advance(10min);
  const auto now = tracker.severity_changed("gas-leak/xh-kitchen-gas-1#1", severity::red);
  // leader was told on the dashboard already: only by sms now.
  EXPECT_EQ(told(now), (strings{"leader/sms", "safety/sms", "safety/dashboard", "bureau/sms",
                                "bureau/dashboard"}));
  EXPECT_TRUE(std::all_of(now.begin(), now.end(), [](const notification& n) {
    return n.severity == severity::red && n.step == 0;
  }));
  // The red policy runs from the change: the principal at +10m + 5m; yellow's 30m sms never.
  EXPECT_TRUE(tracker.on_tick(t0 + 15min - 1ms).empty());
  EXPECT_EQ(told(tracker.on_tick(t0 + 15min)), strings{"boss/sms"});
  EXPECT_TRUE(tracker.on_tick(t0 + 40min).empty());
  // The report is due an hour after it became red.
  EXPECT_EQ(tracker.report_deadline("gas-leak/xh-kitchen-gas-1#1"), t0 + 10min + 1h);
  EXPECT_TRUE(tracker.severity_changed("gas-leak/xh-kitchen-gas-1#1", severity::red).empty());
}

TEST_F(escalation_tracker_test, a_rise_reopens_an_acknowledged_alert_and_a_fall_does_not) {
  tracker.start(alert(severity::yellow));
  clock.advance(2min);
  tracker.acknowledge("gas-leak/xh-kitchen-gas-1#1");
  clock.advance(1min);
  EXPECT_TRUE(tracker.severity_changed("gas-leak/xh-kitchen-gas-1#1", severity::blue).empty());
  EXPECT_FALSE(tracker.next_step("gas-leak/xh-kitchen-gas-1#1"));
  clock.advance(1min);
  const auto now = tracker.severity_changed("gas-leak/xh-kitchen-gas-1#1", severity::orange);
  EXPECT_EQ(told(now), (strings{"leader/sms", "bureau/sms", "bureau/dashboard"}));
  ASSERT_TRUE(tracker.next_step("gas-leak/xh-kitchen-gas-1#1"));
  EXPECT_EQ(tracker.next_step("gas-leak/xh-kitchen-gas-1#1")->at, t0 + 4min + 15min);
}

// Flapping across colours: the escalation runs from the first time each colour was reached.
TEST_F(escalation_tracker_test, red_yellow_red_reaches_the_principal_five_minutes_after_the_first_red) {
  const std::string id = "gas-leak/xh-kitchen-gas-1#1";
  tracker.start(alert(severity::red));  // 10:00
  clock.advance(1min);
  EXPECT_TRUE(tracker.severity_changed(id, severity::yellow).empty());  // 10:01
  ASSERT_TRUE(tracker.next_step(id));
  EXPECT_EQ(tracker.next_step(id)->severity, severity::red);
  EXPECT_EQ(tracker.next_step(id)->at, t0 + 5min);
  clock.advance(1min);
  EXPECT_TRUE(tracker.severity_changed(id, severity::red).empty());  // 10:02: step 0 was sent
  EXPECT_EQ(tracker.next_step(id)->at, t0 + 5min);
  EXPECT_TRUE(tracker.on_tick(t0 + 5min - 1ms).empty());
  const auto principal = tracker.on_tick(t0 + 5min);
  EXPECT_EQ(told(principal), strings{"boss/sms"});
  EXPECT_EQ(principal.front().severity, severity::red);
  EXPECT_EQ(tracker.report_deadline(id), t0 + 1h);  // from the first red as well
}

TEST_F(escalation_tracker_test, a_sensor_that_keeps_dipping_still_reaches_the_principal_once) {
  const std::string id = "gas-leak/xh-kitchen-gas-1#1";
  tracker.start(alert(severity::red));
  std::vector<notification> later;
  // Red and yellow in turn every 20 s for 20 minutes, ticking every second.
  for (int s = 1; s <= 20 * 60; ++s) {
    clock.advance(1s);
    if (s % 20 == 0) {
      const auto now = tracker.severity_changed(id, (s / 20) % 2 ? severity::yellow : severity::red);
      later.insert(later.end(), now.begin(), now.end());
    }
    const auto due = tracker.on_tick(clock.now());
    later.insert(later.end(), due.begin(), due.end());
  }
  ASSERT_EQ(told(later), strings{"boss/sms"});  // no step repeated, none of yellow's
  EXPECT_EQ(later.front().at, t0 + 5min);
}

TEST_F(escalation_tracker_test, a_red_that_falls_to_yellow_still_escalates_as_red) {
  // As a red that cleared does: nobody acknowledged the emergency.
  const std::string id = "gas-leak/xh-kitchen-gas-1#1";
  tracker.start(alert(severity::red));
  clock.advance(1min);
  tracker.severity_changed(id, severity::yellow);
  EXPECT_EQ(told(tracker.on_tick(t0 + 5min)), strings{"boss/sms"});
  EXPECT_TRUE(tracker.on_tick(t0 + 2h).empty());  // yellow's 30 m step was superseded by red
}

TEST_F(escalation_tracker_test, an_acknowledgement_covers_every_colour_reached_before_it) {
  const std::string id = "gas-leak/xh-kitchen-gas-1#1";
  tracker.start(alert(severity::yellow));
  clock.advance(1min);
  EXPECT_FALSE(tracker.severity_changed(id, severity::red).empty());  // red step 0
  clock.advance(1min);
  ASSERT_TRUE(tracker.acknowledge(id));
  for (int i = 0; i < 10; ++i) {  // yellow, red, yellow, …: acknowledged all along
    clock.advance(30s);
    EXPECT_TRUE(tracker.severity_changed(id, i % 2 ? severity::red : severity::yellow).empty());
    EXPECT_FALSE(tracker.next_step(id));
  }
  EXPECT_TRUE(tracker.on_tick(t0 + 1h).empty());
}

TEST_F(escalation_tracker_test, restart_after_flapping_keeps_the_clock_of_the_first_red) {
  const std::string id = "gas-leak/xh-kitchen-gas-1#1";
  tracker.start(alert(severity::red));
  clock.advance(1min);
  tracker.severity_changed(id, severity::yellow);
  clock.advance(1min);
  tracker.severity_changed(id, severity::red);
  clock.advance(1min);
  const auto saved = tracker.snapshot();
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].changes.size(), 2u);

  core::manual_clock later(t0 + 3min);
  escalation_tracker resumed(duty, escalation_policy::seed_default(), later);
  resumed.restore(saved, later.now());
  EXPECT_EQ(told(resumed.told(id)), told(tracker.told(id)));
  ASSERT_TRUE(resumed.next_step(id));
  EXPECT_EQ(resumed.next_step(id)->at, t0 + 5min);
  EXPECT_TRUE(resumed.on_tick(t0 + 5min - 1ms).empty());
  EXPECT_EQ(told(resumed.on_tick(t0 + 5min)), strings{"boss/sms"});
}

TEST_F(escalation_tracker_test, a_gap_in_the_roster_is_reported_not_skipped) {
  duty_plan p = always_staffed();
  p.shifts.erase(p.shifts.begin() + 2);  // no principal on duty
  const roster gappy(std::move(p));
  escalation_tracker t(gappy, escalation_policy::seed_default(), clock);
  t.start(alert(severity::red));
  const auto later = t.on_tick(t0 + 5min);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_TRUE(later[0].nobody_on_duty());
  EXPECT_EQ(later[0].role, "principal");
}

TEST_F(escalation_tracker_test, one_person_holding_two_roles_of_a_step_is_told_once) {
  duty_plan p = always_staffed();
  p.people[0].roles.push_back("safety_director");
  p.shifts[1].person = "leader";
  const roster doubled(std::move(p));
  escalation_tracker t(doubled, escalation_policy::seed_default(), clock);
  EXPECT_EQ(told(t.start(alert(severity::red))),
            (strings{"leader/sms", "leader/dashboard", "bureau/sms", "bureau/dashboard"}));
}

TEST_F(escalation_tracker_test, report_deadline_is_an_hour_for_orange_and_red_and_goes_overdue) {
  tracker.start(alert(severity::orange, "orange"));
  tracker.start(alert(severity::yellow, "yellow"));
  EXPECT_EQ(tracker.report_deadline("orange"), t0 + 1h);
  EXPECT_FALSE(tracker.report_deadline("yellow"));
  EXPECT_TRUE(tracker.overdue_reports(t0 + 1h).empty());
  const auto overdue = tracker.overdue_reports(t0 + 1h + 1s);
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].alert_id, "orange");
  EXPECT_EQ(overdue[0].site, "xh");
  EXPECT_EQ(overdue[0].deadline, t0 + 1h);
  EXPECT_TRUE(tracker.report_submitted("orange", "leader", t0 + 1h + 2min));
  EXPECT_TRUE(tracker.overdue_reports(t0 + 2h).empty());
  // Acknowledging does not replace the report.
  tracker.start(alert(severity::red, "red"));
  tracker.acknowledge("red");
  EXPECT_EQ(tracker.overdue_reports(t0 + 2h).size(), 1u);
}

TEST_F(escalation_tracker_test, restart_mid_escalation_resumes_at_the_right_step) {
  tracker.start(alert(severity::orange));
  EXPECT_EQ(told(tracker.on_tick(t0 + 15min)), strings{"safety/sms"});
  const auto saved = tracker.snapshot();
  ASSERT_EQ(saved.size(), 1u);

  // A new process: nothing already sent goes out again; the principal is still due at 30m.
  core::manual_clock later(t0 + 16min);
  escalation_tracker resumed(duty, escalation_policy::seed_default(), later);
  resumed.restore(saved, later.now());
  EXPECT_TRUE(resumed.on_tick(t0 + 16min).empty());
  EXPECT_EQ(told(resumed.told("gas-leak/xh-kitchen-gas-1#1")),
            (strings{"leader/sms", "leader/dashboard", "bureau/sms", "bureau/dashboard",
                     "safety/sms"}));
  ASSERT_TRUE(resumed.next_step("gas-leak/xh-kitchen-gas-1#1"));
  EXPECT_EQ(resumed.next_step("gas-leak/xh-kitchen-gas-1#1")->step, 2u);
  EXPECT_EQ(told(resumed.on_tick(t0 + 30min)), strings{"boss/sms"});
  EXPECT_EQ(resumed.report_deadline("gas-leak/xh-kitchen-gas-1#1"), t0 + 1h);
}

TEST_F(escalation_tracker_test, restart_replays_colour_changes_and_acknowledgements) {
  tracker.start(alert(severity::yellow, "a"));
  tracker.start(alert(severity::yellow, "b"));
  clock.advance(10min);
  tracker.severity_changed("a", severity::red);
  tracker.acknowledge("b");
  const auto saved = tracker.snapshot();

  escalation_tracker resumed(duty, escalation_policy::seed_default(), clock);
  resumed.restore(saved, clock.now());
  EXPECT_EQ(resumed.report_deadline("a"), t0 + 10min + 1h);
  EXPECT_EQ(told(resumed.told("a")), told(tracker.told("a")));
  EXPECT_FALSE(resumed.next_step("b"));
  // Only a's red step 1, at the same time the first process would have sent it.
  const auto due = resumed.on_tick(t0 + 15min);
  EXPECT_EQ(told(due), strings{"boss/sms"});
  EXPECT_EQ(due.front().alert_id, "a");
  EXPECT_TRUE(resumed.on_tick(t0 + 1h).empty());
}

TEST_F(escalation_tracker_test, restart_resends_steps_that_fell_due_while_down) {
  tracker.start(alert(severity::red));
  const auto saved = tracker.snapshot();
  // The previous process last ticked at +1m; the new one starts at +20m.
  escalation_tracker resumed(duty, escalation_policy::seed_default(), clock);
  resumed.restore(saved, t0 + 1min);
  EXPECT_EQ(told(resumed.on_tick(t0 + 20min)), strings{"boss/sms"});
}

}  // namespace
}  // namespace campus::notify::duty
