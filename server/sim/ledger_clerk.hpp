// The backfill's hand on the hazard ledger: each call sets the ledger's manual clock to the
// simulated moment of the change, hands the request to the ledger and waits for its commit, so
// every transition carries its simulated time and the next request sees the change.
//
// Threading: the caller's thread only. The ledger's worker reads the clock while it runs a
// request; the clock is set before the request is queued (the queue's mutex orders the two)
// and not touched again until the answer came back, so the worker never sees it move.
#pragma once

#include <cstdint>
#include <future>
#include <optional>
#include <string>

#include "alerts/alert_ledger.hpp"
#include "core/clock.hpp"

namespace campus::sim {

class ledger_clerk {
 public:
  using change = alerts::ledger_result<alerts::ledger_change>;

  // `ledger` must run on `clock`; both must outlive the clerk.
  ledger_clerk(alerts::alert_ledger& ledger, core::manual_clock& clock)
      : ledger_(ledger), clock_(clock) {}

  // Each sets the clock to `at` first. The ledger's clock never goes backwards: an `at` before
  // the last one is a caller's bug, done at the last time instead and counted (clamped()).
  change apply(core::time_point at, const rules::alert_event& event);
  change register_hazard(core::time_point at, alerts::hazard_spec spec);
  change acknowledge(core::time_point at, std::int64_t id, std::string who, std::string note);
  change rectify(core::time_point at, std::int64_t id, std::string who, std::string note);
  change close(core::time_point at, std::int64_t id, std::string who, std::string note);
  change assign(core::time_point at, std::int64_t id, std::string who, std::string responsible,
                std::optional<core::time_point> deadline);
  change report(core::time_point at, std::int64_t id, std::string who, std::string note);
  change add_note(core::time_point at, std::int64_t id, std::string who, std::string note);

  // Reads, at the clock's current time.
  alerts::ledger_result<alerts::ledger_page> list(alerts::ledger_filter filter);
  alerts::ledger_result<std::vector<alerts::ledger_entry>> overdue();

  core::time_point now() const { return clock_.now(); }
  std::uint64_t clamped() const { return clamped_; }

 private:
  void set_clock(core::time_point at);
  template <class T, class Request>
  static alerts::ledger_result<T> wait(Request&& request);

  alerts::alert_ledger& ledger_;
  core::manual_clock& clock_;
  std::uint64_t clamped_ = 0;
};

}  // namespace campus::sim
