#include "adapters/hazmat_cabinet/hazmat_cabinet_adapter.hpp"

#include <optional>

#include "adapters/common/json_fields.hpp"
#include "adapters/common/option_checks.hpp"
#include "adapters/common/payload_object.hpp"
#include "adapters/common/reading_batch.hpp"
#include "adapters/common/rejections.hpp"
#include "adapters/common/timestamp_field.hpp"

namespace campus::adapters {

std::expected<std::unique_ptr<adapter>, std::string> hazmat_cabinet_adapter::make(
    const boost::json::object& options) {
  if (auto err = unknown_option(options, "options", {})) return std::unexpected(*err);
  return std::make_unique<hazmat_cabinet_adapter>();
}

parse_result hazmat_cabinet_adapter::parse(std::string_view payload, const context& ctx) const {
  auto obj = parse_payload_object(payload);
  if (!obj) return std::unexpected(obj.error());
  auto ts = read_payload_ts(*obj, ctx.now);
  if (!ts) return std::unexpected(ts.error());

  // As with gas detectors: every field optional, every present field valid, or nothing.
  reading_batch out(ctx, *ts);
  if (const auto* v = obj->if_contains("temp_c")) {
    // Any finite temperature: a fire inside the cabinet is exactly what must get through.
    auto t = read_number(*v, "temp_c");
    if (!t) return std::unexpected(t.error());
    out.add_number("temp_c", *t, "°C");
  }
  if (const auto* v = obj->if_contains("rh_pct")) {
    auto rh = read_number_in(*v, "rh_pct", 0, 100);
    if (!rh) return std::unexpected(rh.error());
    out.add_number("rh_pct", *rh, "%RH");
  }
  if (const auto* v = obj->if_contains("voc_ppm")) {
    auto voc = read_number_in(*v, "voc_ppm", 0);
    if (!voc) return std::unexpected(voc.error());
    out.add_number("voc_ppm", *voc, "ppm");
  }
  // Each state field: absent → skipped; present → one of its allowed values or a rejection.
  auto add_state = [&](std::string_view name, std::initializer_list<std::string_view> allowed)
      -> std::optional<rejection> {
    const auto* v = obj->if_contains(name);
    if (v == nullptr) return std::nullopt;
    auto s = read_state(*v, name, allowed);
    if (!s) return s.error();
    out.add_state(name, *s);
    return std::nullopt;
  };
  if (auto err = add_state("door", {"open", "closed"})) return std::unexpected(*err);
  if (auto err = add_state("lock", {"locked", "unlocked"})) return std::unexpected(*err);
  if (auto err = add_state("fan", {"on", "off"})) return std::unexpected(*err);
  if (out.empty()) {
    return std::unexpected(reject(reason::no_readings, "payload",
                                  "none of temp_c, rh_pct, voc_ppm, door, lock, fan is present"));
  }
  return std::move(out).take();
}

void register_hazmat_cabinet(registry& r) {
  r.add("hazmat_cabinet", &hazmat_cabinet_adapter::make);
}

}  // namespace campus::adapters
