#include "adapters/gas_detector/gas_detector_adapter.hpp"

#include "adapters/common/json_fields.hpp"
#include "adapters/common/option_checks.hpp"
#include "adapters/common/payload_object.hpp"
#include "adapters/common/reading_batch.hpp"
#include "adapters/common/rejections.hpp"
#include "adapters/common/timestamp_field.hpp"

namespace campus::adapters {

std::expected<std::unique_ptr<adapter>, std::string> gas_detector_adapter::make(
    const boost::json::object& options) {
  if (auto err = unknown_option(options, "options", {})) return std::unexpected(*err);
  return std::make_unique<gas_detector_adapter>();
}

parse_result gas_detector_adapter::parse(std::string_view payload, const context& ctx) const {
  auto obj = parse_payload_object(payload);
  if (!obj) return std::unexpected(obj.error());
  auto ts = read_payload_ts(*obj, ctx.now);
  if (!ts) return std::unexpected(ts.error());

  // Every field is optional (detectors differ in what they measure) but present ones must be
  // valid: one bad field refuses the whole payload rather than half-reporting it.
  reading_batch out(ctx, *ts);
  if (const auto* v = obj->if_contains("lel_pct")) {
    auto lel = read_number_in(*v, "lel_pct", 0, 100);
    if (!lel) return std::unexpected(lel.error());
    out.add_number("lel_pct", *lel, "%LEL");
  }
  if (const auto* v = obj->if_contains("co_ppm")) {
    auto co = read_number_in(*v, "co_ppm", 0);
    if (!co) return std::unexpected(co.error());
    out.add_number("co_ppm", *co, "ppm");
  }
  if (const auto* v = obj->if_contains("valve")) {
    auto valve = read_state(*v, "valve", {"open", "closed"});
    if (!valve) return std::unexpected(valve.error());
    out.add_state("valve", *valve);
  }
  if (const auto* v = obj->if_contains("fault")) {
    auto fault = read_bool(*v, "fault");
    if (!fault) return std::unexpected(fault.error());
    out.add_state("fault", *fault ? "fault" : "ok");
  }
  if (out.empty()) {
    return std::unexpected(
        reject(reason::no_readings, "payload", "none of lel_pct, co_ppm, valve, fault is present"));
  }
  return std::move(out).take();
}

void register_gas_detector(registry& r) { r.add("gas_detector", &gas_detector_adapter::make); }

}  // namespace campus::adapters
