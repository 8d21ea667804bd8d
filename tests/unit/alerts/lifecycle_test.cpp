// The closed loop's rules, through the real ledger on a real SQLite file.
#include "ledger_fixture.hpp"

namespace campus::alerts::test {
namespace {

using code = ledger_error::code;

std::vector<transition_kind> kinds(const std::vector<ledger_transition>& ts) {
  std::vector<transition_kind> out;
  for (const auto& t : ts) out.push_back(t.what);
  return out;
}

TEST_F(ledger_fixture, full_loop_records_every_step_with_who_and_when) {
  const auto t0 = clock_.now();
  const auto id = rectified_and_cleared();
  clock_.advance(5min);
  auto closed = close(id, "li", "checked with a detector: 0 %LEL");
  ASSERT_TRUE(closed.has_value()) << closed.error().message;
  EXPECT_EQ(closed->entry.state, handling::closed);
  EXPECT_EQ(closed->entry.closed_by, "li");
  EXPECT_EQ(closed->entry.closed_at, t0 + 6min);
  EXPECT_EQ(closed->entry.family, "gas_detector");
  EXPECT_EQ(display_id(id), "A-000001");

  auto ts = transitions(id);
  ASSERT_TRUE(ts.has_value());
  EXPECT_EQ(kinds(*ts), (std::vector{transition_kind::raised, transition_kind::acknowledged,
                                     transition_kind::rectified, transition_kind::cleared,
                                     transition_kind::closed}));
  EXPECT_EQ((*ts)[0].who, "system");
  EXPECT_EQ((*ts)[1].who, "wang");
  EXPECT_EQ((*ts)[2].note, "closed the valve, replaced the hose");
  EXPECT_EQ((*ts)[3].who, "system");
  EXPECT_EQ((*ts)[4].who, "li");
  EXPECT_EQ((*ts)[4].from, "rectified");
  EXPECT_EQ((*ts)[4].to, "closed");
  EXPECT_EQ((*ts)[4].at, t0 + 6min);
  EXPECT_EQ(metric("campus_ledger_transitions_total"), 5);
}

TEST_F(ledger_fixture, closing_an_active_alert_is_refused) {
  auto raised = raise(make_alert("gas_leak", "gas-1", 1, core::severity::red, clock_.now()));
  ASSERT_TRUE(raised.has_value());
  const auto id = raised->entry.id;
  ASSERT_TRUE(rectify(id, "wang", "valve closed").has_value());
  auto refused = close(id, "li", "looks fine");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().what, code::condition_active);
  EXPECT_NE(refused.error().message.find("still active"), std::string::npos);
  EXPECT_EQ(get(id)->state, handling::rectified);
  EXPECT_EQ(metric("campus_ledger_refused_total", "reason=\"condition_active\""), 1);
}

TEST_F(ledger_fixture, self_verification_is_refused) {
  const auto id = rectified_and_cleared();
  auto refused = close(id, "wang", "I checked my own work");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().what, code::self_verification);
  EXPECT_EQ(refused.error().message, "the verifier must not be the person who rectified");
  EXPECT_TRUE(close(id, "li", "verified").has_value());
}

TEST_F(ledger_fixture, closing_needs_a_rectification_and_a_verification_note) {
  const auto a = make_alert("gas_leak", "gas-1", 1, core::severity::yellow, clock_.now());
  const auto id = raise(a)->entry.id;
  ASSERT_TRUE(clear(a).has_value());
  auto unrectified = close(id, "li", "fine");
  ASSERT_FALSE(unrectified.has_value());
  EXPECT_EQ(unrectified.error().what, code::not_rectified);
  ASSERT_TRUE(rectify(id, "wang", "ventilated").has_value());
  auto no_note = close(id, "li", "  ");
  ASSERT_FALSE(no_note.has_value());
  EXPECT_EQ(no_note.error().what, code::missing_note);
  ASSERT_TRUE(close(id, "li", "verified").has_value());
  auto again = close(id, "zhao", "verified again");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().what, code::invalid_state);
}

TEST_F(ledger_fixture, acknowledging_twice_is_refused_naming_the_state) {
  const auto id =
      raise(make_alert("gas_leak", "gas-1", 1, core::severity::red, clock_.now()))->entry.id;
  ASSERT_TRUE(acknowledge(id, "wang").has_value());
  auto twice = acknowledge(id, "li");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().what, code::invalid_state);
  EXPECT_NE(twice.error().message.find("acknowledged"), std::string::npos);
  EXPECT_EQ(get(id)->acknowledged_by, "wang");
}

TEST_F(ledger_fixture, rectifying_needs_a_note_and_a_person) {
  const auto id =
      raise(make_alert("gas_leak", "gas-1", 1, core::severity::red, clock_.now()))->entry.id;
  auto no_note = rectify(id, "wang", "");
  ASSERT_FALSE(no_note.has_value());
  EXPECT_EQ(no_note.error().what, code::missing_note);
  auto nobody = rectify(id, " ", "done");
  ASSERT_FALSE(nobody.has_value());
  EXPECT_EQ(nobody.error().what, code::invalid_argument);
  auto system = rectify(id, "system", "done");
  ASSERT_FALSE(system.has_value());
  EXPECT_EQ(system.error().what, code::invalid_argument);
  EXPECT_EQ(get(id)->state, handling::new_);
  EXPECT_EQ(transitions(id)->size(), 1u);  // refusals record nothing
}

TEST_F(ledger_fixture, unknown_ids_are_not_found) {
  auto missing = acknowledge(42, "wang");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().what, code::not_found);
  EXPECT_EQ(get(42).error().what, code::not_found);
  EXPECT_EQ(transitions(42).error().what, code::not_found);
  auto stray = clear(make_alert("gas_leak", "gas-9", 1, core::severity::red, clock_.now()));
  ASSERT_FALSE(stray.has_value());
  EXPECT_EQ(stray.error().what, code::not_found);
}

TEST_F(ledger_fixture, refire_while_open_is_the_same_entry) {
  const auto a1 = make_alert("gas_leak", "gas-1", 1, core::severity::yellow, clock_.now());
  const auto id = raise(a1)->entry.id;
  ASSERT_TRUE(acknowledge(id, "wang").has_value());
  clock_.advance(2min);
  ASSERT_TRUE(clear(a1).has_value());
  clock_.advance(3min);
  const auto a2 = make_alert("gas_leak", "gas-1", 2, core::severity::red, clock_.now());
  auto refired = raise(a2);
  ASSERT_TRUE(refired.has_value());
  EXPECT_EQ(refired->entry.id, id);
  EXPECT_EQ(refired->entry.occurrences, 2);
  EXPECT_EQ(refired->entry.cond, rules::condition::active);
  EXPECT_FALSE(refired->entry.cleared_at.has_value());
  EXPECT_EQ(refired->entry.state, handling::new_);  // it came back worse: acknowledge again
  EXPECT_EQ(refired->entry.alert_ids, (std::vector<std::string>{a1.id, a2.id}));
  EXPECT_EQ(refired->entry.max_severity, core::severity::red);
  ASSERT_EQ(refired->transitions.size(), 1u);
  EXPECT_EQ(refired->transitions[0].what, transition_kind::refired);
  EXPECT_EQ(refired->transitions[0].from, "yellow");
  EXPECT_EQ(refired->transitions[0].to, "red");
  EXPECT_EQ(list({})->total, 1);
}

TEST_F(ledger_fixture, refire_after_rectification_reopens_the_handling) {
  const auto a1 = make_alert("gas_leak", "gas-1", 1, core::severity::red, clock_.now());
  const auto id = raise(a1)->entry.id;
  ASSERT_TRUE(acknowledge(id, "wang").has_value());
  ASSERT_TRUE(rectify(id, "wang", "tightened the joint").has_value());
  ASSERT_TRUE(clear(a1).has_value());
  auto refired = raise(make_alert("gas_leak", "gas-1", 2, core::severity::red, clock_.now()));
  ASSERT_TRUE(refired.has_value());
  EXPECT_EQ(refired->entry.state, handling::acknowledged);
  EXPECT_TRUE(refired->entry.rectified_by.empty());
  EXPECT_EQ(refired->transitions[0].from, "rectified");
  EXPECT_EQ(refired->transitions[0].to, "acknowledged");
  // The earlier rectification stays in the record.
  EXPECT_EQ(transitions(id)->at(2).note, "tightened the joint");
}

TEST_F(ledger_fixture, after_close_a_new_firing_is_a_new_entry) {
  const auto id = rectified_and_cleared();
  ASSERT_TRUE(close(id, "li", "verified").has_value());
  auto fresh = raise(make_alert("gas_leak", "gas-1", 2, core::severity::yellow, clock_.now()));
  ASSERT_TRUE(fresh.has_value());
  EXPECT_NE(fresh->entry.id, id);
  EXPECT_EQ(fresh->entry.occurrences, 1);
  EXPECT_EQ(fresh->transitions[0].what, transition_kind::raised);
  EXPECT_EQ(get(id)->state, handling::closed);
}

TEST_F(ledger_fixture, severity_changes_are_recorded_and_plain_updates_are_not) {
  auto a = make_alert("gas_leak", "gas-1", 1, core::severity::yellow, clock_.now());
  const auto id = raise(a)->entry.id;
  for (auto [s, v] : {std::pair{core::severity::red, 30.0},
                      {core::severity::red, 35.0},
                      {core::severity::yellow, 15.0},
                      {core::severity::yellow, 14.0}}) {
    clock_.advance(10s);
    a.severity = s;
    a.value = v;
    a.updated_at = clock_.now();
    ASSERT_TRUE(apply(rules::alert_event::kind::updated, a).has_value());
  }
  auto entry = get(id);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->severity, core::severity::yellow);
  EXPECT_EQ(entry->max_severity, core::severity::red);
  EXPECT_EQ(std::get<double>(entry->value), 14.0);  // the latest value is kept
  auto ts = transitions(id);
  ASSERT_TRUE(ts.has_value());
  ASSERT_EQ(kinds(*ts), (std::vector{transition_kind::raised, transition_kind::severity_changed,
                                     transition_kind::severity_changed}));
  EXPECT_EQ((*ts)[1].from, "yellow");
  EXPECT_EQ((*ts)[1].to, "red");
  EXPECT_EQ((*ts)[2].from, "red");
  EXPECT_EQ((*ts)[2].to, "yellow");
}

TEST_F(ledger_fixture, manual_hazard_becomes_overdue_and_stops_when_closed) {
  hazard_spec spec;
  spec.site = "school-2";
  spec.zone = "lab";
  spec.title = "Fire extinguisher expired";
  spec.severity = core::severity::orange;
  spec.responsible = "zhao";
  spec.deadline = clock_.now() + 24h;
  spec.reported_by = "inspector-chen";
  auto registered = register_hazard(spec);
  ASSERT_TRUE(registered.has_value()) << registered.error().message;
  const auto id = registered->entry.id;
  EXPECT_EQ(registered->entry.kind, entry_kind::manual);
  EXPECT_EQ(registered->transitions[0].what, transition_kind::registered);
  EXPECT_EQ(registered->transitions[0].who, "inspector-chen");
  EXPECT_FALSE(registered->entry.overdue);

  clock_.advance(24h);
  EXPECT_FALSE(get(id)->overdue);  // due at the deadline, overdue only after it
  clock_.advance(1s);
  EXPECT_TRUE(get(id)->overdue);
  auto late = overdue();
  ASSERT_TRUE(late.has_value());
  ASSERT_EQ(late->size(), 1u);
  EXPECT_EQ(late->front().id, id);
  EXPECT_EQ(metric("campus_ledger_overdue"), 1);

  auto rectified = rectify(id, "zhao", "replaced with a new extinguisher");
  ASSERT_TRUE(rectified.has_value());
  EXPECT_EQ(rectified->entry.cond, rules::condition::cleared);  // no sensor clears it
  EXPECT_TRUE(get(id)->overdue);                                // still not closed
  ASSERT_TRUE(close(id, "inspector-chen", "seen the new one, dated this month").has_value());
  EXPECT_FALSE(get(id)->overdue);
  EXPECT_TRUE(overdue()->empty());
  EXPECT_EQ(metric("campus_ledger_overdue"), 0);
}

TEST_F(ledger_fixture, manual_hazard_needs_site_title_and_reporter) {
  hazard_spec spec;
  spec.site = "school-2";
  spec.reported_by = "chen";
  auto refused = register_hazard(spec);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().what, code::invalid_argument);
  EXPECT_NE(refused.error().message.find("title"), std::string::npos);
  EXPECT_EQ(list({})->total, 0);
}

TEST_F(ledger_fixture, sensor_alert_gets_a_deadline_and_notes) {
  const auto id =
      raise(make_alert("gas_leak", "gas-1", 1, core::severity::red, clock_.now()))->entry.id;
  auto assigned = wait_for<ledger_change>([&](auto done) {
    ledger_->assign(id, "director-liu", "wang", clock_.now() + 1h, std::move(done));
  });
  ASSERT_TRUE(assigned.has_value());
  EXPECT_EQ(assigned->entry.responsible, "wang");
  EXPECT_EQ(assigned->transitions[0].what, transition_kind::assigned);
  auto noted = wait_for<ledger_change>([&](auto done) {
    ledger_->add_note(id, "wang", "waiting for the gas company", std::move(done));
  });
  ASSERT_TRUE(noted.has_value());
  EXPECT_EQ(noted->entry.state, handling::new_);
  clock_.advance(2h);
  EXPECT_TRUE(get(id)->overdue);
  EXPECT_EQ(transitions(id)->size(), 3u);
}

TEST_F(ledger_fixture, open_gauges_follow_current_severity) {
  raise(make_alert("gas_leak", "gas-1", 1, core::severity::red, clock_.now()));
  raise(make_alert("gas_leak", "gas-2", 1, core::severity::red, clock_.now()));
  raise(make_alert("door_open", "door-1", 1, core::severity::yellow, clock_.now()));
  EXPECT_EQ(metric("campus_ledger_open_entries", "severity=\"red\""), 2);
  EXPECT_EQ(metric("campus_ledger_open_entries", "severity=\"yellow\""), 1);
  const auto id = rectified_and_cleared("gas-3");
  EXPECT_EQ(metric("campus_ledger_open_entries", "severity=\"red\""), 3);
  ASSERT_TRUE(close(id, "li", "verified").has_value());
  EXPECT_EQ(metric("campus_ledger_open_entries", "severity=\"red\""), 2);
}

TEST_F(ledger_fixture, reports_and_notifications_are_recorded_on_open_and_closed_entries) {
  const auto id =
      raise(make_alert("gas_leak", "gas-1", 1, core::severity::red, clock_.now()))->entry.id;
  auto sent = wait_for<ledger_change>([&](auto done) {
    ledger_->notified(id, "duty_leader", "sms:wang", "sent: 【红色预警】…", std::move(done));
  });
  ASSERT_TRUE(sent.has_value());
  ASSERT_EQ(sent->transitions.size(), 1u);
  EXPECT_EQ(sent->transitions[0].what, transition_kind::notified);
  EXPECT_EQ(sent->transitions[0].who, system_actor);
  EXPECT_EQ(sent->transitions[0].from, "duty_leader");
  EXPECT_EQ(sent->transitions[0].to, "sms:wang");
  EXPECT_EQ(sent->entry.state, handling::new_);  // no state change

  auto empty = wait_for<ledger_change>(
      [&](auto done) { ledger_->report(id, "wang", "  ", std::move(done)); });
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().what, code::missing_note);
  auto reported = wait_for<ledger_change>([&](auto done) {
    ledger_->report(id, "wang", "phoned the bureau duty officer", std::move(done));
  });
  ASSERT_TRUE(reported.has_value());
  EXPECT_EQ(reported->transitions[0].what, transition_kind::reported);

  // A closed entry still takes a late report, kept in its history after a restart.
  const auto closed_id = rectified_and_cleared("gas-2");
  ASSERT_TRUE(close(closed_id, "li", "verified").has_value());
  ASSERT_TRUE(wait_for<ledger_change>([&](auto done) {
                ledger_->report(closed_id, "li", "late report", std::move(done));
              }).has_value());
  reopen();
  auto history = transitions(closed_id);
  ASSERT_TRUE(history.has_value());
  EXPECT_EQ(history->back().what, transition_kind::reported);
  EXPECT_EQ(transitions(id)->size(), 3u);  // raised, notified, reported
}

TEST_F(ledger_fixture, a_rise_after_acknowledgement_needs_a_new_acknowledgement) {
  auto a = make_alert("gas_leak", "gas-1", 1, core::severity::orange, clock_.now());
  const auto id = raise(a)->entry.id;
  ASSERT_TRUE(acknowledge(id, "wang", "on my way").has_value());
  a.severity = core::severity::yellow;  // a fall keeps the acknowledgement
  ASSERT_EQ(apply(rules::alert_event::kind::updated, a)->entry.state, handling::acknowledged);
  a.severity = core::severity::red;
  auto rose = apply(rules::alert_event::kind::updated, a);
  ASSERT_TRUE(rose.has_value());
  EXPECT_EQ(rose->entry.state, handling::new_);
  ASSERT_EQ(rose->transitions.size(), 1u);
  EXPECT_EQ(rose->transitions[0].what, transition_kind::severity_changed);
  EXPECT_NE(rose->transitions[0].note.find("acknowledgement required again"), std::string::npos);
  EXPECT_TRUE(acknowledge(id, "wang", "evacuated the kitchen").has_value());
}

TEST_F(ledger_fixture, a_return_to_a_colour_reached_before_keeps_the_acknowledgement) {
  // A sensor flapping between yellow and red: acknowledged once, for good.
  auto a = make_alert("gas_leak", "gas-1", 1, core::severity::yellow, clock_.now());
  const auto id = raise(a)->entry.id;
  a.severity = core::severity::red;
  ASSERT_EQ(apply(rules::alert_event::kind::updated, a)->entry.state, handling::new_);
  ASSERT_TRUE(acknowledge(id, "wang", "on my way").has_value());
  for (int i = 0; i < 4; ++i) {
    a.severity = i % 2 ? core::severity::red : core::severity::yellow;
    auto changed = apply(rules::alert_event::kind::updated, a);
    ASSERT_TRUE(changed.has_value());
    EXPECT_EQ(changed->entry.state, handling::acknowledged) << i;
    ASSERT_EQ(changed->transitions.size(), 1u);
    EXPECT_EQ(changed->transitions[0].what, transition_kind::severity_changed);
    EXPECT_TRUE(changed->transitions[0].note.empty()) << changed->transitions[0].note;
  }
}

TEST_F(ledger_fixture, open_only_filter_leaves_out_closed_entries) {
  const auto open_id =
      raise(make_alert("gas_leak", "gas-1", 1, core::severity::red, clock_.now()))->entry.id;
  const auto closed_id = rectified_and_cleared("gas-2");
  ASSERT_TRUE(close(closed_id, "li", "verified").has_value());
  ledger_filter f;
  f.open_only = true;
  auto page = list(f);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->total, 1);
  EXPECT_EQ(page->entries[0].id, open_id);
  EXPECT_EQ(list({})->total, 2);
}

}  // namespace
}  // namespace campus::alerts::test
