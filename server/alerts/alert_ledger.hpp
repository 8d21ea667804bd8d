// The hazard ledger (挂账销号): the durable record of every alert and every transition, and the
// closed loop new → acknowledged → rectified → closed (see README.md).
//
// Threading: the ledger owns one worker thread and the SQLite file. Every request is queued
// and run there in arrival order, so requests never race and the Asio loop never waits for the
// disk. Each callback is invoked exactly once, on the worker thread, and only after the change
// is committed (WAL, synchronous=FULL): a caller that announces the change from its callback
// never announces something a crash could undo. Callbacks must not throw and must not block
// on the ledger (post to your own executor). After stop(), requests are answered at once, on
// the calling thread, with ledger_error::code::stopped.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "alerts/ledger_database.hpp"
#include "alerts/ledger_entry.hpp"
#include "alerts/ledger_error.hpp"
#include "alerts/ledger_lifecycle.hpp"
#include "alerts/ledger_request.hpp"
#include "alerts/ledger_transition.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "rules/alert.hpp"
#include "storage/serial_worker.hpp"

namespace campus::alerts {

class alert_ledger {
 public:
  // The adapter family of an alert's device, stored on the entry for filtering; may be empty.
  using family_lookup = std::function<std::string(const rules::alert&)>;

  // Opens (creating) the file, loads the open entries and starts the worker. `clock` and
  // `metrics` must outlive the ledger. Metrics: campus_ledger_open_entries{severity},
  // campus_ledger_overdue, campus_ledger_transitions_total, campus_ledger_refused_total{reason},
  // campus_ledger_storage_errors_total, campus_ledger_queue_depth.
  static ledger_result<std::unique_ptr<alert_ledger>> open(const std::string& path,
                                                           const core::clock& clock,
                                                           core::metrics& metrics,
                                                           family_lookup family_of = {});

  ~alert_ledger();  // stop()
  alert_ledger(const alert_ledger&) = delete;
  alert_ledger& operator=(const alert_ledger&) = delete;

  // Runs every request already queued, then ends the worker. Safe to call twice.
  void stop();

  // The entries open now (handling not closed), oldest first, so the server can resume
  // escalation and deadline timers at start. Blocks until the worker answers: call it from
  // any thread but never from a ledger callback.
  ledger_result<std::vector<ledger_entry>> restore();

  // Records a rule engine event. `raised` for a rule/device/subject whose entry is open
  // re-fires that entry; `updated` records only a severity change (the value is kept);
  // `cleared` with no open entry is refused with not_found.
  void apply(const rules::alert_event& event, ledger_callback<ledger_change> done);

  void register_hazard(hazard_spec spec, ledger_callback<ledger_change> done);

  // People's actions, timed by the ledger's clock; refusals explain themselves (see
  // ledger_lifecycle.hpp for the rules).
  void acknowledge(std::int64_t id, std::string who, std::string note,
                   ledger_callback<ledger_change> done);
  void rectify(std::int64_t id, std::string who, std::string note,
               ledger_callback<ledger_change> done);
  void close(std::int64_t id, std::string who, std::string verification_note,
             ledger_callback<ledger_change> done);
  void assign(std::int64_t id, std::string who, std::string responsible,
              std::optional<core::time_point> deadline, ledger_callback<ledger_change> done);
  void add_note(std::int64_t id, std::string who, std::string note,
                ledger_callback<ledger_change> done);
  void report(std::int64_t id, std::string who, std::string note,
              ledger_callback<ledger_change> done);
  // The audit trail of messages sent (see lifecycle::notified).
  void notified(std::int64_t id, std::string role, std::string target, std::string outcome,
                ledger_callback<ledger_change> done);

  // Reads. `overdue` on each entry is computed against the clock at the time of the read.
  void list(ledger_filter filter, ledger_callback<ledger_page> done);
  void get(std::int64_t id, ledger_callback<ledger_entry> done);
  void transitions(std::int64_t id, ledger_callback<std::vector<ledger_transition>> done);
  // Every entry of `sites` (empty = every site) that was open at some instant of [from, to):
  // raised_at < to and (closed_at null or ≥ from), in raised_at order, with all their
  // transitions (also those outside the period). Two statements whatever the entry count.
  void slice(std::vector<std::string> sites, core::time_point from, core::time_point to,
             ledger_callback<ledger_slice> done);
  // The latest raised entry of every site that has one, in any state, by site: one query
  // however many schools (the bureau's overview).
  void latest_by_site(ledger_callback<std::vector<ledger_entry>> done);
  // The open entries whose deadline has passed; refreshes campus_ledger_overdue. The server
  // calls it from a periodic timer (the ledger itself has no timers).
  void overdue(ledger_callback<std::vector<ledger_entry>> done);

 private:
  using alert_key = std::tuple<std::string, std::string, std::string, std::string>;
  using change_step = std::function<ledger_result<lifecycle::transitions>(ledger_entry&)>;

  alert_ledger(ledger_database db, std::vector<ledger_entry> open_entries, const core::clock& clock,
               core::metrics& metrics, family_lookup family_of);

  // Queues a task for the worker; false once stopped (the caller answers `stopped`).
  bool post(std::function<void()> task) { return worker_.post(std::move(task)); }

  // Worker only, below.
  void apply_now(const rules::alert_event& event, const ledger_callback<ledger_change>& done);
  void change_now(std::int64_t id, const change_step& step,
                  const ledger_callback<ledger_change>& done);
  // Stores the entry and transitions and updates the in-memory view; answers `done`.
  void commit(ledger_entry entry, lifecycle::transitions ts,
              const ledger_callback<ledger_change>& done);
  ledger_error refused(ledger_error e);
  void refresh_gauges();
  static alert_key key_of(const rules::alert& a);
  static alert_key key_of(const ledger_entry& e);

  const core::clock& clock_;
  const family_lookup family_of_;

  ledger_database db_;                         // worker only (after construction)
  std::map<std::int64_t, ledger_entry> open_;  // worker only: every entry not closed
  std::map<alert_key, std::int64_t> by_key_;   // worker only: open sensor entries

  core::metrics& metrics_;
  std::map<core::severity, core::metrics::counter*> open_gauges_;
  core::metrics::counter& overdue_gauge_;
  core::metrics::counter& transitions_total_;
  core::metrics::counter& storage_errors_;
  core::metrics::counter& queue_depth_;

  // The queue is unbounded on purpose: dropping an alert event would break the record, and
  // its rate is the rule engine's alert rate, not the reading rate. Its depth is a gauge
  // (queue_depth_). Last: stopped and joined first, while everything its tasks touch exists.
  storage::serial_worker worker_;
};

}  // namespace campus::alerts
