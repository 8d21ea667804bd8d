// Evaluates rules against readings and the passage of time; emits alert events.
//
// Deterministic: all timing uses the injected clock's now() (the time a reading arrived), never
// the device's own timestamp, so a device with a wrong clock cannot hide an alarm, and tests
// need no sleeping. Not thread-safe: the ingest pipeline calls it from one strand.
#pragma once

#include <cstddef>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "rules/alert.hpp"
#include "rules/rule.hpp"

namespace campus::rules {

// What the engine needs to know of a device to match rules and read local time.
struct device_profile {
  std::string id;
  std::string site;
  std::string zone;
  std::string zone_type;
  std::string family;
  std::string time_zone;  // IANA name of its site, e.g. "Asia/Shanghai"
};

class rule_engine {
 public:
  // Binds each device to the rules that match it, once. Devices never heard from count as
  // silent from clock.now() here. Throws std::invalid_argument when a device bound to a rule
  // with time windows has an unknown time zone (a configuration error: fail fast). `clock`
  // must outlive the engine.
  rule_engine(std::vector<rule_def> rules, std::vector<device_profile> devices,
              const core::clock& clock);
  ~rule_engine();
  rule_engine(const rule_engine&) = delete;
  rule_engine& operator=(const rule_engine&) = delete;

  // A reading has arrived (at clock.now()). Readings of unknown devices are ignored.
  std::vector<alert_event> on_reading(const core::reading& r);

  // Time has passed: fires `for` durations that have run out, absence and stuck periods,
  // dwell times, clears quiet event-count alerts, applies time-window edges.
  // Call it about once a second.
  std::vector<alert_event> on_tick();

  std::vector<alert> active_alerts() const;

  // After a restart: takes up the conditions that were active when the process stopped (the
  // open ledger entries), without events, so the next reading that no longer holds clears
  // them and one that still holds raises nothing new. Matched by rule, device and subject; an
  // alert whose device or rule binding is gone, or that is already active, is left out.
  // Returns the alerts taken up, with the ids the engine now knows them by.
  std::vector<alert> restore(const std::vector<alert>& active);

  // Pending durations across a restart (docs/reliability.md, "Restart"): a `for` wait, an
  // absence period, a stuck run, the arrivals of an event-count window, a tag's time near.
  enum class save_moment {
    running,   // a periodic save: the server goes on, so a crash may leave this one old
    stopping,  // the last save as the server stops: nothing is handled after it
  };

  // The trackers' pending state as text: a header line
  //   {"format":"campus-rule-state","version":1,"saved_at":<epoch ms>,"stopped":<bool>}
  // then one record per line, keyed by kind, device, rule and subject (rules/pending_state.hpp).
  // Only durations that have run save_after(the rule's duration) are written (event-count
  // arrivals always), so a healthy district writes a small file; conditions of active alerts
  // are not, since the ledger has them (restore()). Reads the trackers only: call it on the
  // engine's own thread, then write the text wherever (the application: off the loop).
  std::string save_pending(save_moment moment = save_moment::running) const;

  struct pending_load {
    std::size_t taken = 0;       // records taken up
    std::size_t unbound = 0;     // the district changed: their device or rule is gone, the rule
                                 // no longer binds the device or is of another kind, or its
                                 // levels no longer hold for the saved value
    std::size_t superseded = 0;  // an alert of the same subject was taken up by restore()
    std::size_t malformed = 0;   // lines that are not a valid record
    std::vector<std::string> problems;  // "line N: …", for the first few malformed lines
    core::duration downtime{0};  // now − saved_at; zero when the clock went back
    bool exact = false;          // written as the server stopped (save_moment::stopping)
  };

  // Takes up what save_pending wrote, after restore(). Time while the server was down does not
  // count: every saved time is shifted forward by now − saved_at, so a duration resumes where
  // it stood when it was saved, and a device whose messages waited at the broker meanwhile
  // gets them in before it can count as silent. Never backward: if the clock went back,
  // nothing is shifted, and a saved time still ahead of the clock counts as now.
  // A pending duration not in the text starts from now, as on a first start. Records that do
  // not apply any more are counted, malformed lines counted and named; neither stops the
  // load. An error (nothing taken up) when the header is missing, malformed or of another
  // version.
  std::expected<pending_load, std::string> load_pending(std::string_view text);

  // While set, the readings are those of a message the crash journal hands again, which first
  // arrived at `arrived` (nullopt: live readings again). An event-count tracker whose arrivals
  // load_pending took up does not count again an event that arrived before they were saved.
  void replaying(std::optional<core::time_point> arrived);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace campus::rules
