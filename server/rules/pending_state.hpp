// The records of the rule engine's pending state (rule_engine::save_pending, load_pending):
// what each tracker writes of a duration that is running and reads back after a restart.
//
// A record is one line, one JSON array: [kind, device, rule, subject, fields…], e.g.
//   ["threshold","xh-kitchen-gas-1","co-high","",1,60,1763860000000]
// Strings are escaped as JSON strings (a subject is whatever an MQTT payload said: quotes,
// backslashes, control characters and bytes that are not UTF-8 all round-trip); times are epoch
// milliseconds; numbers are finite doubles, written in their shortest exact form.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/reading.hpp"
#include "rules/rule.hpp"

namespace boost::json {
class array;
}

namespace campus::rules {

// A pending duration is saved once it has run this long: max(10 s, a tenth of the rule's
// duration). One not saved starts again from the restore, which is later than the saved and
// shifted start by less than this: a healthy district (devices reporting, nothing near a
// level) writes few records, and an alarm is late by at most this.
inline core::duration save_after(core::duration rule_duration) {
  return std::max<core::duration>(std::chrono::seconds{10}, rule_duration / 10);
}

// Appends records to a string. The engine names the binding (kind, device, rule); a tracker
// writes one record per subject it saves: begin(subject), its fields, end().
class pending_writer {
 public:
  explicit pending_writer(std::string& out) : out_(out) {}

  void bind(std::string_view kind, std::string_view device, std::string_view rule) {
    kind_ = kind;
    device_ = device;
    rule_ = rule;
  }

  void begin(std::string_view subject);
  void time(core::time_point t);
  void number(double v);  // must be finite (callers check)
  void flag(bool b);
  void bits(std::uint64_t b);
  void value(const core::reading_value& v);  // a finite number or a state
  void begin_list();
  void end_list();
  void end();

  std::size_t records() const { return records_; }

 private:
  void separate();
  void text(std::string_view s);

  std::string& out_;
  std::string_view kind_, device_, rule_;
  bool first_ = true;  // no field yet in the record or list being written
  std::size_t records_ = 0;
};

// The fields of one record after [kind, device, rule, subject], as a tracker reads them back.
// Every time is shifted forward by the downtime (load_pending): time while the server was down
// does not count. A time that would still lie after `now` (the clock went back) is taken as
// `now`. A getter answers nullopt when the field is missing or of another type.
class pending_fields {
 public:
  pending_fields(const boost::json::array& record, core::duration shift, core::time_point now)
      : record_(record), shift_(shift), now_(now) {}

  std::size_t size() const;
  std::optional<core::time_point> time(std::size_t i) const;
  std::optional<double> number(std::size_t i) const;  // finite only
  std::optional<bool> flag(std::size_t i) const;
  std::optional<std::uint64_t> bits(std::size_t i) const;
  std::optional<core::reading_value> value(std::size_t i) const;
  // A list of times, sorted.
  std::optional<std::vector<core::time_point>> times(std::size_t i) const;

 private:
  core::time_point shifted(std::int64_t epoch_ms) const;

  const boost::json::array& record_;  // the whole record: fields start at index 4
  core::duration shift_;
  core::time_point now_;
};

// What a tracker needs to save its pending state; the writer is bound to its device and rule.
struct pending_save_context {
  const rule_def& rule;
  core::time_point now;
  pending_writer& out;
};

// What a tracker needs to take up a record.
struct pending_load_context {
  const rule_def& rule;
  core::time_point now;
  // The file was written as the server stopped, so nothing happened after it. Otherwise it is
  // a periodic save that a crash (kill -9) may have left up to the save interval old.
  bool exact;
};

enum class pending_outcome {
  taken,       // the tracker holds the saved pending state again
  superseded,  // the subject has an active alert taken up from the ledger: that wins
  outdated,    // the rule as configured now no longer takes it (its levels changed)
  malformed,   // fields missing or of the wrong type
};

}  // namespace campus::rules
