// The hazard ledger of a backfill: the backfilled readings go through the real rule engine on
// a simulated clock, every alert event becomes a ledger change at its simulated moment, and
// simulated people handle the entries (backfill_people.hpp), plus the hazards they register by
// hand (backfill_hazards.hpp). What the live server would have recorded had it run that month,
// apart from the escalation messages (no `notified` transitions: nobody was texted).
//
//   auto replay = ledger_replay::open(path, district, gen.device_ids(), roster, settings);
//   for each chunk of the generator, in order:  replay->feed(chunk);
//   auto summary = replay->finish();
//
// Time: readings must come in non-decreasing `ts` (the generator's order). Before each reading
// the replay runs, in time order, every engine tick (each step boundary, and at least one a
// minute) and every planned action due by its `ts`; so the ledger's clock never goes back.
// Absence rules whose period is under twice the step are left out when the step is over a
// minute: samples that far apart would look like silences (left_out()).
//
// The people, per entry, deterministic in the seed:
//   - a `backfill` note right after the entry is created (who: campus-sim);
//   - acknowledged by the duty leader on duty 1–15 min later, one sensor entry in six 20–90 min
//     later (late enough to escalate); again after a rise in severity (which reopens it);
//   - orange and red: reported 10–50 min after first reaching orange/red, one in five after
//     60–120 min, never before the acknowledgement;
//   - once the condition cleared: rectified 1–48 h later (a note per rule), closed 1–24 h after
//     that by the verifier (safety director on duty, never the rectifier);
//   - one sensor entry in ten is left acknowledged and open, assigned to a responsible person
//     with a deadline 1–10 days on (some already passed at the end: overdue);
//   - at the end (settings.to): every open entry still `new` is acknowledged (a restarted
//     server would otherwise replay its escalation and text everybody), and every orange or
//     red entry without a report is reported, late.
//
// Threading: the caller's thread; the ledger's worker is waited for at every change.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alerts/alert_ledger.hpp"
#include "config/district.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "notify/duty/roster.hpp"
#include "rules/rule_engine.hpp"
#include "sim/backfill_hazards.hpp"
#include "sim/backfill_people.hpp"
#include "sim/ledger_clerk.hpp"

namespace campus::sim {

struct ledger_replay_settings {
  core::time_point from;        // the backfill's span
  core::time_point to;          // the end: final acknowledgements and reports happen here
  core::duration step{60'000};  // the generator's sampling period
  std::uint64_t seed = 1;
  std::string site;     // only this school (hand-registered hazards); empty = all
  bool hazards = true;  // false: sensor entries only
};

struct ledger_replay_summary {
  std::uint64_t sensor_entries = 0;
  std::uint64_t manual_entries = 0;
  std::int64_t open_entries = 0;       // at the end (handling not closed)
  std::size_t overdue_entries = 0;     // of those, past their deadline at the end
  std::uint64_t alert_events = 0;      // from the rule engine
  std::uint64_t actions = 0;           // people's changes committed
  std::uint64_t end_acknowledged = 0;  // acknowledged at the end
  std::uint64_t end_reported = 0;      // reported (late) at the end
  std::uint64_t refused = 0;           // changes the ledger refused (a planning bug)
  std::string last_refusal;
  std::uint64_t clock_clamped = 0;  // requests timed before the previous one: must be 0
};

class ledger_replay {
 public:
  // Opens (creating) the ledger at `path` and refuses one that already holds entries: a
  // backfill is never mixed into a live ledger. `devices`: the simulated devices (the engine
  // watches only these, or the others would look silent). `roster` may be null; it and
  // `district` must outlive the replay.
  static std::expected<std::unique_ptr<ledger_replay>, std::string> open(
      const std::string& path, const config::district& district,
      const std::vector<std::string>& devices, const notify::duty::roster* roster,
      ledger_replay_settings settings);

  ~ledger_replay();  // stops the ledger (every change made is committed)
  ledger_replay(const ledger_replay&) = delete;
  ledger_replay& operator=(const ledger_replay&) = delete;

  // The rules replayed at `step`: all of them, less the absence rules whose period is under
  // 2 × step when step is over a minute; `left_out` gets "<id> (period <p>)" for each.
  static std::vector<rules::rule_def> replayed_rules(const std::vector<rules::rule_def>& rules,
                                                     core::duration step,
                                                     std::vector<std::string>* left_out);
  const std::vector<std::string>& left_out() const { return left_out_; }

  // The next readings, in time order.
  void feed(const std::vector<core::reading>& readings);

  // Runs what is due before settings.to, the end-of-backfill acknowledgements and reports,
  // counts what is left open, and stops the ledger. Call once.
  ledger_replay_summary finish();

 private:
  enum class act { register_hazard, acknowledge, report, rectify, close, assign };

  // What the replay knows of one entry and has planned for it.
  struct tracked {
    alerts::ledger_entry entry;         // as of the last change
    std::optional<std::size_t> hazard;  // index into hazards_ for a hand-registered one
    bool left_open = false;
    bool ack_pending = false;
    std::optional<core::time_point> ack_at;
    bool first_ack = true;
    bool report_planned = false;
    bool reported = false;
    bool assigned = false;
    std::uint64_t draws = 0;  // the next draw index for this entry
  };

  ledger_replay(const config::district& district, const notify::duty::roster* roster,
                ledger_replay_settings settings);

  void advance_to(core::time_point t);
  core::time_point following_tick(core::time_point t) const;
  void record(const std::vector<rules::alert_event>& events, core::time_point at);
  void plan(core::time_point at, act what, std::int64_t id, std::size_t hazard = 0);
  void run(core::time_point at, act what, std::int64_t id, std::size_t hazard);
  // A change committed: remember it; a new entry gets its `backfill` note; plan what follows.
  void committed(const alerts::ledger_change& change, core::time_point at);
  void react(tracked& t, const std::vector<alerts::ledger_transition>& transitions,
             core::time_point at);
  bool accepted(const ledger_clerk::change& result, core::time_point at);
  core::duration draw(tracked& t, core::duration lo, core::duration hi);
  std::string zone_type(const alerts::ledger_entry& e) const;

  const config::district& district_;
  ledger_replay_settings settings_;
  backfill_people people_;
  std::vector<backfill_hazard> hazards_;
  std::vector<std::string> left_out_;

  core::manual_clock engine_clock_;  // the caller's thread only
  core::manual_clock ledger_clock_;  // set by the clerk before each request
  core::metrics metrics_;
  std::unique_ptr<rules::rule_engine> engine_;
  std::unique_ptr<alerts::alert_ledger> ledger_;  // after the clocks: stops before they go
  std::unique_ptr<ledger_clerk> clerk_;

  std::map<std::int64_t, tracked> entries_;
  // Planned actions by (time, order planned): the earliest first, ties in planning order.
  struct planned {
    act what;
    std::int64_t id;
    std::size_t hazard;
  };
  std::map<std::pair<core::time_point, std::uint64_t>, planned> actions_;
  std::uint64_t planned_count_ = 0;
  core::time_point next_tick_{};
  std::uint64_t sensor_seen_ = 0;   // sensor entries created, for "one in six" and "one in ten"
  std::uint64_t serious_seen_ = 0;  // entries that reached orange/red, for "one in five"
  ledger_replay_summary summary_;
};

}  // namespace campus::sim
