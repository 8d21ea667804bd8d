// Whether the server can do its job right now, and if not, why: the truth behind /readyz and
// /healthz. Each part that can fail (the ledger, the history store, the broker connection, …)
// reports a problem under its own name when it starts and clears it when it ends; the server is
// ready when no problem is reported.
//
//   readiness.report("ledger", "cannot write ledger.db: database or disk is full");
//   …
//   readiness.clear("ledger");
//
// Every change is logged once (a warning when a problem starts or changes, info when it ends)
// and kept in the metrics: campus_ready (1 or 0) and campus_not_ready{part="…"} (1 while that
// part reports a problem). Any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/metrics.hpp"

namespace campus::core {

class readiness {
 public:
  struct problem {
    std::string part;
    std::string reason;
    time_point since;  // when this part first reported a problem (unchanged while it persists)
  };

  // `clock` and `metrics` must outlive this object.
  readiness(const clock& clock, metrics& metrics);

  // `part` has a problem: `reason` says what, in a sentence an operator can act on.
  void report(const std::string& part, std::string reason);
  // `part` works again (no effect if it reported nothing).
  void clear(const std::string& part);

  bool ready() const;
  // The current problems, by part name.
  std::vector<problem> problems() const;

 private:
  void publish_locked();

  const clock& clock_;
  metrics& metrics_;
  metrics::counter& ready_;
  mutable std::mutex mutex_;
  std::map<std::string, problem> problems_;
};

}  // namespace campus::core
