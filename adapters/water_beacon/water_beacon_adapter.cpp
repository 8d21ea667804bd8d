#include "adapters/water_beacon/water_beacon_adapter.hpp"

#include <fmt/format.h>

#include "adapters/common/json_fields.hpp"
#include "adapters/common/option_checks.hpp"
#include "adapters/common/payload_object.hpp"
#include "adapters/common/reading_batch.hpp"
#include "adapters/common/rejections.hpp"
#include "adapters/common/timestamp_field.hpp"

namespace campus::adapters {

std::expected<std::unique_ptr<adapter>, std::string> water_beacon_adapter::make(
    const boost::json::object& options) {
  if (auto err = unknown_option(options, "options", {})) return std::unexpected(*err);
  return std::make_unique<water_beacon_adapter>();
}

parse_result water_beacon_adapter::parse(std::string_view payload, const context& ctx) const {
  auto obj = parse_payload_object(payload);
  if (!obj) return std::unexpected(obj.error());
  auto ts = read_payload_ts(*obj, ctx.now);
  if (!ts) return std::unexpected(ts.error());

  const auto* tags_value = obj->if_contains("tags");
  if (tags_value == nullptr) return std::unexpected(missing("tags"));
  if (!tags_value->is_array()) {
    return std::unexpected(reject(reason::bad_type, "tags",
                                  fmt::format("must be an array, got {} {}",
                                              kind_name(tags_value->kind()),
                                              quote_json(*tags_value))));
  }
  const auto& tags = tags_value->get_array();
  if (tags.size() > max_tags) {
    return std::unexpected(reject(reason::bad_value, "tags",
                                  fmt::format("{} tags, at most {} are accepted", tags.size(),
                                              max_tags)));
  }

  // A tag we cannot identify or place refuses the whole payload: dropping it silently could
  // hide a child at the water's edge, while a rejection is counted and logged.
  reading_batch out(ctx, *ts);
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const std::string at = fmt::format("tags[{}]", i);
    if (!tags[i].is_object()) {
      return std::unexpected(reject(reason::bad_type, at,
                                    fmt::format("must be an object, got {} {}",
                                                kind_name(tags[i].kind()), quote_json(tags[i]))));
    }
    const auto& tag = tags[i].get_object();

    const auto* id_value = tag.if_contains("id");
    if (id_value == nullptr) return std::unexpected(missing(at + ".id"));
    auto id = read_string(*id_value, at + ".id");
    if (!id) return std::unexpected(id.error());
    // The id becomes a reading's subject, stored and shown per tag: keep it short.
    if (id->empty() || id->size() > max_tag_id_chars) {
      return std::unexpected(reject(reason::bad_value, at + ".id",
                                    fmt::format("must be 1..{} characters, got {}",
                                                max_tag_id_chars, quote_json(*id_value))));
    }

    const auto* dist_value = tag.if_contains("dist_m");
    if (dist_value == nullptr) return std::unexpected(missing(at + ".dist_m"));
    auto dist = read_number_in(*dist_value, at + ".dist_m", 0);
    if (!dist) return std::unexpected(dist.error());
    out.add_number("dist_m", *dist, "m", *id);

    if (const auto* rssi_value = tag.if_contains("rssi")) {
      auto rssi = read_number(*rssi_value, at + ".rssi");
      if (!rssi) return std::unexpected(rssi.error());
      out.add_number("rssi", *rssi, "dBm", *id);
    }
  }
  out.add_number("tags_near", static_cast<double>(tags.size()), "");
  return std::move(out).take();
}

void register_water_beacon(registry& r) { r.add("water_beacon", &water_beacon_adapter::make); }

}  // namespace campus::adapters
