// The hazards people register by hand (隐患登记) in a backfilled ledger, planned once, as data,
// from the seed: for every school and every local calendar month the span touches, 2–4
// hazards found on a weekday during working hours (an expired extinguisher, a broken lab fume
// hood, grease in the canteen's smoke duct, a damaged pond railing …), each with the person
// answerable for it and a deadline 3–10 days on. Hazards whose moment falls outside the span
// are left out, so a partial month gets its share.
//
// Most are rectified before their deadline and closed by a verifier 1–24 h later; about one in
// six is rectified only after its deadline (overdue in that month's report), about one in six is
// never rectified in the span (open at the end, overdue once its deadline has passed).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alerts/ledger_request.hpp"
#include "config/district.hpp"
#include "core/reading.hpp"
#include "sim/backfill_people.hpp"

namespace campus::sim {

struct backfill_hazard {
  enum class outcome { on_time, late, open };

  alerts::hazard_spec spec;  // reported_by filled in when registered (who is on duty then)
  std::string zone_type;     // of spec.zone; empty when the hazard has no zone
  core::time_point at;       // registered
  outcome end = outcome::on_time;
  std::optional<core::time_point> rectify_at;  // none for `open`
  core::duration close_after{0};               // after the rectification
  std::uint64_t key = 0;                       // for the people's draws
};

// Sorted by `at`. `site` empty = every school. Deterministic in `people.seed()`.
std::vector<backfill_hazard> plan_backfill_hazards(const config::district& district,
                                                   const std::string& site, core::time_point from,
                                                   core::time_point to,
                                                   const backfill_people& people);

}  // namespace campus::sim
