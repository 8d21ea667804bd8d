// Pending durations across a restart (rule_engine::save_pending / load_pending): a `for` wait,
// an absence period, a stuck run, event-count arrivals and a tag's time near resume where they
// stood when saved, the downtime not counted; nothing is raised twice; what no longer applies
// or does not parse is counted, not fatal.
#include <gtest/gtest.h>

#include <string>

#include "rule_builders.hpp"
#include "rules/pending_state.hpp"

namespace campus::rules::test {
namespace {

using moment = rule_engine::save_moment;

constexpr auto downtime = 10min;

rule_def co_rule(core::duration for_duration = 60s) {
  return threshold_rule("co", "co_ppm", comparison::above,
                        {at(severity::orange, 50, 35), at(severity::red, 150, 120)},
                        for_duration);
}

// The records of a save, without its header.
std::size_t records(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) - 1;
}

// The engine after the restart: started `downtime` after `before` stopped, the ledger's active
// conditions restored, then the saved text loaded.
struct restarted : rig {
  rule_engine::pending_load loaded;

  restarted(std::vector<rule_def> rules, std::vector<device_profile> devices, const rig& before,
            const std::string& text, core::duration down = downtime)
      : rig(std::move(rules), std::move(devices), before.clock.now() + down) {
    engine.restore(before.engine.active_alerts());
    auto result = engine.load_pending(text);
    EXPECT_TRUE(result) << result.error();
    if (result) loaded = *result;
  }
};

// Ticks once a second for `d`; returns the seconds until the first event (or -1).
int seconds_until_event(rig& t, core::duration d) {
  for (int s = 1; s <= std::chrono::duration_cast<std::chrono::seconds>(d).count(); ++s) {
    t.advance(1s);
    if (!t.tick().empty()) return s;
  }
  return -1;
}

TEST(rules_pending, a_for_wait_that_ran_50_of_60_s_raises_10_s_after_the_restart) {
  rig before({co_rule()}, {device("gd1")});
  before.feed(number("gd1", "co_ppm", 60));
  before.advance(50s);
  ASSERT_TRUE(before.tick().empty());
  const auto text = before.engine.save_pending(moment::stopping);
  EXPECT_EQ(records(text), 1u);

  restarted after({co_rule()}, {device("gd1")}, before, text);
  EXPECT_EQ(after.loaded.taken, 1u);
  EXPECT_EQ(after.loaded.downtime, downtime);
  EXPECT_TRUE(after.loaded.exact);
  // The ten minutes down do not count: 10 s are left, not 0 and not 60.
  EXPECT_EQ(seconds_until_event(after, 70s), 10);
  ASSERT_EQ(after.all.size(), 1u);
  EXPECT_EQ(after.all[0].what, kind::raised);
  EXPECT_EQ(after.all[0].current.severity, severity::orange);
  EXPECT_EQ(std::get<double>(after.all[0].current.value), 60);

  // Without the saved state the same restart waits the whole 60 s.
  rig fresh({co_rule()}, {device("gd1")}, after.clock.now());
  fresh.feed(number("gd1", "co_ppm", 60));
  EXPECT_EQ(seconds_until_event(fresh, 70s), 60);
}

TEST(rules_pending, a_reading_that_still_holds_raises_nothing_new_and_a_dip_restarts_the_wait) {
  rig before({co_rule()}, {device("gd1")});
  before.feed(number("gd1", "co_ppm", 60));
  before.advance(50s);
  const auto text = before.engine.save_pending(moment::stopping);

  restarted held({co_rule()}, {device("gd1")}, before, text);
  held.advance(5s);
  EXPECT_TRUE(held.feed(number("gd1", "co_ppm", 40)).empty());  // over the clear level: holds
  EXPECT_EQ(seconds_until_event(held, 10s), 5);
  EXPECT_EQ(count(held.all, kind::raised), 1u);

  restarted dipped({co_rule()}, {device("gd1")}, before, text);
  EXPECT_TRUE(dipped.feed(number("gd1", "co_ppm", 20)).empty());  // under it: the wait ends
  EXPECT_EQ(seconds_until_event(dipped, 70s), -1);
  dipped.feed(number("gd1", "co_ppm", 60));
  EXPECT_EQ(seconds_until_event(dipped, 70s), 60);
}

TEST(rules_pending, after_a_periodic_save_the_for_wait_resumes_on_a_reading_not_on_a_tick) {
  // A crash may have left the file seconds old: the level may have fallen since.
  rig before({co_rule()}, {device("gd1")});
  before.feed(number("gd1", "co_ppm", 60));
  before.advance(50s);
  const auto text = before.engine.save_pending(moment::running);

  restarted after({co_rule()}, {device("gd1")}, before, text);
  EXPECT_FALSE(after.loaded.exact);
  EXPECT_EQ(seconds_until_event(after, 30s), -1);
  // The next reading shows the level still holds: the wait ran out, so it raises at once.
  auto es = after.feed(number("gd1", "co_ppm", 61));
  ASSERT_EQ(count(es, kind::raised), 1u);

  restarted resumed({co_rule()}, {device("gd1")}, before, text);
  resumed.advance(4s);
  EXPECT_TRUE(resumed.feed(number("gd1", "co_ppm", 61)).empty());  // 54 of 60 s
  EXPECT_EQ(seconds_until_event(resumed, 10s), 6);

  restarted fell({co_rule()}, {device("gd1")}, before, text);
  fell.advance(20s);
  EXPECT_TRUE(fell.feed(number("gd1", "co_ppm", 10)).empty());
  EXPECT_EQ(seconds_until_event(fell, 70s), -1);
  EXPECT_TRUE(fell.all.empty());
}

TEST(rules_pending, a_device_silent_for_4_of_its_5_minutes_is_reported_1_minute_after_the_restart) {
  const auto rules = std::vector<rule_def>{absence_rule("offline", 5min)};
  rig before(rules, {device("gd1"), device("gd2")});
  before.feed(number("gd1", "lel_pct", 1));
  before.advance(4min);
  before.feed(number("gd2", "lel_pct", 1));  // gd2 heard just now: nothing pending to save
  const auto text = before.engine.save_pending();
  EXPECT_EQ(records(text), 1u);

  restarted after(rules, {device("gd1"), device("gd2")}, before, text, 1h);
  EXPECT_EQ(after.loaded.taken, 1u);
  EXPECT_EQ(seconds_until_event(after, 2min), 60);
  ASSERT_EQ(after.all.size(), 1u);
  EXPECT_EQ(after.all[0].current.device, "gd1");
  EXPECT_EQ(std::get<std::string>(after.all[0].current.value), "no_data");
  // gd2 counts from the restore, as on a first start.
  EXPECT_EQ(seconds_until_event(after, 5min), 4 * 60);
  EXPECT_EQ(after.all.back().current.device, "gd2");
}

TEST(rules_pending, a_device_whose_messages_waited_at_the_broker_is_not_reported_silent) {
  // Down for an hour while the device kept publishing: its queued messages arrive first.
  const auto rules = std::vector<rule_def>{absence_rule("offline", 5min)};
  rig before(rules, {device("gd1")});
  before.feed(number("gd1", "lel_pct", 1));
  before.advance(4min);
  const auto text = before.engine.save_pending();

  restarted after(rules, {device("gd1")}, before, text, 1h);
  EXPECT_TRUE(after.tick().empty());
  EXPECT_TRUE(after.feed(number("gd1", "lel_pct", 1)).empty());
  EXPECT_EQ(seconds_until_event(after, 5min), 5 * 60);
}

TEST(rules_pending, an_offline_reported_outside_the_windows_is_raised_when_they_open) {
  auto rule = absence_rule("camera-offline", 2min);
  rule.windows = {hours(5, 30, 19, 30)};
  const auto rules = std::vector<rule_def>{rule};
  const auto devices = std::vector<device_profile>{device("cam1", "kitchen_camera")};
  rig before(rules, devices, utc(2025, 11, 23, 21, 0));  // 05:00 in Shanghai
  EXPECT_TRUE(before.feed(state("cam1", "status", "offline")).empty());
  const auto text = before.engine.save_pending();
  EXPECT_EQ(records(text), 1u);

  restarted after(rules, devices, before, text, 10min);  // 05:10
  EXPECT_EQ(seconds_until_event(after, 30min), 20 * 60);  // 05:30
  EXPECT_EQ(std::get<std::string>(after.all.at(0).current.value), "offline");
}

TEST(rules_pending, a_stuck_run_resumes) {
  const auto rules = std::vector<rule_def>{stuck_rule("stuck", "lel_pct", 10min)};
  rig before(rules, {device("gd1")});
  before.feed(number("gd1", "lel_pct", 2));
  before.advance(8min);
  before.feed(number("gd1", "lel_pct", 2));
  const auto text = before.engine.save_pending();

  restarted after(rules, {device("gd1")}, before, text);
  after.advance(1min);
  EXPECT_TRUE(after.feed(number("gd1", "lel_pct", 2)).empty());  // 9 of 10 min
  after.advance(1min);
  auto es = after.feed(number("gd1", "lel_pct", 2));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::raised);

  restarted changed(rules, {device("gd1")}, before, text);
  changed.advance(2min);
  EXPECT_TRUE(changed.feed(number("gd1", "lel_pct", 3)).empty());  // a new value: a new run
}

TEST(rules_pending, event_count_arrivals_still_count_and_a_replayed_event_is_not_counted_twice) {
  const auto rules = std::vector<rule_def>{event_count_rule("no-hat", "no_hat", 3, 10min)};
  const auto devices = std::vector<device_profile>{device("cam1", "kitchen_camera")};
  rig before(rules, devices);
  before.feed(state("cam1", "event", "no_hat"));
  const auto first = before.clock.now();
  before.advance(2min);
  before.feed(state("cam1", "event", "no_hat"));
  const auto second = before.clock.now();
  before.advance(1s);
  const auto saved_at = before.clock.now();
  const auto text = before.engine.save_pending();
  EXPECT_EQ(records(text), 1u);

  restarted after(rules, devices, before, text);
  // The crash journal hands the second event again: it is counted already.
  after.engine.replaying(second);
  EXPECT_TRUE(after.feed(state("cam1", "event", "no_hat")).empty());
  // One that arrived after the save is not in the file: it counts, and makes three.
  after.engine.replaying(saved_at + 500ms);
  auto es = after.feed(state("cam1", "event", "no_hat"));
  after.engine.replaying(std::nullopt);
  ASSERT_EQ(count(es, kind::raised), 1u);
  EXPECT_EQ(std::get<double>(es[0].current.value), 3);

  // The window moved with the downtime: the first event leaves it 10 min after it arrived,
  // counted in running time.
  restarted later(rules, devices, before, text);
  later.advance(10min - (saved_at - first) + 1s);
  later.tick();
  EXPECT_TRUE(later.feed(state("cam1", "event", "no_hat")).empty());  // 2 in the window
  EXPECT_EQ(count(later.feed(state("cam1", "event", "no_hat")), kind::raised), 1u);
}

TEST(rules_pending, a_tag_near_for_20_of_30_s_is_reported_10_s_after_the_restart) {
  const auto rules = std::vector<rule_def>{dwell_rule("water", 3, 30s)};
  const auto devices = std::vector<device_profile>{device("wb1", "water_beacon")};
  rig before(rules, devices);
  before.feed(number("wb1", "dist_m", 1, "tag-7"));
  before.advance(20s);
  before.feed(number("wb1", "dist_m", 1.5, "tag-7"));
  before.feed(number("wb1", "dist_m", 9, "tag-8"));  // far: nothing pending
  const auto exact = before.engine.save_pending(moment::stopping);
  EXPECT_EQ(records(exact), 1u);

  restarted after(rules, devices, before, exact);
  EXPECT_EQ(seconds_until_event(after, 20s), 10);
  EXPECT_EQ(after.all.at(0).current.subject, "tag-7");

  // From a periodic save it waits for the tag to be read near again.
  restarted crashed(rules, devices, before, before.engine.save_pending(moment::running));
  EXPECT_EQ(seconds_until_event(crashed, 20s), -1);
  EXPECT_EQ(count(crashed.feed(number("wb1", "dist_m", 1, "tag-7")), kind::raised), 1u);
}

TEST(rules_pending, active_conditions_are_not_saved_and_nothing_is_raised_twice) {
  const auto rules = std::vector<rule_def>{co_rule()};
  const auto devices = std::vector<device_profile>{device("gd1"), device("gd2")};
  rig before(rules, devices);
  before.feed(number("gd1", "co_ppm", 60));
  before.advance(61s);
  ASSERT_EQ(count(before.tick(), kind::raised), 1u);  // gd1's alert, active
  before.feed(number("gd2", "co_ppm", 60));
  before.advance(30s);
  const auto text = before.engine.save_pending(moment::stopping);
  EXPECT_EQ(records(text), 1u);  // gd2's wait; gd1's condition is the ledger's
  EXPECT_EQ(text.find("\"gd1\""), std::string::npos);

  restarted after(rules, devices, before, text);
  EXPECT_EQ(after.loaded.taken, 1u);
  EXPECT_TRUE(after.feed(number("gd1", "co_ppm", 65)).empty());
  EXPECT_EQ(seconds_until_event(after, 60s), 30);
  EXPECT_EQ(count(after.all, kind::raised), 1u);
  EXPECT_EQ(after.all.back().current.device, "gd2");
  EXPECT_EQ(after.engine.active_alerts().size(), 2u);
}

TEST(rules_pending, a_record_whose_alert_the_ledger_restored_is_superseded) {
  // Saved while the wait ran; the alert was raised (and recorded) before the process died.
  const auto rules = std::vector<rule_def>{co_rule()};
  rig before(rules, {device("gd1")});
  before.feed(number("gd1", "co_ppm", 60));
  before.advance(50s);
  const auto text = before.engine.save_pending();
  before.advance(10s);
  ASSERT_EQ(count(before.tick(), kind::raised), 1u);

  restarted after(rules, {device("gd1")}, before, text);
  EXPECT_EQ(after.loaded.taken, 0u);
  EXPECT_EQ(after.loaded.superseded, 1u);
  EXPECT_EQ(seconds_until_event(after, 70s), -1);
  EXPECT_TRUE(after.feed(number("gd1", "co_ppm", 60)).empty());
}

TEST(rules_pending, only_durations_that_ran_max_10_s_or_a_tenth_of_the_rule_are_saved) {
  EXPECT_EQ(save_after(60s), 10s);
  EXPECT_EQ(save_after(5min), 30s);
  const auto rules = std::vector<rule_def>{co_rule(), absence_rule("offline", 5min)};
  rig t(rules, {device("gd1")});
  t.feed(number("gd1", "co_ppm", 60));
  t.advance(9s);
  EXPECT_EQ(records(t.engine.save_pending()), 0u);
  t.advance(1s);
  EXPECT_EQ(records(t.engine.save_pending()), 1u);  // the `for` wait, 10 s
  t.advance(19s);
  EXPECT_EQ(records(t.engine.save_pending()), 1u);
  t.advance(1s);
  EXPECT_EQ(records(t.engine.save_pending()), 2u);  // and silence for 30 s
}

TEST(rules_pending, records_of_unknown_devices_and_rules_and_malformed_lines_are_counted) {
  const auto rules = std::vector<rule_def>{co_rule(), absence_rule("offline", 5min)};
  rig before(rules, {device("gd1"), device("gd2")});
  before.feed(number("gd1", "co_ppm", 60));
  before.feed(number("gd2", "co_ppm", 60));
  before.advance(50s);
  // Lines 2–5: the `for` waits and the silences of gd1 and gd2.
  const auto saved = before.engine.save_pending(moment::stopping);
  ASSERT_EQ(records(saved), 4u);
  const auto when = std::to_string(core::to_epoch_ms(before.clock.now()));
  const std::string text =
      saved +
      "not json\n"                                                  // line 6
      "{\"an\":\"object\"}\n"
      "[\"threshold\",\"gd1\",\"co\"]\n"
      "[\"threshold\",\"gd1\",\"co\",\"\",1,60]\n"
      "[\"threshold\",\"gd1\",\"co\",\"\",\"bits\",60," + when + "]\n"
      "[\"absence\",\"gd1\",\"offline\",\"\"," + when + ",\"no\"]\n"
      "[\"teleport\",\"gd1\",\"co\",\"\"]\n"                       // line 12
      "[\"threshold\",\"gone\",\"co\",\"\",1,60," + when + "]\n"
      "[\"threshold\",\"gd1\",\"renamed\",\"\",1,60," + when + "]\n"
      "[\"stuck\",\"gd1\",\"co\",\"\",60," + when + "]\n"
      "\n";
  restarted after(rules, {device("gd1")}, before, text);  // gd2 left the district
  EXPECT_EQ(after.loaded.taken, 2u);    // gd1's wait and silence
  EXPECT_EQ(after.loaded.unbound, 5u);  // gd2's two, "gone", "renamed", co is no stuck rule
  EXPECT_EQ(after.loaded.malformed, 7u);
  ASSERT_EQ(after.loaded.problems.size(), 5u);
  EXPECT_EQ(after.loaded.problems[0].rfind("line 6: ", 0), 0u) << after.loaded.problems[0];
  EXPECT_EQ(seconds_until_event(after, 20s), 10);
  EXPECT_EQ(after.all.size(), 1u);

  // The level and its clear moved past the saved value: that wait does not apply any more.
  auto moved = rules;
  moved[0].levels[0] = at(severity::orange, 70, 65);
  restarted changed(moved, {device("gd1")}, before, saved);
  EXPECT_EQ(changed.loaded.taken, 1u);    // gd1's silence
  EXPECT_EQ(changed.loaded.unbound, 3u);  // gd1's wait, gd2's two
  EXPECT_EQ(seconds_until_event(changed, 70s), -1);
}

TEST(rules_pending, a_missing_malformed_or_newer_header_is_an_error_and_takes_nothing) {
  rig t({co_rule()}, {device("gd1")});
  EXPECT_FALSE(t.engine.load_pending(""));
  EXPECT_FALSE(t.engine.load_pending("garbage\n"));
  EXPECT_FALSE(t.engine.load_pending(R"(["campus-rule-state",1,0])" "\n"));
  const auto newer = t.engine.load_pending(
      R"({"format":"campus-rule-state","version":2,"saved_at":0,"stopped":true})"
      "\n"
      R"(["threshold","gd1","co","",1,60,0])"
      "\n");
  ASSERT_FALSE(newer);
  EXPECT_NE(newer.error().find("version 2"), std::string::npos) << newer.error();
  EXPECT_FALSE(t.engine.load_pending(R"({"format":"campus-rule-state","version":1})" "\n"));
  // A header alone is a valid, empty state.
  const auto empty = t.engine.load_pending(t.engine.save_pending());
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->taken + empty->malformed + empty->unbound, 0u);
}

TEST(rules_pending, when_the_clock_went_back_nothing_is_shifted_and_a_time_ahead_counts_as_now) {
  rig before({co_rule()}, {device("gd1")});
  before.feed(number("gd1", "co_ppm", 60));
  before.advance(50s);
  const auto text = before.engine.save_pending(moment::stopping);
  restarted after({co_rule()}, {device("gd1")}, before, text, -1h);
  EXPECT_EQ(after.loaded.downtime, 0s);
  EXPECT_EQ(after.loaded.taken, 1u);
  // The saved start lies an hour ahead of this clock: the wait starts again from the restore,
  // not an hour and ten seconds later.
  EXPECT_EQ(seconds_until_event(after, 2h), 60);
}

TEST(rules_pending, subjects_with_awkward_characters_round_trip) {
  const std::vector<std::string> tags = {
      "quote\" back\\slash",  "line\nbreak\ttab\r",  std::string("nul\0byte", 8),
      "\x01\x1f control",     "校园 \xe2\x80\xa8 U+2028", "not utf-8 \xff\xfe\xc3",
      "[\"json\",\"inside\"]", "",
  };
  const auto rules = std::vector<rule_def>{dwell_rule("water", 3, 30s),
                                           stuck_rule("stuck", "dist_m", 2min)};
  const auto devices = std::vector<device_profile>{device("wb \"1\"\n", "water_beacon")};
  rig before(rules, devices);
  for (const auto& tag : tags) before.feed(number(devices[0].id, "dist_m", 1, tag));
  before.advance(20s);  // near for 20 of 30 s, unchanged for 20 s of 2 min: both saved
  const auto text = before.engine.save_pending(moment::stopping);
  EXPECT_EQ(records(text), tags.size() * 2);  // no raw line break inside a record

  restarted after(rules, devices, before, text);
  EXPECT_EQ(after.loaded.taken, tags.size() * 2);
  EXPECT_EQ(after.loaded.malformed, 0u);
  EXPECT_EQ(seconds_until_event(after, 20s), 10);
  std::vector<std::string> raised;
  for (const auto& e : after.all) raised.push_back(e.current.subject);
  auto expected = tags;
  std::sort(raised.begin(), raised.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(raised, expected);
  // The stuck runs were taken up under the same subjects: 30 s in, 90 s to go.
  after.advance(90s);
  for (const auto& tag : tags)
    EXPECT_EQ(count(after.feed(number(devices[0].id, "dist_m", 1, tag)), kind::raised), 1u)
        << tag;
}

}  // namespace
}  // namespace campus::rules::test
