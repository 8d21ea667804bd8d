#include "history/influx/line_protocol.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>
#include <string_view>

namespace campus::history {
namespace {

// What one kind of name escapes, and which characters InfluxDB unescapes after a backslash.
struct name_rules {
  const char* kind;
  std::string_view escaped;    // written as backslash + character
  std::string_view unescaped;  // a literal backslash before one of these would be eaten
};

constexpr name_rules measurement_rules{"measurement", ", ", ", =\""};
constexpr name_rules tag_rules{"tag", ", =", ", ="};
constexpr name_rules field_key_rules{"field key", ", =\"", ", =\""};

std::string quoted(std::string_view s) { return fmt::format("\"{}\"", s); }

std::expected<void, std::string> check_name(std::string_view what, std::string_view s,
                                            const name_rules& rules) {
  if (s.empty()) return std::unexpected(fmt::format("empty {}", what));
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') return std::unexpected(fmt::format("newline in {} {}", what, quoted(s)));
    if (s[i] != '\\') continue;
    if (i + 1 == s.size() || rules.unescaped.find(s[i + 1]) != std::string_view::npos)
      return std::unexpected(
          fmt::format("{} {}: a backslash at the end or before '{}' cannot be written", what,
                      quoted(s), i + 1 == s.size() ? std::string_view{"end"} : s.substr(i + 1, 1)));
  }
  return {};
}

void append_name(std::string& out, std::string_view s, const name_rules& rules) {
  for (char c : s) {
    if (rules.escaped.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
}

void append_string_value(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

std::int64_t in_precision(std::chrono::nanoseconds t, precision p) {
  switch (p) {
    case precision::ns:
      return t.count();
    case precision::us:
      return floor_div(t.count(), 1'000);
    case precision::ms:
      return floor_div(t.count(), 1'000'000);
    case precision::s:
      return floor_div(t.count(), 1'000'000'000);
  }
  return t.count();
}

std::expected<void, std::string> check(const point& p) {
  if (auto ok = check_name("measurement", p.measurement, measurement_rules); !ok) return ok;
  if (p.measurement.front() == '#')
    return std::unexpected(
        fmt::format("measurement {} starts with '#' (a comment line)", quoted(p.measurement)));
  std::set<std::string_view> keys;
  for (const auto& [k, v] : p.tags) {
    if (auto ok = check_name("tag key", k, tag_rules); !ok) return ok;
    if (k == "time") return std::unexpected("\"time\" is not a valid tag key");
    if (!keys.insert(k).second) return std::unexpected(fmt::format("duplicate tag {}", quoted(k)));
    if (v.empty()) return std::unexpected(fmt::format("empty value for tag {}", quoted(k)));
    if (auto ok = check_name("tag value", v, tag_rules); !ok) return ok;
  }
  if (p.fields.empty()) return std::unexpected("a point needs at least one field");
  keys.clear();
  for (const auto& [k, v] : p.fields) {
    if (auto ok = check_name("field key", k, field_key_rules); !ok) return ok;
    if (k == "time") return std::unexpected("\"time\" is not a valid field key");
    if (!keys.insert(k).second)
      return std::unexpected(fmt::format("duplicate field {}", quoted(k)));
    if (const double* d = std::get_if<double>(&v); d && !std::isfinite(*d))
      return std::unexpected(fmt::format("field {} is not a finite number", quoted(k)));
  }
  return {};
}

}  // namespace

const char* precision_name(precision p) {
  switch (p) {
    case precision::ns:
      return "ns";
    case precision::us:
      return "u";  // InfluxDB 1.x spells microseconds "u"
    case precision::ms:
      return "ms";
    case precision::s:
      return "s";
  }
  return "ns";
}

std::expected<void, std::string> encode_line(const point& p, precision prec, std::string& out) {
  if (auto ok = check(p); !ok) return ok;
  append_name(out, p.measurement, measurement_rules);
  for (const auto& [k, v] : p.tags) {
    out.push_back(',');
    append_name(out, k, tag_rules);
    out.push_back('=');
    append_name(out, v, tag_rules);
  }
  char sep = ' ';
  for (const auto& [k, v] : p.fields) {
    out.push_back(sep);
    sep = ',';
    append_name(out, k, field_key_rules);
    out.push_back('=');
    if (const auto* d = std::get_if<double>(&v)) {
      fmt::format_to(std::back_inserter(out), "{}", *d);  // shortest text that reads back equal
    } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
      fmt::format_to(std::back_inserter(out), "{}i", *i);
    } else if (const auto* b = std::get_if<bool>(&v)) {
      out += *b ? "true" : "false";
    } else {
      append_string_value(out, std::get<std::string>(v));
    }
  }
  if (p.time) fmt::format_to(std::back_inserter(out), " {}", in_precision(*p.time, prec));
  out.push_back('\n');
  return {};
}

point reading_point(const core::reading& r) {
  point p;
  p.measurement = "reading";
  for (const auto& [k, v] : {std::pair<const char*, const std::string*>{"site", &r.site},
                             {"zone", &r.zone},
                             {"device", &r.device},
                             {"metric", &r.metric},
                             {"subject", &r.subject}}) {
    if (!v->empty()) p.tags.emplace_back(k, *v);
  }
  if (r.is_number())
    p.fields.emplace_back("value", r.number());
  else
    p.fields.emplace_back("state", r.state());
  p.fields.emplace_back("unit", r.unit);
  p.time = std::chrono::duration_cast<std::chrono::nanoseconds>(r.ts.time_since_epoch());
  return p;
}

}  // namespace campus::history
