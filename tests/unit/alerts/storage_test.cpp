// What the file keeps: restarts, commit-before-callback, and the list filters.
#include <fmt/format.h>
#include <sqlite3.h>

#include "ledger_fixture.hpp"

namespace campus::alerts::test {
namespace {

// Counts rows with a separate connection, as another process would see them.
std::int64_t count_rows(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::int64_t n = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      n = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return n;
}

TEST_F(ledger_fixture, callback_runs_only_after_commit) {
  std::promise<std::pair<std::int64_t, std::int64_t>> seen;
  ledger_->apply(
      rules::alert_event{rules::alert_event::kind::raised,
                         make_alert("gas_leak", "gas-1", 1, core::severity::red, clock_.now())},
      [&](ledger_result<ledger_change> r) {
        if (!r) return seen.set_value({-2, -2});  // a failed apply fails the checks below
        seen.set_value({count_rows(path_, fmt::format("SELECT COUNT(*) FROM entries WHERE id = {}",
                                                      r->entry.id)),
                        count_rows(path_, "SELECT COUNT(*) FROM transitions")});
      });
  const auto [entries, transitions] = seen.get_future().get();
  EXPECT_EQ(entries, 1);
  EXPECT_EQ(transitions, 1);

  std::promise<std::int64_t> acked;
  ledger_->acknowledge(1, "wang", "on my way", [&](ledger_result<ledger_change> r) {
    if (!r) return acked.set_value(-2);
    acked.set_value(count_rows(path_,
                               "SELECT COUNT(*) FROM entries WHERE handling = 'acknowledged' AND "
                               "acknowledged_by = 'wang'"));
  });
  EXPECT_EQ(acked.get_future().get(), 1);
}

TEST_F(ledger_fixture, restart_keeps_every_entry_and_transition) {
  const auto closed_id = rectified_and_cleared("gas-1");
  ASSERT_TRUE(close(closed_id, "li", "verified").has_value());
  auto a = make_alert("gas_leak", "gas-2", 1, core::severity::yellow, clock_.now());
  const auto open_id = raise(a)->entry.id;
  a.severity = core::severity::red;
  a.value = std::string("leak");
  ASSERT_TRUE(apply(rules::alert_event::kind::updated, a).has_value());
  hazard_spec spec;
  spec.site = "school-1";
  spec.title = "Blocked exit";
  spec.deadline = clock_.now() + 1h;
  spec.reported_by = "chen";
  const auto manual_id = register_hazard(spec)->entry.id;
  const auto before_open = get(open_id).value();
  const auto before_closed = transitions(closed_id).value();

  reopen();

  auto restored = ledger_->restore();
  ASSERT_TRUE(restored.has_value());
  ASSERT_EQ(restored->size(), 2u);
  EXPECT_EQ((*restored)[0].id, open_id);
  EXPECT_EQ((*restored)[1].id, manual_id);
  EXPECT_EQ((*restored)[1].deadline, spec.deadline);

  auto after_open = get(open_id);
  ASSERT_TRUE(after_open.has_value());
  EXPECT_EQ(after_open->severity, core::severity::red);
  EXPECT_EQ(std::get<std::string>(after_open->value), "leak");
  EXPECT_EQ(after_open->alert_ids, before_open.alert_ids);
  EXPECT_EQ(after_open->raised_at, before_open.raised_at);
  EXPECT_EQ(after_open->family, "gas_detector");
  auto after_closed = transitions(closed_id);
  ASSERT_TRUE(after_closed.has_value());
  ASSERT_EQ(after_closed->size(), before_closed.size());
  for (std::size_t i = 0; i < before_closed.size(); ++i) {
    EXPECT_EQ((*after_closed)[i].id, before_closed[i].id);
    EXPECT_EQ((*after_closed)[i].what, before_closed[i].what);
    EXPECT_EQ((*after_closed)[i].who, before_closed[i].who);
    EXPECT_EQ((*after_closed)[i].at, before_closed[i].at);
    EXPECT_EQ((*after_closed)[i].note, before_closed[i].note);
  }
  EXPECT_EQ(get(closed_id)->verification_note, "verified");

  // The restored open entry still takes re-fires as the same entry.
  auto refired = raise(make_alert("gas_leak", "gas-2", 7, core::severity::red, clock_.now()));
  ASSERT_TRUE(refired.has_value());
  EXPECT_EQ(refired->entry.id, open_id);
  EXPECT_EQ(refired->entry.occurrences, 2);
  EXPECT_EQ(metric("campus_ledger_open_entries", "severity=\"red\""), 1);
}

TEST_F(ledger_fixture, stopped_ledger_answers_stopped) {
  ledger_->stop();
  auto r = get(1);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, ledger_error::code::stopped);
  EXPECT_FALSE(ledger_->restore().has_value());
}

TEST_F(ledger_fixture, open_reports_an_unusable_path) {
  core::metrics m;
  auto r = alert_ledger::open((dir_ / "missing" / "ledger.db").string(), clock_, m);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, ledger_error::code::storage);
  EXPECT_NE(r.error().message.find("missing"), std::string::npos);
}

class ledger_filter_test : public ledger_fixture {
 protected:
  void SetUp() override {
    // Five entries, one minute apart: ids 1 … 5, raised t0 … t0+4min.
    t0_ = clock_.now();
    add("school-1", "kitchen", "gas_leak", "gas-1", "lel_pct", core::severity::red);
    add("school-1", "lab", "door_open", "door-1", "door", core::severity::yellow);
    add("school-2", "kitchen", "gas_leak", "gas-2", "lel_pct", core::severity::orange);
    add("school-2", "pond", "near_water", "beacon-1", "dist_m", core::severity::red);
    add("school-3", "kitchen", "gas_leak", "gas-3", "lel_pct", core::severity::yellow);
    // Entry 2 cleared, entry 3 acknowledged, entry 4 carries a deadline now past.
    ASSERT_TRUE(clear(alerts_[1]).has_value());
    ASSERT_TRUE(acknowledge(3, "wang").has_value());
    ASSERT_TRUE(wait_for<ledger_change>([&](auto done) {
                  ledger_->assign(4, "liu", "zhao", clock_.now() + 1min, std::move(done));
                }).has_value());
    clock_.advance(2min);
  }

  void add(const std::string& site, const std::string& zone, const std::string& rule,
           const std::string& device, const std::string& metric_name, core::severity s) {
    auto a = make_alert(rule, device, 1, s, clock_.now());
    a.site = site;
    a.zone = zone;
    a.metric = metric_name;
    ASSERT_TRUE(raise(a).has_value());
    alerts_.push_back(a);
    clock_.advance(1min);
  }

  std::vector<std::int64_t> ids(ledger_filter f) {
    auto page = list(std::move(f));
    EXPECT_TRUE(page.has_value());
    std::vector<std::int64_t> out;
    if (page) {
      for (const auto& e : page->entries) out.push_back(e.id);
    }
    return out;
  }

  core::time_point t0_;
  std::vector<rules::alert> alerts_;
};

using ids_t = std::vector<std::int64_t>;

TEST_F(ledger_filter_test, newest_first_with_limit_and_offset) {
  EXPECT_EQ(ids({}), (ids_t{5, 4, 3, 2, 1}));
  ledger_filter f;
  f.limit = 2;
  f.offset = 1;
  auto page = list(f);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->entries.size(), 2u);
  EXPECT_EQ(page->entries[0].id, 4);
  EXPECT_EQ(page->entries[1].id, 3);
}

TEST_F(ledger_filter_test, by_site_zone_and_family) {
  ledger_filter f;
  f.sites = {"school-1", "school-3"};
  EXPECT_EQ(ids(f), (ids_t{5, 2, 1}));
  f = {};
  f.zone = "kitchen";
  EXPECT_EQ(ids(f), (ids_t{5, 3, 1}));
  f = {};
  f.family = "gas_detector";
  f.sites = {"school-2"};
  EXPECT_EQ(ids(f), (ids_t{3}));
  f = {};
  f.device = "gas-3";
  EXPECT_EQ(ids(f), (ids_t{5}));
}

TEST_F(ledger_filter_test, by_severity_condition_and_handling) {
  ledger_filter f;
  f.severity = core::severity::red;
  EXPECT_EQ(ids(f), (ids_t{4, 1}));
  f = {};
  f.cond = rules::condition::cleared;
  EXPECT_EQ(ids(f), (ids_t{2}));
  f = {};
  f.state = handling::acknowledged;
  EXPECT_EQ(ids(f), (ids_t{3}));
  f = {};
  f.state = handling::new_;
  f.cond = rules::condition::active;
  EXPECT_EQ(ids(f), (ids_t{5, 4, 1}));
}

TEST_F(ledger_filter_test, overdue_only_and_time_range) {
  ledger_filter f;
  f.overdue_only = true;
  auto page = list(f);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].id, 4);
  EXPECT_TRUE(page->entries[0].overdue);
  f = {};
  f.raised_from = t0_ + 1min;
  f.raised_to = t0_ + 3min;
  EXPECT_EQ(ids(f), (ids_t{3, 2}));
}

TEST_F(ledger_filter_test, bad_limit_is_refused) {
  ledger_filter f;
  f.limit = 0;
  auto r = list(f);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, ledger_error::code::invalid_argument);
  f.limit = ledger_filter::max_limit + 1;
  EXPECT_FALSE(list(f).has_value());
}

}  // namespace
}  // namespace campus::alerts::test
