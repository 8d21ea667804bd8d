// The options of a json_map device, validated once when the adapter is made:
//   {"ts_path":"data.time","ts_unit":"ms"|"s",
//    "fields":[{"path":"data.gas.lel","metric":"lel_pct","type":"number"|"state",
//               "scale":0.1,"offset":0,"unit":"%LEL","required":true}]}
#pragma once

#include <boost/json/object.hpp>

#include <expected>
#include <string>
#include <vector>

#include "adapters/common/timestamp_field.hpp"
#include "adapters/json_map/json_path.hpp"

namespace campus::adapters {

// One reading taken from one place in the payload.
struct field_mapping {
  enum class value_type { number, state };

  json_path path;
  std::string metric{};
  value_type type = value_type::number;
  double scale = 1;     // numbers: value = raw * scale + offset
  double offset = 0;
  std::string unit{};   // numbers only
  bool required = false;  // absent required field: "missing_field"; absent optional: skipped
};

struct json_map_options {
  json_path ts_path;  // default "ts"; absent in a payload means "now"
  timestamp_unit ts_unit = timestamp_unit::milliseconds;
  std::vector<field_mapping> fields{};  // at least one; metrics unique

  // Validates everything; the error names the option path and the bad value,
  // e.g. `options.fields[1].scale: must be a number, got "x"`.
  static std::expected<json_map_options, std::string> from_json(const boost::json::object& options);
};

}  // namespace campus::adapters
