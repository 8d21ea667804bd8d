// The peak of an entry: the most severe colour reached and its value, kept through falls, clears
// and restarts, found by the severity filter, and taken up from a file of version 1.
#include <sqlite3.h>

#include "ledger_fixture.hpp"

namespace campus::alerts::test {
namespace {

double number(const std::optional<core::reading_value>& v) {
  if (!v) return -1;
  const auto* d = std::get_if<double>(&*v);
  return d ? *d : -2;
}

class peak_test : public ledger_fixture {
 protected:
  // A gas leak raised yellow at 12 %LEL, red at 30, redder at 35, back to yellow at 15, cleared.
  std::int64_t leak_that_reached_red(const std::string& device) {
    auto a = make_alert("gas_leak", device, 1, core::severity::yellow, clock_.now());
    a.value = 12.0;
    auto raised = raise(a);
    EXPECT_TRUE(raised.has_value());
    const auto step = [&](core::severity s, double value, double threshold) {
      clock_.advance(1min);
      a.severity = s;
      a.value = value;
      a.threshold = threshold;
      a.updated_at = clock_.now();
      EXPECT_TRUE(apply(rules::alert_event::kind::updated, a).has_value());
    };
    step(core::severity::red, 30.0, 25.0);
    step(core::severity::red, 35.0, 25.0);  // the same colour, further past: the new peak
    step(core::severity::red, 28.0, 25.0);  // the same colour, less: not
    step(core::severity::yellow, 15.0, 10.0);
    clock_.advance(1min);
    EXPECT_TRUE(clear(a).has_value());
    return raised->entry.id;
  }
};

TEST_F(peak_test, a_fall_back_to_yellow_keeps_the_red_peak_and_its_value) {
  const auto id = leak_that_reached_red("gas-1");
  for (int restart = 0; restart < 2; ++restart) {
    auto e = get(id);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->severity, core::severity::yellow);  // the colour it fell back to
    EXPECT_EQ(e->max_severity, core::severity::red);
    EXPECT_EQ(number(e->raised_value), 12.0);
    EXPECT_EQ(number(e->peak_value), 35.0);
    EXPECT_EQ(std::get<double>(e->value), 15.0);
    EXPECT_EQ(e->cond, rules::condition::cleared);
    reopen();
  }
}

TEST_F(peak_test, a_refire_at_a_lower_colour_keeps_the_peak_a_higher_one_takes_it) {
  auto a = make_alert("gas_leak", "gas-1", 1, core::severity::orange, clock_.now());
  a.value = 20.0;
  const auto id = raise(a)->entry.id;
  clock_.advance(1min);
  ASSERT_TRUE(clear(a).has_value());

  auto again = make_alert("gas_leak", "gas-1", 2, core::severity::yellow, clock_.now());
  again.value = 40.0;  // a higher number at a lower colour is not the peak
  ASSERT_TRUE(raise(again).has_value());
  auto e = get(id);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->max_severity, core::severity::orange);
  EXPECT_EQ(number(e->peak_value), 20.0);
  EXPECT_EQ(number(e->raised_value), 20.0);  // the first firing's

  again.severity = core::severity::red;
  again.value = 26.0;
  again.updated_at = clock_.now();
  ASSERT_TRUE(apply(rules::alert_event::kind::updated, again).has_value());
  e = get(id);
  EXPECT_EQ(e->max_severity, core::severity::red);
  EXPECT_EQ(number(e->peak_value), 26.0);  // a new colour's value, even if lower
}

TEST_F(peak_test, below_a_threshold_the_peak_is_the_lowest) {
  auto a = make_alert("near_water", "beacon-1", 1, core::severity::red, clock_.now());
  a.metric = "dist_m";
  a.value = 1.5;
  a.threshold = 2.0;  // alerting below 2 m
  const auto id = raise(a)->entry.id;
  for (double v : {0.5, 1.0}) {
    clock_.advance(1s);
    a.value = v;
    a.updated_at = clock_.now();
    ASSERT_TRUE(apply(rules::alert_event::kind::updated, a).has_value());
  }
  EXPECT_EQ(number(get(id)->peak_value), 0.5);
}

TEST_F(peak_test, a_state_is_its_own_peak_and_a_manual_hazard_has_none) {
  auto a = make_alert("door_open", "door-1", 1, core::severity::yellow, clock_.now());
  a.value = std::string("open");
  a.threshold.reset();
  const auto id = raise(a)->entry.id;
  auto e = get(id);
  ASSERT_TRUE(e->peak_value.has_value());
  EXPECT_EQ(std::get<std::string>(*e->peak_value), "open");
  EXPECT_EQ(std::get<std::string>(*e->raised_value), "open");

  hazard_spec spec;
  spec.site = "school-1";
  spec.title = "Blocked exit";
  spec.severity = core::severity::orange;
  spec.reported_by = "chen";
  const auto manual = register_hazard(spec)->entry.id;
  e = get(manual);
  EXPECT_FALSE(e->peak_value.has_value());
  EXPECT_FALSE(e->raised_value.has_value());
  EXPECT_EQ(e->max_severity, core::severity::orange);
}

TEST_F(peak_test, the_severity_filter_matches_the_peak) {
  const auto fell_back = leak_that_reached_red("gas-1");
  const auto yellow = raise(make_alert("gas_leak", "gas-2", 1, core::severity::yellow,
                                       clock_.now()))->entry.id;
  ledger_filter f;
  f.severity = core::severity::red;
  auto red = list(f);
  ASSERT_TRUE(red.has_value());
  ASSERT_EQ(red->total, 1);
  EXPECT_EQ(red->entries[0].id, fell_back);
  f.severity = core::severity::yellow;
  auto yellows = list(f);
  ASSERT_EQ(yellows->total, 1);
  EXPECT_EQ(yellows->entries[0].id, yellow);
}

// A ledger.db written before version 2: the old columns, user_version 1.
void write_version_1(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const char* sql = R"sql(
CREATE TABLE entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL, alert_ids TEXT NOT NULL,
  site TEXT NOT NULL, zone TEXT NOT NULL, device TEXT NOT NULL, family TEXT NOT NULL,
  rule TEXT NOT NULL, subject TEXT NOT NULL, rule_name TEXT NOT NULL, rule_name_en TEXT NOT NULL,
  metric TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
  severity INTEGER NOT NULL, max_severity INTEGER NOT NULL,
  condition TEXT NOT NULL, handling TEXT NOT NULL, occurrences INTEGER NOT NULL,
  value_num REAL, value_text TEXT, threshold REAL,
  raised_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, cleared_at INTEGER,
  acknowledged_at INTEGER, acknowledged_by TEXT NOT NULL,
  rectified_at INTEGER, rectified_by TEXT NOT NULL, rectification_note TEXT NOT NULL,
  closed_at INTEGER, closed_by TEXT NOT NULL, verification_note TEXT NOT NULL,
  responsible TEXT NOT NULL, deadline INTEGER
);
CREATE TABLE transitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id INTEGER NOT NULL REFERENCES entries(id),
  at INTEGER NOT NULL, who TEXT NOT NULL, what TEXT NOT NULL,
  from_value TEXT NOT NULL, to_value TEXT NOT NULL, note TEXT NOT NULL
);
-- 1: raised yellow, red, back to yellow, cleared; its row says yellow (as a hand edit might).
-- 2: raised red and still red, 30 %LEL. 3: a manual hazard.
INSERT INTO entries VALUES
  (1, 'sensor', 'gas_leak/gas-1#1', 'school-1', 'kitchen', 'gas-1', 'gas_detector', 'gas_leak',
   '', '燃气泄漏', 'Gas leak', 'lel_pct', '', '', 2, 2, 'cleared', 'new', 1, 15, NULL, 10,
   1000, 4000, 4000, NULL, '', NULL, '', '', NULL, '', '', '', NULL),
  (2, 'sensor', 'gas_leak/gas-2#1', 'school-1', 'kitchen', 'gas-2', 'gas_detector', 'gas_leak',
   '', '燃气泄漏', 'Gas leak', 'lel_pct', '', '', 4, 4, 'active', 'new', 1, 30, NULL, 25,
   2000, 2000, NULL, NULL, '', NULL, '', '', NULL, '', '', '', NULL),
  (3, 'manual', '', 'school-1', 'gate', '', '', '', '', '', '', '', 'Broken gate', '', 3, 3,
   'active', 'new', 1, 0, NULL, NULL, 3000, 3000, NULL, NULL, '', NULL, '', '', NULL, '', '',
   '', NULL);
INSERT INTO transitions (entry_id, at, who, what, from_value, to_value, note) VALUES
  (1, 1000, 'system', 'raised', '', 'yellow', ''),
  (1, 2000, 'system', 'severity_changed', 'yellow', 'red', ''),
  (1, 3000, 'system', 'severity_changed', 'red', 'yellow', ''),
  (1, 4000, 'system', 'cleared', 'active', 'cleared', ''),
  (2, 2000, 'system', 'raised', '', 'red', ''),
  (3, 3000, 'chen', 'registered', '', 'orange', 'Broken gate');
PRAGMA user_version = 1;
)sql";
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_close(db);
}

std::int64_t user_version(const std::string& path) {
  sqlite3* db = nullptr;
  std::int64_t v = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
      v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return v;
}

TEST_F(peak_test, a_version_1_file_takes_its_peaks_from_the_transitions) {
  ledger_.reset();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  write_version_1(path_);
  reopen();
  EXPECT_EQ(user_version(path_), 2);

  auto fell_back = get(1);
  ASSERT_TRUE(fell_back.has_value());
  EXPECT_EQ(fell_back->severity, core::severity::yellow);
  EXPECT_EQ(fell_back->max_severity, core::severity::red);  // from its transitions
  EXPECT_FALSE(fell_back->peak_value.has_value());  // 15 was reported at yellow: not the peak
  EXPECT_FALSE(fell_back->raised_value.has_value());

  auto red = get(2);
  EXPECT_EQ(red->max_severity, core::severity::red);
  EXPECT_EQ(number(red->peak_value), 30.0);  // its latest value was reported at its peak

  auto manual = get(3);
  EXPECT_EQ(manual->max_severity, core::severity::orange);
  EXPECT_FALSE(manual->peak_value.has_value());

  ledger_filter f;
  f.severity = core::severity::red;
  EXPECT_EQ(list(f)->total, 2);

  // The migrated file takes new entries with their peaks, and opens again as it is.
  auto a = make_alert("gas_leak", "gas-3", 1, core::severity::red, clock_.now());
  a.value = 44.0;
  const auto id = raise(a)->entry.id;
  reopen();
  EXPECT_EQ(number(get(id)->peak_value), 44.0);
  EXPECT_EQ(get(1)->max_severity, core::severity::red);
}

}  // namespace
}  // namespace campus::alerts::test
