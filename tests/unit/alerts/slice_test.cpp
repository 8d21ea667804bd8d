// alert_ledger::slice: which entries a period's report sees, and their whole history.
#include <algorithm>

#include "ledger_fixture.hpp"

namespace campus::alerts::test {
namespace {

// A period [from, to) of two hours, an hour after the clock's start, and entries around it.
class slice_test : public ledger_fixture {
 protected:
  const core::time_point t0_ = clock_.now();
  const core::time_point from_ = t0_ + 1h;
  const core::time_point to_ = t0_ + 3h;

  // Raises a gas alert at `at` on `site`; the clock moves to `at` first.
  std::int64_t raise_at(core::time_point at, const std::string& device,
                        const std::string& site = "school-1") {
    clock_.set(at);
    auto a = make_alert("gas_leak", device, 1, core::severity::orange, at);
    a.site = site;
    auto raised = raise(a);
    EXPECT_TRUE(raised.has_value());
    alerts_[raised->entry.id] = a;
    return raised ? raised->entry.id : 0;
  }

  // Acknowledges, rectifies and clears entry `id` at the clock's time, then closes it at `at`.
  void handle_and_close_at(std::int64_t id, core::time_point at) {
    ASSERT_TRUE(acknowledge(id, "wang").has_value());
    ASSERT_TRUE(rectify(id, "wang", "replaced the hose").has_value());
    ASSERT_TRUE(clear(alerts_.at(id)).has_value());
    clock_.set(at);
    ASSERT_TRUE(close(id, "li", "verified").has_value());
  }

  static std::vector<std::int64_t> ids_of(const ledger_slice& s) {
    std::vector<std::int64_t> out;
    for (const auto& e : s.entries) out.push_back(e.id);
    return out;
  }

  std::map<std::int64_t, rules::alert> alerts_;
};

TEST_F(slice_test, entries_open_at_some_instant_of_the_period) {
  const auto closed_before = raise_at(t0_, "gas-1");
  clock_.set(t0_ + 5min);
  handle_and_close_at(closed_before, from_ - 1ms);  // closed a moment before: out

  const auto closed_at_from = raise_at(t0_ + 10min, "gas-2");
  clock_.set(t0_ + 15min);
  handle_and_close_at(closed_at_from, from_);  // closed at `from`: in

  clock_.set(t0_ + 20min);
  hazard_spec spec;
  spec.site = "school-1";
  spec.title = "消防通道堆放杂物";
  spec.reported_by = "zhao";
  spec.deadline = t0_ + 2h;
  auto hazard = register_hazard(spec);  // carried in, still open: in
  ASSERT_TRUE(hazard.has_value());
  const auto carried_in = hazard->entry.id;

  const auto inside = raise_at(t0_ + 90min, "gas-3");
  clock_.set(t0_ + 95min);
  handle_and_close_at(inside, t0_ + 100min);  // raised and closed inside: in

  const auto other_site = raise_at(t0_ + 2h, "gas-9", "school-2");
  const auto raised_at_to = raise_at(to_, "gas-4");  // raised at `to`: out
  const auto raised_after = raise_at(to_ + 10min, "gas-5");
  (void)raised_at_to;
  (void)raised_after;

  // After the period, the carried-in hazard takes a note: the slice still has all of it.
  clock_.set(to_ + 1h);
  ASSERT_TRUE(wait_for<ledger_change>([&](auto done) {
                ledger_->add_note(carried_in, "zhao", "cleared by Friday", std::move(done));
              }).has_value());

  auto school = slice({"school-1"}, from_, to_);
  ASSERT_TRUE(school.has_value()) << school.error().message;
  EXPECT_EQ(ids_of(*school), (std::vector<std::int64_t>{closed_at_from, carried_in, inside}));

  auto all = slice({}, from_, to_);
  ASSERT_TRUE(all.has_value()) << all.error().message;
  EXPECT_EQ(ids_of(*all),
            (std::vector<std::int64_t>{closed_at_from, carried_in, inside, other_site}));

  auto both = slice({"school-2", "school-1"}, from_, to_);
  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(ids_of(*both), ids_of(*all));
  auto none = slice({"school-3"}, from_, to_);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->entries.empty());
  EXPECT_TRUE(none->transitions.empty());

  // Raised-at order and each entry as the ledger holds it; overdue against the clock now.
  for (const auto& e : all->entries) {
    SCOPED_TRACE(e.id);
    auto held = get(e.id);
    ASSERT_TRUE(held.has_value());
    EXPECT_EQ(e.raised_at, held->raised_at);
    EXPECT_EQ(e.closed_at, held->closed_at);
    EXPECT_EQ(e.state, held->state);
    EXPECT_EQ(e.site, held->site);
    EXPECT_EQ(e.overdue, e.id == carried_in);  // open, deadline t0 + 2h, now to + 1h
  }
}

TEST_F(slice_test, transitions_are_complete_and_in_recording_order) {
  const auto inside = raise_at(from_ + 10min, "gas-1");
  clock_.set(from_ + 20min);
  handle_and_close_at(inside, from_ + 30min);
  const auto open = raise_at(from_ + 15min, "gas-2");
  // Interleaved with the first entry's: each entry's list holds its own only.
  auto a = alerts_.at(open);
  a.severity = core::severity::red;
  clock_.set(from_ + 40min);
  a.updated_at = clock_.now();
  ASSERT_TRUE(apply(rules::alert_event::kind::updated, a).has_value());
  ASSERT_TRUE(acknowledge(open, "wang").has_value());

  auto s = slice({}, from_, to_);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  ASSERT_EQ(ids_of(*s), (std::vector<std::int64_t>{inside, open}));
  ASSERT_EQ(s->transitions.size(), 2u);
  for (auto id : {inside, open}) {
    SCOPED_TRACE(id);
    auto one_by_one = transitions(id);
    ASSERT_TRUE(one_by_one.has_value());
    const auto& got = s->transitions.at(id);
    ASSERT_EQ(got.size(), one_by_one->size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].id, (*one_by_one)[i].id);
      EXPECT_EQ(got[i].entry_id, id);
      EXPECT_EQ(got[i].what, (*one_by_one)[i].what);
      EXPECT_EQ(got[i].at, (*one_by_one)[i].at);
      EXPECT_EQ(got[i].to, (*one_by_one)[i].to);
    }
    EXPECT_TRUE(std::is_sorted(got.begin(), got.end(),
                               [](const auto& x, const auto& y) { return x.id < y.id; }));
  }
  std::vector<transition_kind> kinds;
  for (const auto& t : s->transitions.at(inside)) kinds.push_back(t.what);
  EXPECT_EQ(kinds, (std::vector<transition_kind>{
                       transition_kind::raised, transition_kind::acknowledged,
                       transition_kind::rectified, transition_kind::cleared,
                       transition_kind::closed}));
  kinds.clear();
  for (const auto& t : s->transitions.at(open)) kinds.push_back(t.what);
  EXPECT_EQ(kinds, (std::vector<transition_kind>{transition_kind::raised,
                                                 transition_kind::severity_changed,
                                                 transition_kind::acknowledged}));
}

TEST_F(slice_test, stopped_ledger_answers_stopped) {
  ledger_->stop();
  auto s = slice({}, from_, to_);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().what, ledger_error::code::stopped);
}

TEST_F(slice_test, latest_by_site_is_each_schools_newest_entry_in_any_state) {
  EXPECT_TRUE(wait_for<std::vector<ledger_entry>>([&](auto done) {
                ledger_->latest_by_site(std::move(done));
              })->empty());
  const auto first = raise_at(t0_, "gas-1");
  const auto closed_later = raise_at(t0_ + 10min, "gas-2");
  clock_.set(t0_ + 20min);
  handle_and_close_at(closed_later, t0_ + 30min);  // the newest of school-1, closed since
  const auto other = raise_at(t0_ + 5min, "gas-9", "school-2");
  // Two raised at the same instant: the later entry (higher id) is the latest.
  const auto tie_a = raise_at(t0_ + 1h, "gas-7", "school-3");
  const auto tie_b = raise_at(t0_ + 1h, "gas-8", "school-3");
  (void)first;
  (void)tie_a;

  auto latest = wait_for<std::vector<ledger_entry>>(
      [&](auto done) { ledger_->latest_by_site(std::move(done)); });
  ASSERT_TRUE(latest.has_value()) << latest.error().message;
  ASSERT_EQ(latest->size(), 3u);
  EXPECT_EQ((*latest)[0].site, "school-1");
  EXPECT_EQ((*latest)[0].id, closed_later);
  EXPECT_EQ((*latest)[0].state, handling::closed);
  EXPECT_EQ((*latest)[1].site, "school-2");
  EXPECT_EQ((*latest)[1].id, other);
  EXPECT_EQ((*latest)[2].site, "school-3");
  EXPECT_EQ((*latest)[2].id, tie_b);
}

}  // namespace
}  // namespace campus::alerts::test
