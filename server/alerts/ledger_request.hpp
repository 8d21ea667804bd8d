// What callers hand to the ledger besides engine events: a manual hazard, a list filter, and
// what they get back from a change.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerts/ledger_entry.hpp"
#include "alerts/ledger_transition.hpp"
#include "core/reading.hpp"
#include "core/severity.hpp"

namespace campus::alerts {

// A hazard found by a person (隐患登记): active until rectified, then closed by a verifier.
struct hazard_spec {
  std::string site;  // required
  std::string zone;
  std::string device;
  std::string family;
  std::string title;  // required
  std::string description;
  core::severity severity = core::severity::yellow;
  std::string responsible;  // who must rectify it
  std::optional<core::time_point> deadline;
  std::string reported_by;  // required
};

struct ledger_filter {
  static constexpr int default_limit = 100;
  static constexpr int max_limit = 1000;

  std::vector<std::string> sites;          // empty = every site
  std::string zone;                        // empty = any
  std::string device;                      // empty = any
  std::string family;                      // empty = any
  std::optional<core::severity> severity;  // the peak (max_severity), exactly
  std::optional<rules::condition> cond;
  std::optional<handling> state;
  bool open_only = false;  // handling not closed (with `state` unset)
  bool overdue_only = false;
  std::optional<core::time_point> raised_from;  // inclusive
  std::optional<core::time_point> raised_to;    // exclusive
  int limit = default_limit;                    // 1 … max_limit
  int offset = 0;
};

// One page of entries, newest raised first, and how many match the filter in all.
struct ledger_page {
  std::vector<ledger_entry> entries;
  std::int64_t total = 0;
};

// The entries that were open at some time in a period, with their whole history: what the
// bureau's monthly figures are computed from (see alert_ledger::slice).
struct ledger_slice {
  std::vector<ledger_entry> entries;  // raised_at order (then id)
  // Per entry id, every transition in recording order; an entry always has its key (its
  // `raised` or `registered` transition at least).
  std::map<std::int64_t, std::vector<ledger_transition>> transitions;
};

// The entry after a change and the transitions just recorded (committed) for it; empty when
// the change was only a newer value (an `updated` event at the same severity).
struct ledger_change {
  ledger_entry entry;
  std::vector<ledger_transition> transitions;
};

}  // namespace campus::alerts
