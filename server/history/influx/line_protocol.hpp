// InfluxDB line protocol: one point → one line of text, as /write on InfluxDB 1.x (and
// VictoriaMetrics) reads it:
//
//   measurement[,tag_key=tag_value...] field_key=field_value[,field_key=field_value...] [timestamp]
//
// The encoder escapes what can be escaped and refuses, with a message, what InfluxDB cannot
// store or would silently store differently. The rules (checked against influxd 1.6):
//   - measurement: `,` and space are escaped with a backslash; it may not be empty or start
//     with `#` (such a line is a comment and is skipped without an error).
//   - tag keys, tag values, field keys: `,`, `=` and space are escaped; field keys also `"`.
//     Tag values may not be empty (InfluxDB answers "missing tag value"): the encoder refuses
//     them, and reading_point() leaves empty tags out, which InfluxQL reads back as `tag = ''`.
//   - a backslash cannot itself be escaped in those names: one at the end, or right before a
//     character that InfluxDB unescapes, is refused (InfluxDB would drop or change it).
//   - no newline in any name (there is no escape for it); `time` is not a valid tag or field key.
//   - string field values: `"` and `\` are escaped; anything else, newlines included, is kept.
//   - floats must be finite (InfluxDB has no NaN/Inf); integers are written with the `i` suffix.
//   - at least one field; tag keys and field keys are unique within a point.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/reading.hpp"

namespace campus::history {

using field_value = std::variant<double, std::int64_t, bool, std::string>;

struct point {
  std::string measurement;
  std::vector<std::pair<std::string, std::string>> tags;  // written in this order
  std::vector<std::pair<std::string, field_value>> fields;
  std::optional<std::chrono::nanoseconds> time;  // since the Unix epoch; none: server time
};

// The unit of the timestamp on the line; must match `precision=` of the /write request.
enum class precision { ns, us, ms, s };

// The query-string value for /write?precision=...
const char* precision_name(precision p);

// Appends the point as one line, with its trailing '\n', to `out`. On refusal `out` is left as
// it was and the message names the offending part. Timestamps are truncated toward negative
// infinity to the precision.
std::expected<void, std::string> encode_line(const point& p, precision prec, std::string& out);

// How a reading is stored (both history backends agree on the columns, queries depend on it):
// measurement `reading`; tags site, zone, device, metric, subject (each only when not empty);
// field `value` (float) for numbers or `state` (string) for states, plus `unit` (string, also
// when empty, so that count("unit") counts every reading); timestamp = reading.ts (ms).
point reading_point(const core::reading& r);

}  // namespace campus::history
