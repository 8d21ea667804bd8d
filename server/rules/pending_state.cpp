#include "rules/pending_state.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace campus::rules {

namespace json = boost::json;

void pending_writer::separate() {
  if (!first_) out_.push_back(',');
  first_ = false;
}

void pending_writer::text(std::string_view s) {
  // JSON string escaping by hand (no allocation per string). Bytes from 0x80 up are copied as
  // they are, valid UTF-8 or not: the reader parses with allow_invalid_utf8.
  separate();
  out_.push_back('"');
  // Ids and most subjects need no escaping: one append.
  if (std::none_of(s.begin(), s.end(), [](char c) {
        return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
      })) {
    out_.append(s);
    out_.push_back('"');
    return;
  }
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out_.push_back('\\');
      out_.push_back(c);
    } else if (u < 0x20) {
      fmt::format_to(std::back_inserter(out_), "\\u{:04x}", u);
    } else {
      out_.push_back(c);
    }
  }
  out_.push_back('"');
}

void pending_writer::begin(std::string_view subject) {
  out_.push_back('[');
  first_ = true;
  text(kind_);
  text(device_);
  text(rule_);
  text(subject);
}

void pending_writer::time(core::time_point t) {
  separate();
  const fmt::format_int ms(core::to_epoch_ms(t));
  out_.append(ms.data(), ms.size());
}

void pending_writer::number(double v) {
  separate();
  // fmt's shortest representation reads back as the same double.
  fmt::format_to(std::back_inserter(out_), "{}", v);
}

void pending_writer::flag(bool b) {
  separate();
  out_ += b ? "true" : "false";
}

void pending_writer::bits(std::uint64_t b) {
  separate();
  const fmt::format_int text(b);
  out_.append(text.data(), text.size());
}

void pending_writer::value(const core::reading_value& v) {
  if (const auto* n = std::get_if<double>(&v)) return number(*n);
  text(std::get<std::string>(v));
}

void pending_writer::begin_list() {
  separate();
  out_.push_back('[');
  first_ = true;
}

void pending_writer::end_list() {
  out_.push_back(']');
  first_ = false;
}

void pending_writer::end() {
  out_ += "]\n";
  ++records_;
}

namespace {

constexpr std::size_t first_field = 4;  // after kind, device, rule, subject

std::optional<std::int64_t> integer(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v.get_uint64());
  return std::nullopt;
}

}  // namespace

core::time_point pending_fields::shifted(std::int64_t epoch_ms) const {
  return std::min(core::from_epoch_ms(epoch_ms) + shift_, now_);
}

std::size_t pending_fields::size() const {
  return record_.size() > first_field ? record_.size() - first_field : 0;
}

std::optional<core::time_point> pending_fields::time(std::size_t i) const {
  if (i >= size()) return std::nullopt;
  const auto ms = integer(record_[first_field + i]);
  if (!ms) return std::nullopt;
  return shifted(*ms);
}

std::optional<double> pending_fields::number(std::size_t i) const {
  if (i >= size()) return std::nullopt;
  const json::value& v = record_[first_field + i];
  if (!v.is_number()) return std::nullopt;
  const double d = v.to_number<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<bool> pending_fields::flag(std::size_t i) const {
  if (i >= size() || !record_[first_field + i].is_bool()) return std::nullopt;
  return record_[first_field + i].get_bool();
}

std::optional<std::uint64_t> pending_fields::bits(std::size_t i) const {
  if (i >= size()) return std::nullopt;
  const json::value& v = record_[first_field + i];
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
  return std::nullopt;
}

std::optional<core::reading_value> pending_fields::value(std::size_t i) const {
  if (i >= size()) return std::nullopt;
  const json::value& v = record_[first_field + i];
  if (v.is_string()) return core::reading_value{std::string(v.get_string())};
  if (auto n = number(i)) return core::reading_value{*n};
  return std::nullopt;
}

std::optional<std::vector<core::time_point>> pending_fields::times(std::size_t i) const {
  if (i >= size() || !record_[first_field + i].is_array()) return std::nullopt;
  std::vector<core::time_point> out;
  for (const json::value& v : record_[first_field + i].get_array()) {
    const auto ms = integer(v);
    if (!ms) return std::nullopt;
    out.push_back(shifted(*ms));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace campus::rules
