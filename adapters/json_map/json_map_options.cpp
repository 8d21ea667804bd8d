#include "adapters/json_map/json_map_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "adapters/common/option_checks.hpp"
#include "adapters/common/rejections.hpp"

namespace campus::adapters {

namespace {

constexpr std::size_t max_metric_chars = 64;

bool is_identifier(std::string_view s) {
  if (s.empty() || s.size() > max_metric_chars) return false;
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!letter(s.front())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return letter(c) || digit(c); });
}

std::expected<json_path, std::string> path_option(const boost::json::value& v,
                                                  std::string_view at) {
  if (!v.is_string() || v.get_string().empty()) {
    return std::unexpected(option_type_error(at, "a non-empty string", v));
  }
  auto p = json_path::parse(v.get_string());
  if (!p) {
    return std::unexpected(
        option_error(at, fmt::format("{} is not a path: {}", quote_json(v), p.error())));
  }
  return p;
}

std::expected<double, std::string> number_option(const boost::json::value& v,
                                                 std::string_view at) {
  if (!v.is_number()) return std::unexpected(option_type_error(at, "a number", v));
  double d = v.to_number<double>();
  if (!std::isfinite(d)) return std::unexpected(option_type_error(at, "a finite number", v));
  return d;
}

std::expected<field_mapping, std::string> field_option(const boost::json::value& v,
                                                       const std::string& at) {
  if (!v.is_object()) return std::unexpected(option_type_error(at, "an object", v));
  const auto& o = v.get_object();
  if (auto err =
          unknown_option(o, at, {"path", "metric", "type", "scale", "offset", "unit", "required"})) {
    return std::unexpected(*err);
  }

  const auto* path = o.if_contains("path");
  if (path == nullptr) return std::unexpected(option_error(at + ".path", "required option is missing"));
  auto p = path_option(*path, at + ".path");
  if (!p) return std::unexpected(p.error());
  field_mapping f{.path = std::move(*p)};

  const auto* metric = o.if_contains("metric");
  if (metric == nullptr) {
    return std::unexpected(option_error(at + ".metric", "required option is missing"));
  }
  if (!metric->is_string() || !is_identifier(metric->get_string())) {
    return std::unexpected(option_type_error(
        at + ".metric", "an identifier (letters, digits, '_'; not starting with a digit; at most 64)",
        *metric));
  }
  f.metric = metric->get_string();

  if (const auto* type = o.if_contains("type")) {
    if (type->is_string() && type->get_string() == "number") {
      f.type = field_mapping::value_type::number;
    } else if (type->is_string() && type->get_string() == "state") {
      f.type = field_mapping::value_type::state;
    } else {
      return std::unexpected(option_type_error(at + ".type", "\"number\" or \"state\"", *type));
    }
  }
  const bool is_state = f.type == field_mapping::value_type::state;

  for (const char* numeric_only : {"scale", "offset", "unit"}) {
    if (is_state && o.contains(numeric_only)) {
      return std::unexpected(option_error(fmt::format("{}.{}", at, numeric_only),
                                          "applies only to type \"number\""));
    }
  }
  if (const auto* scale = o.if_contains("scale")) {
    auto d = number_option(*scale, at + ".scale");
    if (!d) return std::unexpected(d.error());
    f.scale = *d;
  }
  if (const auto* offset = o.if_contains("offset")) {
    auto d = number_option(*offset, at + ".offset");
    if (!d) return std::unexpected(d.error());
    f.offset = *d;
  }
  if (const auto* unit = o.if_contains("unit")) {
    if (!unit->is_string() || unit->get_string().size() > 16) {
      return std::unexpected(option_type_error(at + ".unit", "a string of at most 16 bytes", *unit));
    }
    f.unit = unit->get_string();
  }
  if (const auto* required = o.if_contains("required")) {
    if (!required->is_bool()) {
      return std::unexpected(option_type_error(at + ".required", "true or false", *required));
    }
    f.required = required->get_bool();
  }
  return f;
}

}  // namespace

std::expected<json_map_options, std::string> json_map_options::from_json(
    const boost::json::object& options) {
  if (auto err = unknown_option(options, "options", {"ts_path", "ts_unit", "fields"})) {
    return std::unexpected(*err);
  }
  json_map_options out{.ts_path = *json_path::parse("ts")};

  if (const auto* ts_path = options.if_contains("ts_path")) {
    auto p = path_option(*ts_path, "options.ts_path");
    if (!p) return std::unexpected(p.error());
    out.ts_path = std::move(*p);
  }
  if (const auto* unit = options.if_contains("ts_unit")) {
    if (unit->is_string() && unit->get_string() == "ms") {
      out.ts_unit = timestamp_unit::milliseconds;
    } else if (unit->is_string() && unit->get_string() == "s") {
      out.ts_unit = timestamp_unit::seconds;
    } else {
      return std::unexpected(option_type_error("options.ts_unit", "\"ms\" or \"s\"", *unit));
    }
  }

  const auto* fields = options.if_contains("fields");
  if (fields == nullptr) return std::unexpected(option_error("options.fields", "required option is missing"));
  if (!fields->is_array() || fields->get_array().empty()) {
    return std::unexpected(option_type_error("options.fields", "a non-empty array", *fields));
  }
  const auto& list = fields->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = fmt::format("options.fields[{}]", i);
    auto f = field_option(list[i], at);
    if (!f) return std::unexpected(f.error());
    // Two fields feeding one metric would make readings of the same series disagree.
    for (const field_mapping& earlier : out.fields) {
      if (earlier.metric == f->metric) {
        return std::unexpected(
            option_error(at + ".metric", fmt::format("\"{}\" is already mapped by an earlier field",
                                                      f->metric)));
      }
    }
    out.fields.push_back(std::move(*f));
  }
  return out;
}

}  // namespace campus::adapters
