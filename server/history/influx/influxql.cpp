#include "history/influx/influxql.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <algorithm>
#include <cctype>

namespace campus::history {
namespace {

namespace json = boost::json;

std::optional<double> number_or_null(const json::value& v) {
  if (v.is_null()) return std::nullopt;
  boost::system::error_code ec;
  double d = v.to_number<double>(ec);
  if (ec) return std::nullopt;
  return d;
}

// The statement's error, if any; "database not found" is not one (see the header).
std::optional<std::string> statement_error(const json::object& result) {
  auto* err = result.if_contains("error");
  if (!err) return std::nullopt;
  std::string text = err->is_string() ? std::string(err->get_string()) : json::serialize(*err);
  if (text.find("database not found") != std::string::npos) return std::nullopt;
  return text;
}

const json::array* first_series_values(const json::object& result) {
  auto* series = result.if_contains("series");
  if (!series || !series->is_array() || series->get_array().empty()) return nullptr;
  auto* s = series->get_array()[0].if_object();
  if (!s) return nullptr;
  auto* values = s->if_contains("values");
  return values ? values->if_array() : nullptr;
}

}  // namespace

std::string influxql_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string influxql_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

std::string series_statement(const series_query& q) {
  const std::string where = fmt::format(
      "WHERE {} = {} AND {} = {} AND {} = {} AND time >= {}ms AND time < {}ms",
      influxql_identifier("device"), influxql_string(q.device), influxql_identifier("metric"),
      influxql_string(q.metric), influxql_identifier("subject"), influxql_string(q.subject),
      core::to_epoch_ms(q.from), core::to_epoch_ms(q.to));
  return fmt::format(
      "SELECT min(\"value\"), mean(\"value\"), max(\"value\"), count(\"unit\") FROM \"reading\" "
      "{} GROUP BY time({}ms) fill(none); SELECT last(\"unit\") FROM \"reading\" {}",
      where, q.step.count(), where);
}

query_result parse_series_answer(std::string_view text, const series_query& q) {
  series out{q.device, q.metric, q.subject, {}, {}};
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return std::unexpected("InfluxDB answered with invalid JSON");
  const auto& root = doc.get_object();
  if (auto* err = root.if_contains("error"); err && err->is_string())
    return std::unexpected(fmt::format("InfluxDB: {}", std::string_view(err->get_string())));
  auto* results = root.if_contains("results");
  if (!results || !results->is_array() || results->get_array().size() != 2)
    return std::unexpected("InfluxDB answer without two statement results");
  const auto& stats = results->get_array()[0];
  const auto& unit = results->get_array()[1];
  if (!stats.is_object() || !unit.is_object())
    return std::unexpected("InfluxDB answer with malformed results");
  for (const auto* r : {&stats.get_object(), &unit.get_object()})
    if (auto e = statement_error(*r)) return std::unexpected(fmt::format("InfluxDB: {}", *e));

  if (const auto* rows = first_series_values(stats.get_object())) {
    for (const auto& row : *rows) {
      const auto* cells = row.if_array();
      if (!cells || cells->size() != 5) return std::unexpected("InfluxDB row of unexpected shape");
      auto t = number_or_null((*cells)[0]);
      auto n = number_or_null((*cells)[4]);
      if (!t) return std::unexpected("InfluxDB row without a time");
      if (!n || *n <= 0) continue;  // fill(none) already leaves empty steps out; be sure
      bucket b;
      b.start = core::from_epoch_ms(static_cast<std::int64_t>(*t));
      b.min = number_or_null((*cells)[1]);
      b.mean = number_or_null((*cells)[2]);
      b.max = number_or_null((*cells)[3]);
      b.count = static_cast<std::int64_t>(*n);
      out.buckets.push_back(b);
    }
  }
  if (const auto* rows = first_series_values(unit.get_object()); rows && !rows->empty()) {
    const auto* cells = (*rows)[0].if_array();
    if (cells && cells->size() == 2 && (*cells)[1].is_string())
      out.unit = std::string((*cells)[1].get_string());
  }
  return out;
}

std::string activity_statement(const activity_query& q) {
  std::string devices;
  for (const auto& d : q.devices)
    devices += fmt::format("{}{} = {}", devices.empty() ? " AND (" : " OR ",
                           influxql_identifier("device"), influxql_string(d));
  if (!devices.empty()) devices += ")";
  return fmt::format(
      "SELECT count(\"unit\") FROM \"reading\" WHERE time >= {}ms AND time < {}ms{} "
      "GROUP BY time({}ms), {} fill(none)",
      core::to_epoch_ms(q.from), core::to_epoch_ms(q.to), devices, q.step.count(),
      influxql_identifier("device"));
}

activity_result parse_activity_answer(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return std::unexpected("InfluxDB answered with invalid JSON");
  const auto& root = doc.get_object();
  if (auto* err = root.if_contains("error"); err && err->is_string())
    return std::unexpected(fmt::format("InfluxDB: {}", std::string_view(err->get_string())));
  auto* results = root.if_contains("results");
  if (!results || !results->is_array() || results->get_array().size() != 1 ||
      !results->get_array()[0].is_object())
    return std::unexpected("InfluxDB answer without one statement result");
  const auto& result = results->get_array()[0].get_object();
  if (auto e = statement_error(result)) return std::unexpected(fmt::format("InfluxDB: {}", *e));

  std::vector<device_activity> out;
  auto* series = result.if_contains("series");
  if (!series) return out;  // nothing in range
  if (!series->is_array()) return std::unexpected("InfluxDB answer with malformed series");
  for (const auto& s : series->get_array()) {
    const auto* obj = s.if_object();
    if (!obj) return std::unexpected("InfluxDB answer with malformed series");
    // A point without a device tag reads back with device "" (absent tags are empty).
    device_activity d;
    if (const auto* tags = obj->if_contains("tags"); tags && tags->is_object())
      if (const auto* dev = tags->get_object().if_contains("device"); dev && dev->is_string())
        d.device = std::string(dev->get_string());
    const auto* values = obj->if_contains("values");
    if (values && !values->is_array()) return std::unexpected("InfluxDB series without values");
    if (values) {
      for (const auto& row : values->get_array()) {
        const auto* cells = row.if_array();
        if (!cells || cells->size() != 2) return std::unexpected("InfluxDB row of unexpected shape");
        auto t = number_or_null((*cells)[0]);
        auto n = number_or_null((*cells)[1]);
        if (!t) return std::unexpected("InfluxDB row without a time");
        if (!n || *n <= 0) continue;  // fill(none) already leaves empty steps out; be sure
        d.buckets.push_back({core::from_epoch_ms(static_cast<std::int64_t>(*t)),
                             static_cast<std::int64_t>(*n)});
      }
    }
    if (!d.buckets.empty()) out.push_back(std::move(d));
  }
  // InfluxDB orders series by tag value already; the contract does not rest on it.
  std::sort(out.begin(), out.end(),
            [](const device_activity& a, const device_activity& b) { return a.device < b.device; });
  for (auto& d : out)
    std::sort(d.buckets.begin(), d.buckets.end(),
              [](const activity_bucket& a, const activity_bucket& b) { return a.start < b.start; });
  return out;
}

std::string percent_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out.push_back(static_cast<char>(c));
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace campus::history
