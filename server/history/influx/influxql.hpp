// The InfluxQL side of the store: the statement behind history_store::query and the parsing of
// InfluxDB's JSON answer into a series. Pure functions; the store runs the HTTP request.
#pragma once

#include <string>
#include <string_view>

#include "history/history_store.hpp"

namespace campus::history {

// `"name"` with `"` and `\` escaped.
std::string influxql_identifier(std::string_view name);
// `'text'` with `'`, `\` and newline escaped.
std::string influxql_string(std::string_view text);

// Two statements, separated by ';': the buckets (min/mean/max of `value`, count of `unit`, which
// every reading has, so states are counted too) grouped by time(step) with fill(none), and the
// newest unit in range. A missing subject tag matches `"subject" = ''`, as InfluxQL reads absent
// tags as empty.
std::string series_statement(const series_query& q);

// Parses the /query answer (epoch=ms) to series_statement. "database not found" is an empty
// series: nothing was ever written. Other errors come back as messages.
query_result parse_series_answer(std::string_view json, const series_query& q);

// Readings per device and step: count("unit") (every point has it, numbers and states alike)
// grouped by time(step) and the device tag, fill(none); a device filter becomes
// ("device" = 'a' OR "device" = 'b'). InfluxDB aligns time(step) to multiples since the epoch.
std::string activity_statement(const activity_query& q);

// Parses the /query answer (epoch=ms) to activity_statement: devices sorted by id, buckets in
// time order, empty ones left out. "database not found" is no activity.
activity_result parse_activity_answer(std::string_view json);

// RFC 3986 percent-encoding for a query-string value.
std::string percent_encode(std::string_view s);

}  // namespace campus::history
