// The people of a backfilled ledger: who acts at a school at a given moment, what they write,
// and the random draws behind their timing. Deterministic: every draw is a pure function of
// the seed, a key (an entry, a hazard) and an index, so the same backfill draws the same
// delays whatever order the questions come in.
//
// Names come from the `duty:` roster (the person on duty for the role at that moment) when
// the configuration has one; otherwise each school has fixed names ("星火小学值班领导").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "config/district.hpp"
#include "core/reading.hpp"
#include "core/severity.hpp"
#include "notify/duty/roster.hpp"

namespace date {
class time_zone;
}

namespace campus::sim {

class backfill_people {
 public:
  // `roster` may be null (no duty section); it must outlive this object, as must `district`.
  backfill_people(const config::district& district, const notify::duty::roster* roster,
                  std::uint64_t seed);

  // The display name of the duty leader (值班领导) on duty at `site` at `t`.
  std::string duty_leader(std::string_view site, core::time_point t) const;
  // Who verifies and closes at `site` at `t`: the safety director (安全负责人) on duty, or the
  // principal, or a fixed name, whichever is first not `not_this` (closing needs a verifier
  // who is not the rectifier).
  std::string verifier(std::string_view site, core::time_point t, std::string_view not_this) const;
  // The person answerable for a hazard in a zone of this type ("食堂管理员 周敏").
  std::string responsible(std::string_view site, std::string_view zone_type) const;

  // `t` when it falls in the school's working day (08:00–20:00 local), else the same minute
  // past the hour of the next 08:00 hour: rectifications, checks and assignments are day work.
  core::time_point by_day(std::string_view site, core::time_point t) const;

  // A draw in [0, 1) and one in [lo, hi] (whole seconds), from (seed, key, index).
  double uniform(std::uint64_t key, std::uint64_t index) const;
  core::duration between(std::uint64_t key, std::uint64_t index, core::duration lo,
                         core::duration hi) const;
  std::uint64_t seed() const { return seed_; }

  // What people write, picked by a draw; the rectification depends on the rule.
  std::string acknowledgement_note(std::uint64_t key) const;
  std::string rectification_note(std::string_view rule, std::uint64_t key) const;
  std::string verification_note(std::uint64_t key) const;
  std::string report_note(core::severity level, std::uint64_t key) const;

 private:
  std::string on_duty(std::string_view site, std::string_view role, core::time_point t,
                      std::string_view not_this) const;
  std::string school_name(std::string_view site) const;

  const config::district& district_;
  const notify::duty::roster* roster_;
  std::map<std::string, const date::time_zone*, std::less<>> zones_;  // owned by the tz database
  std::uint64_t seed_;
};

}  // namespace campus::sim
