#include "adapters/alarm_input/alarm_input_adapter.hpp"

#include "adapters/common/json_fields.hpp"
#include "adapters/common/option_checks.hpp"
#include "adapters/common/payload_object.hpp"
#include "adapters/common/reading_batch.hpp"
#include "adapters/common/timestamp_field.hpp"

namespace campus::adapters {

std::expected<std::unique_ptr<adapter>, std::string> alarm_input_adapter::make(
    const boost::json::object& options) {
  if (auto err = unknown_option(options, "options", {"kind"})) return std::unexpected(*err);
  if (const auto* kind = options.if_contains("kind")) {
    if (!kind->is_string() || (kind->get_string() != "one_key" &&
                               kind->get_string() != "perimeter" && kind->get_string() != "smoke")) {
      return std::unexpected(
          option_type_error("options.kind", "one of \"one_key\", \"perimeter\", \"smoke\"", *kind));
    }
  }
  return std::make_unique<alarm_input_adapter>();
}

parse_result alarm_input_adapter::parse(std::string_view payload, const context& ctx) const {
  auto obj = parse_payload_object(payload);
  if (!obj) return std::unexpected(obj.error());
  auto ts = read_payload_ts(*obj, ctx.now);
  if (!ts) return std::unexpected(ts.error());

  const auto* v = obj->if_contains("state");
  if (v == nullptr) return std::unexpected(missing("state"));
  auto state = read_state(*v, "state", {"alarm", "normal"});
  if (!state) return std::unexpected(state.error());

  reading_batch out(ctx, *ts);
  out.add_state("alarm", *state);
  return std::move(out).take();
}

void register_alarm_input(registry& r) { r.add("alarm_input", &alarm_input_adapter::make); }

}  // namespace campus::adapters
