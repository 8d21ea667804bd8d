#include "adapters/json_map/json_map_adapter.hpp"

#include <fmt/format.h>

#include <cmath>

#include "adapters/common/json_fields.hpp"
#include "adapters/common/payload_object.hpp"
#include "adapters/common/reading_batch.hpp"
#include "adapters/common/rejections.hpp"
#include "adapters/common/timestamp_field.hpp"

namespace campus::adapters {

std::expected<std::unique_ptr<adapter>, std::string> json_map_adapter::make(
    const boost::json::object& options) {
  auto parsed = json_map_options::from_json(options);
  if (!parsed) return std::unexpected(parsed.error());
  return std::make_unique<json_map_adapter>(std::move(*parsed));
}

parse_result json_map_adapter::parse(std::string_view payload, const context& ctx) const {
  auto obj = parse_payload_object(payload);
  if (!obj) return std::unexpected(obj.error());

  auto ts_value = options_.ts_path.find(*obj);
  if (!ts_value) return std::unexpected(ts_value.error());
  auto ts = read_timestamp(*ts_value, options_.ts_path.text(), ctx.now, options_.ts_unit);
  if (!ts) return std::unexpected(ts.error());

  reading_batch out(ctx, *ts);
  for (const field_mapping& f : options_.fields) {
    const std::string& field = f.path.text();
    auto found = f.path.find(*obj);
    if (!found) return std::unexpected(found.error());
    const boost::json::value* v = *found;
    if (v == nullptr) {
      if (f.required) return std::unexpected(missing(field));
      continue;
    }
    if (f.type == field_mapping::value_type::state) {
      if (v->is_bool()) {
        out.add_state(f.metric, v->get_bool() ? "true" : "false");
        continue;
      }
      auto s = read_string(*v, field);
      if (!s) return std::unexpected(s.error());
      out.add_state(f.metric, *s);
      continue;
    }
    auto raw = read_number(*v, field);
    if (!raw) return std::unexpected(raw.error());
    double value = *raw * f.scale + f.offset;
    if (!std::isfinite(value)) {
      return std::unexpected(reject(reason::not_finite, field,
                                    fmt::format("{} * {} + {} is out of range", quote_json(*v),
                                                f.scale, f.offset)));
    }
    out.add_number(f.metric, value, f.unit);
  }
  if (out.empty()) {
    return std::unexpected(
        reject(reason::no_readings, "payload", "none of the mapped fields is present"));
  }
  return std::move(out).take();
}

void register_json_map(registry& r) { r.add("json_map", &json_map_adapter::make); }

}  // namespace campus::adapters
