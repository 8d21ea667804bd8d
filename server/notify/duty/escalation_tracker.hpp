// Who is told about each open alert, when, and who is next: the escalation policy followed on
// an injected clock, plus the one-hour report deadline (1小时内报告) for orange and red.
//
// Rules, in the order they matter:
// - start(): step k of the alert's colour is due at raised_at + step.after; steps already due
//   go out at once (step 0 normally has after 0s).
// - Each step tells every person on duty (roster, at the step's due time) for each of its roles,
//   by each of its channels, once per step. A role with nobody on duty yields a notification
//   with an empty `who`, so the gap is seen rather than silent. A step without roles yields one
//   dashboard-only notification per channel (`role` and `who` empty).
// - The escalation follows the most severe colour the alert has reached, on a clock that
//   starts the first time it reached that colour. Changes down and back up do not restart it:
//   an alert red at 10:00, yellow at 10:01 and red again at 10:02 reaches the principal (red,
//   5m) at 10:05, and so does one that stays yellow after 10:01 — a red nobody acknowledged
//   stays an emergency to escalate, as a cleared one does (below). Otherwise a sensor that
//   keeps dipping under the red clear level would restart the clock and never reach the top.
// - A step already sent is never sent again: not when the colour comes back, not on restart.
// - severity_changed() to a colour above every colour reached so far: the steps the old colour
//   owed by then go out first; the lower colour's later steps are dropped (the higher policy
//   names who must know of the worse danger); the new colour's policy starts at the change
//   (its step 0 at once). People already told by a channel under a lower colour are not told
//   again by that channel. A change to a colour reached before, or lower, only records it.
// - acknowledge() stops further steps. It covers every colour reached by then: only a rise
//   above all of them re-opens the alert (the danger grew beyond what a person took on), so a
//   flapping sensor does not undo an acknowledgement. The alert ledger follows the same rule
//   (server/alerts/ledger_lifecycle.cpp). Nothing else stops the steps: an alert whose
//   condition has cleared but that nobody acknowledged keeps escalating (the seed plans want
//   every hazard handled by a person); cleared() only records the time for the dashboard.
// - Reports: an alert that is or becomes orange or red must be reported within one hour of
//   first reaching orange or red (raised_at + 1h when raised so); report_submitted() marks it.
//
// Restart: the state is recomputed, not stored. snapshot() gives per alert what the alert
// ledger keeps anyway (raised_at, colour changes, acknowledgement times, cleared and report
// times); restore() replays it through the same code, treating every step due up to
// `sent_until` as already sent. Pass the time of the previous process's last tick to re-send
// what fell due while it was down, or now to assume nothing was missed. (A step due in the
// moment between the last tick and an acknowledgement replays as sent: at most one tick.)
//
// Not thread-safe: owned by one strand (the alert ledger's).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/severity.hpp"
#include "notify/duty/escalation_policy.hpp"
#include "notify/duty/roster.hpp"

namespace campus::notify::duty {

struct alert_ref {
  std::string id;
  std::string site;
  core::severity severity = core::severity::yellow;  // the colour it was raised with
  core::time_point raised_at;
};

struct notification {
  std::string alert_id;
  std::size_t step = 0;          // index in the policy of `severity`
  core::severity severity = core::severity::yellow;
  std::string role;              // empty: the site dashboard, nobody in particular
  person who;                    // who.id empty: dashboard-only, or nobody on duty for `role`
  channel via = channel::dashboard;
  core::time_point at;           // when it was decided (for replayed ones: the due time)

  bool nobody_on_duty() const { return !role.empty() && who.id.empty(); }
};

struct next_escalation {
  std::size_t step = 0;
  core::severity severity = core::severity::yellow;
  core::time_point at;
  std::vector<std::string> roles;
  std::vector<channel> channels;
};

struct overdue_report {
  std::string alert_id;
  std::string site;
  core::time_point deadline;
};

struct severity_change {
  core::time_point at;
  core::severity to = core::severity::yellow;
};

// Everything needed to rebuild an alert's escalation; plain data for the ledger to store.
struct escalation_record {
  alert_ref alert;
  std::vector<severity_change> changes;          // after raising, in time order
  std::vector<core::time_point> acknowledged;    // each acknowledgement, in time order
  std::optional<core::time_point> cleared_at;
  std::optional<std::string> report_by;
  std::optional<core::time_point> report_at;
};

class escalation_tracker {
 public:
  // `duty` and `clock` must outlive the tracker.
  escalation_tracker(const roster& duty, escalation_policy policy, const core::clock& clock);

  // Begins escalating; returns the notifications due by now. A known id is ignored ({}).
  std::vector<notification> start(const alert_ref& alert);
  // Steps that fell due by `now` across all alerts, in alert id order.
  std::vector<notification> on_tick(core::time_point now);
  // Stops escalation (now). False for an unknown id.
  bool acknowledge(std::string_view id);
  // Records a colour change (now). A colour above every one reached so far switches the
  // policy and returns what is due at once; otherwise {} (also for an unknown id).
  std::vector<notification> severity_changed(std::string_view id, core::severity to);
  // Records that the condition cleared (now); escalation continues until acknowledged.
  bool cleared(std::string_view id);
  // Marks the one-hour report done. False for an unknown id.
  bool report_submitted(std::string_view id, std::string who, core::time_point at);
  // Drops an alert entirely (the ledger closed it).
  void forget(std::string_view id);
  // The alert `from` is known as `to` from now on, with everything it has been through (a
  // provisional alert the ledger has now recorded). False when `from` is unknown or `to` is
  // taken.
  bool rename(std::string_view from, std::string to);

  bool tracking(std::string_view id) const { return entries_.contains(id); }
  // The next step and when it is due; nullopt when acknowledged, finished or unknown.
  std::optional<next_escalation> next_step(std::string_view id) const;
  // Everything sent for the alert so far, in order ("who has been told").
  std::vector<notification> told(std::string_view id) const;
  // first orange/red + 1h; nullopt if never orange or red, or unknown.
  std::optional<core::time_point> report_deadline(std::string_view id) const;
  // Alerts whose report deadline is before `now` and no report was submitted.
  std::vector<overdue_report> overdue_reports(core::time_point now) const;

  // The alert's record (raising, colour changes, acknowledgements, report); nullopt if unknown.
  std::optional<escalation_record> record(std::string_view id) const;

  std::vector<escalation_record> snapshot() const;
  // Adds the alerts of `records` (replacing any with the same id), replaying their history.
  void restore(const std::vector<escalation_record>& records, core::time_point sent_until);

 private:
  struct entry {
    escalation_record record;
    core::severity current = core::severity::yellow;     // the alert's colour now
    core::severity escalating = core::severity::yellow;  // the most severe colour reached
    core::time_point epoch_start;          // when `escalating` was first reached
    std::size_t next = 0;                  // next step of `escalating`
    bool acknowledged = false;
    std::set<std::pair<std::string, channel>> told_before;      // under earlier colours
    std::set<std::pair<std::string, channel>> told_this_colour;
    std::vector<notification> log;
    std::optional<core::time_point> report_due;
  };

  entry begin(const alert_ref& alert) const;
  void advance(entry& e, core::time_point now, bool replay, std::vector<notification>& out);
  void emit_step(entry& e, core::time_point due, core::time_point at,
                 std::vector<notification>& out);
  void change(entry& e, core::severity to, core::time_point at, bool replay,
              std::vector<notification>& out);
  entry* find(std::string_view id);
  const entry* find(std::string_view id) const;

  const roster& duty_;
  escalation_policy policy_;
  const core::clock& clock_;
  std::map<std::string, entry, std::less<>> entries_;
};

}  // namespace campus::notify::duty
