// The ledger of a backfill: a week of one school through the real rule engine into a real
// ledger (SQLite in a temporary directory), read back through the ledger's own API. The planned
// gas spikes must become gas-leak entries raised at the spike, acknowledged, reported and closed
// by someone other than the rectifier; the ledger's clock never goes back; nothing is left
// unacknowledged; the same seed writes the same ledger; a ledger with entries is refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <set>
#include <tuple>

#include "alerts/alert_ledger.hpp"
#include "config/loader.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "incident/entry_history.hpp"
#include "notify/duty/duty_config.hpp"
#include "notify/duty/escalation_tracker.hpp"
#include "sample_district.hpp"
#include "sim/backfill_generator.hpp"
#include "sim/ledger_replay.hpp"

namespace campus::sim {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using alerts::handling;
using alerts::transition_kind;

class temp_dir {
 public:
  explicit temp_dir(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("campus-ledger-backfill-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string ledger() const { return (path_ / "ledger.db").string(); }

 private:
  fs::path path_;
};

// The sample district's duty roster (its people's names in the ledger).
const notify::duty::roster& sample_roster() {
  static const notify::duty::roster roster = [] {
    const auto& d = testing::sample_district();
    auto duty = notify::duty::load_duty_file(d.source_file, d);
    EXPECT_TRUE(duty);
    return notify::duty::roster(duty ? duty->plan : notify::duty::duty_plan{});
  }();
  return roster;
}

struct backfilled {
  ledger_replay_summary summary;
  std::vector<backfill_incident> incidents;
  std::vector<std::string> left_out;
};

backfill_settings span(core::time_point from, core::duration length, core::duration step,
                       std::uint64_t seed) {
  backfill_settings s;
  s.from = from;
  s.to = from + length;
  s.step = step;
  s.seed = seed;
  s.site = "xh-primary";
  return s;
}

// What campus-sim --backfill does, without the history store.
std::expected<backfilled, std::string> backfill(const std::string& ledger,
                                                const backfill_settings& s) {
  const auto& district = testing::sample_district();
  auto gen = backfill_generator::make(district, s);
  if (!gen) return std::unexpected(gen.error());
  ledger_replay_settings ls;
  ls.from = s.from;
  ls.to = s.to;
  ls.step = s.step;
  ls.seed = s.seed;
  ls.site = s.site;
  auto replay = ledger_replay::open(ledger, district, gen->device_ids(), &sample_roster(), ls);
  if (!replay) return std::unexpected(replay.error());
  std::vector<core::reading> chunk;
  while (gen->next(chunk, 5000) > 0) {
    (*replay)->feed(chunk);
    chunk.clear();
  }
  backfilled b;
  b.left_out = (*replay)->left_out();
  b.summary = (*replay)->finish();
  b.incidents = gen->incidents();
  return b;
}

template <class T, class Start>
T wait_for(Start&& start) {
  std::promise<alerts::ledger_result<T>> answer;
  auto future = answer.get_future();
  start([&answer](alerts::ledger_result<T> r) { answer.set_value(std::move(r)); });
  auto r = future.get();
  EXPECT_TRUE(r) << r.error().message;
  return r ? std::move(*r) : T{};
}

struct read_back {
  std::vector<alerts::ledger_entry> entries;  // oldest first
  std::map<std::int64_t, std::vector<alerts::ledger_transition>> transitions;
};

read_back read_ledger(const std::string& path, core::time_point now) {
  core::manual_clock clock(now);
  core::metrics metrics;
  auto ledger = alerts::alert_ledger::open(path, clock, metrics);
  EXPECT_TRUE(ledger);
  read_back out;
  if (!ledger) return out;
  alerts::ledger_filter all;
  all.limit = alerts::ledger_filter::max_limit;
  out.entries =
      wait_for<alerts::ledger_page>([&](auto done) { (*ledger)->list(all, done); }).entries;
  std::reverse(out.entries.begin(), out.entries.end());
  for (const auto& e : out.entries) {
    out.transitions[e.id] = wait_for<std::vector<alerts::ledger_transition>>(
        [&](auto done) { (*ledger)->transitions(e.id, done); });
  }
  (*ledger)->stop();
  return out;
}

const alerts::ledger_transition* first(const std::vector<alerts::ledger_transition>& ts,
                                       transition_kind k) {
  for (const auto& t : ts)
    if (t.what == k) return &t;
  return nullptr;
}

// What a server started on this ledger at `now` would send at once: the open entries' records
// replayed into the real escalation tracker (as incident_desk::restore does), then one tick;
// plus the one-hour reports it would find overdue.
std::size_t sent_on_restart(const read_back& ledger, core::time_point now) {
  const auto& d = testing::sample_district();
  auto duty = notify::duty::load_duty_file(d.source_file, d);
  EXPECT_TRUE(duty);
  if (!duty) return 0;
  core::manual_clock clock(now);
  notify::duty::escalation_tracker tracker(sample_roster(), duty->escalation, clock);
  for (const auto& e : ledger.entries) {
    if (!e.is_open()) continue;
    const auto& ts = ledger.transitions.at(e.id);
    tracker.restore({incident::record_of(e, ts)}, incident::sent_until_of(e, ts));
  }
  return tracker.on_tick(now).size() + tracker.overdue_reports(now).size();
}

// A week from Monday 24 November 2025 at one sample a minute: two gas spikes at lunch time.
constexpr std::uint64_t week_seed = 11;
const backfill_settings week = span(testing::monday_midnight, 7 * 24h, 1min, week_seed);

TEST(ledger_backfill, a_gas_spike_is_raised_acknowledged_reported_rectified_and_closed) {
  temp_dir dir("spike");
  const auto done = backfill(dir.ledger(), week);
  ASSERT_TRUE(done) << done.error();
  EXPECT_TRUE(done->left_out.empty());  // at 1 min every absence rule is replayed
  const auto got = read_ledger(dir.ledger(), week.to);

  std::vector<const backfill_incident*> spikes;
  for (const auto& i : done->incidents)
    if (i.what == backfill_incident::kind::gas_spike) spikes.push_back(&i);
  ASSERT_EQ(spikes.size(), 2u);

  int closed = 0;
  for (const auto* spike : spikes) {
    const alerts::ledger_entry* entry = nullptr;
    for (const auto& e : got.entries) {
      if (e.rule == "gas-leak" && e.device == spike->device &&
          e.raised_at >= spike->from - week.step && e.raised_at <= spike->to + week.step)
        entry = &e;
    }
    ASSERT_NE(entry, nullptr) << "no gas-leak entry for " << spike->describe();
    const auto& ts = got.transitions.at(entry->id);
    // Raised on the climb (the first 30 % of the spike), within one step.
    EXPECT_LE(entry->raised_at, spike->from + (spike->to - spike->from) * 3 / 10 + week.step);
    EXPECT_EQ(entry->max_severity, core::severity::red);
    EXPECT_EQ(entry->family, "gas_detector");
    // The backfill note, at once.
    const auto* note = first(ts, transition_kind::note);
    ASSERT_NE(note, nullptr);
    EXPECT_EQ(note->note, "backfill");
    EXPECT_EQ(note->at, entry->raised_at);
    // Acknowledged by the duty leader on duty, a minute to an hour and a half later.
    const auto* ack = first(ts, transition_kind::acknowledged);
    ASSERT_NE(ack, nullptr);
    EXPECT_GE(ack->at - entry->raised_at, 1min);
    EXPECT_LE(ack->at - entry->raised_at, 90min);
    EXPECT_EQ(ack->who, "张伟");  // xh-primary's weekday day leader (lunch time on a weekday)
    // Red: reported to the bureau, after the acknowledgement.
    const auto* reported = first(ts, transition_kind::reported);
    ASSERT_NE(reported, nullptr);
    EXPECT_GE(reported->at, ack->at);
    if (entry->state == handling::closed) {
      ++closed;
      ASSERT_TRUE(entry->cleared_at && entry->rectified_at && entry->closed_at);
      EXPECT_GE(*entry->rectified_at - *entry->cleared_at, 1h);
      EXPECT_GE(*entry->closed_at - *entry->rectified_at, 1h);
      EXPECT_FALSE(entry->rectification_note.empty());
      EXPECT_FALSE(entry->verification_note.empty());
      EXPECT_NE(entry->closed_by, entry->rectified_by);
      EXPECT_EQ(entry->closed_by, "刘洋");  // the safety director
    }
  }
  EXPECT_GE(closed, 1) << "at least the first spike is handled to the end within the week";
}

TEST(ledger_backfill, the_ledger_clock_never_goes_back_and_nothing_is_left_unacknowledged) {
  temp_dir dir("order");
  const auto done = backfill(dir.ledger(), week);
  ASSERT_TRUE(done) << done.error();
  EXPECT_EQ(done->summary.clock_clamped, 0u);
  EXPECT_EQ(done->summary.refused, 0u) << done->summary.last_refusal;
  const auto got = read_ledger(dir.ledger(), week.to);
  ASSERT_EQ(got.entries.size(), done->summary.sensor_entries + done->summary.manual_entries);

  std::vector<alerts::ledger_transition> all;
  for (const auto& e : got.entries) {
    const auto& ts = got.transitions.at(e.id);
    ASSERT_FALSE(ts.empty());
    // Per entry, and over the whole ledger in recording order.
    for (std::size_t i = 1; i < ts.size(); ++i) EXPECT_GE(ts[i].at, ts[i - 1].at) << e.id;
    all.insert(all.end(), ts.begin(), ts.end());
    EXPECT_GE(e.raised_at, week.from);
    EXPECT_LE(e.updated_at, week.to);
    // Every entry carries the backfill note; nobody was texted.
    EXPECT_TRUE(std::any_of(ts.begin(), ts.end(), [](const auto& t) {
      return t.what == transition_kind::note && t.note == "backfill";
    })) << e.id;
    EXPECT_EQ(first(ts, transition_kind::notified), nullptr) << e.id;
    // A restarted server must find nothing to escalate, and no report missing.
    if (e.is_open()) {
      EXPECT_NE(e.state, handling::new_) << e.id;
    }
    if (e.max_severity >= core::severity::orange) {
      EXPECT_NE(first(ts, transition_kind::reported), nullptr) << e.id;
    }
  }
  EXPECT_EQ(sent_on_restart(got, week.to), 0u);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_GE(all[i].at, all[i - 1].at) << "transition " << all[i].id;
  }
}

TEST(ledger_backfill, an_alert_raised_just_before_the_end_is_acknowledged_and_reported_then) {
  // Hand-made readings: a detector quiet for an hour, then 30 %LEL a minute before the end.
  // Nobody would acknowledge or report it in time; a restarted server must not find it `new`.
  temp_dir dir("end");
  const auto& district = testing::sample_district();
  ledger_replay_settings ls;
  ls.from = testing::monday_midnight + 10h;
  ls.to = ls.from + 1h;
  ls.seed = 4;
  ls.site = "xh-primary";
  ls.hazards = false;
  auto replay =
      ledger_replay::open(dir.ledger(), district, {"xh-kitchen-gas-1"}, &sample_roster(), ls);
  ASSERT_TRUE(replay) << replay.error();
  std::vector<core::reading> readings;
  for (auto t = ls.from + 7s; t < ls.to; t += 1min) {
    const double lel = t >= ls.to - 1min ? 30.0 : 1.0;
    readings.push_back(
        {"xh-primary", "kitchen", "xh-kitchen-gas-1", "lel_pct", "", lel, "%LEL", t});
  }
  (*replay)->feed(readings);
  const auto summary = (*replay)->finish();
  EXPECT_EQ(summary.sensor_entries, 1u);
  EXPECT_EQ(summary.end_acknowledged, 1u);
  EXPECT_EQ(summary.end_reported, 1u);
  EXPECT_EQ(summary.refused, 0u) << summary.last_refusal;

  const auto got = read_ledger(dir.ledger(), ls.to);
  // Nobody is texted when the server starts on it.
  EXPECT_EQ(sent_on_restart(got, ls.to + 1s), 0u);
  ASSERT_EQ(got.entries.size(), 1u);
  const auto& e = got.entries.front();
  EXPECT_EQ(e.rule, "gas-leak");
  EXPECT_EQ(e.severity, core::severity::red);
  EXPECT_EQ(e.state, handling::acknowledged);
  EXPECT_EQ(e.acknowledged_at, ls.to);
  const auto& ts = got.transitions.at(e.id);
  const auto* reported = first(ts, transition_kind::reported);
  ASSERT_NE(reported, nullptr);
  EXPECT_EQ(reported->at, ls.to);
  EXPECT_TRUE(reported->note.starts_with("补报")) << reported->note;
}

TEST(ledger_backfill, the_same_seed_writes_the_same_ledger) {
  temp_dir a("same-a"), b("same-b");
  ASSERT_TRUE(backfill(a.ledger(), week));
  ASSERT_TRUE(backfill(b.ledger(), week));
  const auto x = read_ledger(a.ledger(), week.to);
  const auto y = read_ledger(b.ledger(), week.to);
  ASSERT_EQ(x.entries.size(), y.entries.size());
  ASSERT_FALSE(x.entries.empty());
  for (std::size_t i = 0; i < x.entries.size(); ++i) {
    const auto& tx = x.transitions.at(x.entries[i].id);
    const auto& ty = y.transitions.at(y.entries[i].id);
    ASSERT_EQ(tx.size(), ty.size()) << i;
    for (std::size_t k = 0; k < tx.size(); ++k) {
      EXPECT_EQ(std::tie(tx[k].at, tx[k].who, tx[k].what, tx[k].from, tx[k].to, tx[k].note),
                std::tie(ty[k].at, ty[k].who, ty[k].what, ty[k].from, ty[k].to, ty[k].note));
    }
  }
  // Another seed: other people's timing.
  temp_dir c("other");
  auto other = week;
  other.seed = week_seed + 1;
  ASSERT_TRUE(backfill(c.ledger(), other));
  const auto z = read_ledger(c.ledger(), week.to);
  bool differs = z.entries.size() != x.entries.size();
  for (std::size_t i = 0; !differs && i < x.entries.size(); ++i)
    differs = x.entries[i].acknowledged_at != z.entries[i].acknowledged_at;
  EXPECT_TRUE(differs);
}

TEST(ledger_backfill, a_ledger_that_already_holds_entries_is_refused) {
  temp_dir dir("refuse");
  ASSERT_TRUE(backfill(dir.ledger(), week));
  const auto before = read_ledger(dir.ledger(), week.to).entries.size();
  ASSERT_GT(before, 0u);
  const auto again = backfill(dir.ledger(), week);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().find("already holds"), std::string::npos) << again.error();
  EXPECT_EQ(read_ledger(dir.ledger(), week.to).entries.size(), before);
}

TEST(ledger_backfill, a_coarse_month_leaves_out_short_absence_rules_and_registers_hazards) {
  temp_dir dir("month");
  // 35 days from Monday 24 November 2025 at 10 minutes: November, December and a bit of January.
  const auto s = span(testing::monday_midnight, 35 * 24h, 10min, 3);
  const auto done = backfill(dir.ledger(), s);
  ASSERT_TRUE(done) << done.error();
  EXPECT_EQ(done->left_out, (std::vector<std::string>{"device-offline (period 5m)",
                                                      "camera-offline-kitchen-hours (period 2m)"}));
  EXPECT_EQ(done->summary.refused, 0u) << done->summary.last_refusal;
  const auto got = read_ledger(dir.ledger(), s.to);
  int manual = 0;
  for (const auto& e : got.entries) {
    EXPECT_NE(e.rule, "device-offline");
    if (e.kind != alerts::entry_kind::manual) continue;
    ++manual;
    EXPECT_FALSE(e.title.empty());
    EXPECT_FALSE(e.responsible.empty());
    ASSERT_TRUE(e.deadline);
    EXPECT_GE(*e.deadline - e.raised_at, 3 * 24h);
    const auto& ts = got.transitions.at(e.id);
    const auto* registered = first(ts, transition_kind::registered);
    ASSERT_NE(registered, nullptr);
    EXPECT_EQ(registered->who, "刘洋");
    if (e.state == handling::closed) {
      EXPECT_EQ(e.rectified_by, e.responsible);
      EXPECT_NE(e.closed_by, e.rectified_by);
    }
  }
  // 2–4 a month and school: November's last week gets its share, December all of its.
  EXPECT_GE(manual, 2);
  EXPECT_LE(manual, 12);
  EXPECT_EQ(done->summary.manual_entries, static_cast<std::uint64_t>(manual));
}

TEST(ledger_backfill, a_month_of_one_school_has_red_and_orange_entries_of_several_families) {
  temp_dir dir("colours");
  // 30 days at 10 minutes (cheap): both absence rules are left out at that step (device-offline
  // 5 min, camera-offline-kitchen-hours 2 min), so the outages raise nothing here.
  const auto s = span(testing::monday_midnight, 30 * 24h, 10min, 5);
  const auto done = backfill(dir.ledger(), s);
  ASSERT_TRUE(done) << done.error();
  EXPECT_EQ(done->left_out, (std::vector<std::string>{"device-offline (period 5m)",
                                                      "camera-offline-kitchen-hours (period 2m)"}));
  EXPECT_EQ(done->summary.refused, 0u) << done->summary.last_refusal;
  const auto got = read_ledger(dir.ledger(), s.to);

  std::set<std::string> families;
  std::set<core::severity> colours;
  std::size_t sensor = 0;
  for (const auto& e : got.entries) {
    if (e.kind != alerts::entry_kind::sensor) continue;
    ++sensor;
    families.insert(e.family);
    colours.insert(e.max_severity);
  }
  EXPECT_GE(families.size(), 2u) << ::testing::PrintToString(families);
  EXPECT_TRUE(colours.contains(core::severity::red));
  EXPECT_TRUE(colours.contains(core::severity::orange));

  // Every planned incident a replayed rule watches has its entry, raised during it.
  auto entry_for = [&](const backfill_incident& i, const std::string& rule) {
    return std::find_if(got.entries.begin(), got.entries.end(), [&](const auto& e) {
      return e.rule == rule && e.device == i.device && e.raised_at >= i.from &&
             e.raised_at <= i.to + s.step;
    });
  };
  std::size_t spikes = 0, rises = 0, doors = 0;
  for (const auto& i : done->incidents) {
    using kind = backfill_incident::kind;
    if (i.what == kind::gas_spike) {
      ++spikes;
      const auto e = entry_for(i, "gas-leak");
      ASSERT_NE(e, got.entries.end()) << i.describe();
      EXPECT_EQ(e->max_severity, core::severity::red) << i.describe();
    } else if (i.what == kind::co_rise) {
      ++rises;
      const auto e = entry_for(i, "co-high");
      ASSERT_NE(e, got.entries.end()) << i.describe();
      EXPECT_EQ(e->max_severity, core::severity::orange) << i.describe();
    } else if (i.what == kind::door_left_open) {
      ++doors;
      EXPECT_NE(entry_for(i, "cabinet-door-after-hours"), got.entries.end()) << i.describe();
    }
  }
  // ~1 spike in 10 days, a CO rise and a door in 3 weeks: 30 days rounds to 3, 1–2, 1–2.
  EXPECT_EQ(spikes, 3u);
  EXPECT_GE(rises, 1u);
  EXPECT_GE(doors, 1u);
  EXPECT_GE(sensor, spikes + rises + doors);
}

}  // namespace
}  // namespace campus::sim
