// The incident desk (值班室): where the rule engine's alerts and people's actions meet the
// hazard ledger, the duty roster, the escalation policy and the SMS gateway.
//
//   engine alert event ─► ledger.apply ─► (committed) ─► escalation ─► SMS / dashboards
//   POST /api/alerts/{id}/ack … ─► ledger ─► (committed) ─► escalation ─► announce
//
// Nothing is announced or sent before the ledger has committed it — unless the ledger cannot
// record an engine alert event (a full disk, a failing file): then the alarm must not wait.
// The event is held in memory, in order, and retried every second until recorded; meanwhile
// it is announced and texted at once as a provisional entry (negative id, "P-000007", shown
// as not yet recorded), and every later event waits behind it so the record keeps its order.
// When it is recorded the entry takes the provisional one's place (`replaces`), with the
// escalation it has already had and the texts already sent written to it. Readiness reports
// part "ledger" while anything is held. Every change, once
// committed, updates the escalation tracker, the board of open entries (the WebSocket
// snapshot) and then the listener (the hub). A 1-second tick sends the escalation steps that
// fall due, the SMS summaries the rate limit held back, and keeps the report gauges current.
//
// Threading: all state lives on the desk's strand. Public calls may come from any thread; they
// queue work on the ledger (its own thread) or the strand. Ledger answers are posted back to
// the strand. Callbacks to callers run on the strand: post to your own executor. The board is
// also readable from any thread (open_entries(), copied under a mutex).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <atomic>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include "alerts/alert_ledger.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/readiness.hpp"
#include "incident/entry_view.hpp"
#include "incident/incident_listener.hpp"
#include "incident/sms_outbox.hpp"
#include "ingest/event_sink.hpp"
#include "ingest/live_state.hpp"
#include "notify/duty/escalation_tracker.hpp"
#include "notify/duty/roster.hpp"

namespace campus::incident {

// People's actions on an entry, as the API names them: ack, rectify, close, report, note.
enum class action { acknowledge, rectify, close, report, note };
std::optional<action> parse_action(std::string_view s);

class incident_desk final : public ingest::event_sink {
 public:
  template <class T>
  using callback = std::function<void(alerts::ledger_result<T>)>;

  // `ledger`, `state`, `clock` and `metrics` must outlive the desk; `roster` too, or null
  // (nobody is on duty: every step reaches the dashboards only, and shows who is missing).
  // Metrics: campus_alert_reports_pending, campus_alert_reports_overdue,
  // campus_escalation_notifications_total{channel}, campus_escalation_nobody_on_duty_total,
  // campus_incident_ledger_failures_total.
  incident_desk(boost::asio::io_context& io, alerts::alert_ledger& ledger,
                const ingest::live_state& state, const notify::duty::roster* roster,
                notify::duty::escalation_policy policy, const core::clock& clock,
                core::metrics& metrics);
  ~incident_desk() override;
  incident_desk(const incident_desk&) = delete;
  incident_desk& operator=(const incident_desk&) = delete;

  // The strand everything runs on; an sms_outbox for set_outbox() is made with it.
  const boost::asio::strand<boost::asio::io_context::executor_type>& strand() const {
    return strand_;
  }
  // Before restore(). Without an outbox, SMS steps are recorded as not sent.
  void set_outbox(std::unique_ptr<sms_outbox> outbox) { outbox_ = std::move(outbox); }
  // Before start(); must outlive the desk's pending handlers.
  void set_listener(incident_listener* listener) { listener_ = listener; }
  // Where the desk says that the ledger cannot record (part "ledger"); before start().
  void set_readiness(core::readiness* readiness) { readiness_ = readiness; }

  // Loads the open entries and resumes their escalation (see entry_history.hpp). Blocks on the
  // ledger: call it once, before the io_context runs, never on it. Returns how many entries
  // are open.
  std::expected<std::size_t, std::string> restore();
  // Starts the tick; stop() cancels it (both thread-safe).
  void start();
  void stop();
  // Runs one tick now, on the strand (the timer runs one every second; tests use this with an
  // injected clock).
  void tick_now();

  // The ingest pipeline's sink: engine alert events go to the ledger.
  void on_reading(const core::reading&) override {}
  void on_alert(const rules::alert_event& e) override;

  // Calls `done` once every alert event handed to on_alert before this call is recorded in the
  // ledger (or refused for good: a clear of an entry the ledger never had). Events the ledger
  // could not record yet are retried, and `done` waits for them. Any thread; `done` runs on
  // the desk's strand and must not block. The crash journal trims what this covers.
  void when_recorded(std::function<void()> done);

  // People's actions and reads, answered on the strand once committed (or refused).
  void act(action what, std::int64_t id, std::string who, std::string note,
           callback<entry_view> done);
  void assign(std::int64_t id, std::string who, std::string responsible,
              std::optional<core::time_point> deadline, callback<entry_view> done);
  void register_hazard(alerts::hazard_spec spec, callback<entry_view> done);
  void list(alerts::ledger_filter filter, callback<view_page> done);
  void detail(std::int64_t id, callback<entry_detail> done);
  // The entry alone (no history): for checks before an action.
  void entry(std::int64_t id, callback<entry_view> done);

  // Every open entry, oldest first; any thread. Updated before each announcement, so a
  // client that joins the hub and then reads this misses nothing.
  std::vector<entry_view> open_entries() const;
  // The open sensor entries whose condition is still active, as the rule engine's alerts (any
  // thread): after restore(), what the engine takes up again (rule_engine::restore).
  std::vector<rules::alert> active_conditions() const;
  // The same entries, briefly (any thread): what the bureau's tallies need.
  std::vector<entry_brief> open_briefs() const;

 private:
  using change_callback = alerts::ledger_callback<alerts::ledger_change>;

  // A ledger callback that carries the answer to the strand, then to `then`.
  change_callback on_strand(std::function<void(alerts::ledger_result<alerts::ledger_change>)> then);
  // Strand only, below.
  entry_view committed(alerts::ledger_change change, std::string_view event = {},
                       std::optional<std::int64_t> replaces = std::nullopt);
  // Events the ledger could not record (see the top of this file).
  struct held_event {
    std::uint64_t number;
    rules::alert_event event;
  };
  void hold(std::uint64_t number, const rules::alert_event& e, const std::string& why);
  void announce_unrecorded(std::uint64_t number, const rules::alert_event& e);
  void retry_held();
  void recorded_held(const held_event& h, alerts::ledger_change change);
  void report_held(const std::string& why);
  const alerts::ledger_entry* open_entry_for(const rules::alert& a) const;
  void follow(const alerts::ledger_entry& e, const alerts::ledger_transition& t,
              std::vector<notify::duty::notification>& due);
  void dispatch(const alerts::ledger_entry& e,
                const std::vector<notify::duty::notification>& due);
  void send_sms(const alerts::ledger_entry& e, const notify::duty::notification& n);
  void record_notification(std::int64_t id, std::string role, std::string target,
                           std::string outcome);
  entry_view make_view(const alerts::ledger_entry& e) const;
  std::string unit_of(const alerts::ledger_entry& e) const;
  void publish(const entry_view& view, std::string_view event,
               const std::vector<alerts::ledger_transition>& transitions);
  void schedule_tick();
  void tick();
  void refresh_report_gauges(core::time_point now);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  alerts::alert_ledger& ledger_;
  const ingest::live_state& state_;
  const core::clock& clock_;
  std::unique_ptr<notify::duty::roster> empty_roster_;  // when none is configured
  notify::duty::escalation_tracker tracker_;             // strand only
  std::unique_ptr<sms_outbox> outbox_;                   // strand only
  incident_listener* listener_ = nullptr;
  std::map<std::int64_t, alerts::ledger_entry> open_;    // strand only
  std::uint64_t ticks_ = 0;                              // strand only

  // Alert events handed to on_alert and not yet recorded, by the order they were handed
  // (numbered from 1), and those waiting for them (when_recorded).
  struct recorded_waiter {
    std::uint64_t through;  // every event numbered up to this one
    std::function<void()> done;
  };
  void event_settled(std::uint64_t number);
  void wake_waiters();  // strand only
  std::mutex handed_mutex_;  // guards handed_, unsettled_
  std::uint64_t handed_ = 0;
  std::set<std::uint64_t> unsettled_;
  std::vector<recorded_waiter> waiters_;  // strand only
  std::atomic<bool> holding_{false};      // held_ is not empty: new events queue behind
  std::deque<held_event> held_;           // strand only, in the order handed
  bool retrying_ = false;                 // strand only: a retry is with the ledger
  core::time_point last_failure_{};             // strand only: the ledger's last refusal
  // What was sent for provisional entries, written to the entry once recorded (strand only).
  struct pending_note {
    std::string role, target, outcome;
  };
  std::map<std::int64_t, std::vector<pending_note>> provisional_notes_;
  std::map<std::int64_t, std::int64_t> recorded_as_;  // provisional id → ledger id
  core::readiness* readiness_ = nullptr;

  mutable std::mutex board_mutex_;  // guards board_
  std::map<std::int64_t, entry_view> board_;

  core::metrics& metrics_;
  core::metrics::counter& reports_pending_;
  core::metrics::counter& reports_overdue_;
  core::metrics::counter& nobody_on_duty_;
  core::metrics::counter& ledger_failures_;
};

}  // namespace campus::incident
