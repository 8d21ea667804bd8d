#include "adapters/kitchen_camera/kitchen_camera_adapter.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "adapters/common/json_fields.hpp"
#include "adapters/common/option_checks.hpp"
#include "adapters/common/payload_object.hpp"
#include "adapters/common/reading_batch.hpp"
#include "adapters/common/rejections.hpp"
#include "adapters/common/timestamp_field.hpp"

namespace campus::adapters {

namespace {

bool is_event_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.';
  });
}

}  // namespace

std::expected<std::unique_ptr<adapter>, std::string> kitchen_camera_adapter::make(
    const boost::json::object& options) {
  if (auto err = unknown_option(options, "options", {"events"})) return std::unexpected(*err);
  std::vector<std::string> extra;
  if (const auto* events = options.if_contains("events")) {
    if (!events->is_array()) {
      return std::unexpected(option_type_error("options.events", "an array of strings", *events));
    }
    const auto& list = events->get_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string() || !is_event_name(list[i].get_string())) {
        return std::unexpected(option_type_error(
            fmt::format("options.events[{}]", i),
            "an event name (letters, digits, '_', '-', '.'; at most 64)", list[i]));
      }
      extra.emplace_back(list[i].get_string());
    }
  }
  return std::make_unique<kitchen_camera_adapter>(std::move(extra));
}

bool kitchen_camera_adapter::known_event(std::string_view name) const {
  return std::ranges::find(builtin_events, name) != std::end(builtin_events) ||
         std::ranges::find(extra_events_, name) != extra_events_.end();
}

parse_result kitchen_camera_adapter::parse(std::string_view payload, const context& ctx) const {
  auto obj = parse_payload_object(payload);
  if (!obj) return std::unexpected(obj.error());
  auto ts = read_payload_ts(*obj, ctx.now);
  if (!ts) return std::unexpected(ts.error());

  reading_batch out(ctx, *ts);
  if (const auto* ev = obj->if_contains("event")) {
    auto name = read_string(*ev, "event");
    if (!name) return std::unexpected(name.error());
    if (!known_event(*name)) {
      return std::unexpected(reject(reason::bad_value, "event",
                                    fmt::format("unknown event {} (known: {}{}{})", quote_json(*ev),
                                                fmt::join(builtin_events, ", "),
                                                extra_events_.empty() ? "" : ", ",
                                                fmt::join(extra_events_, ", "))));
    }
    out.add_state("event", *name);
    if (const auto* c = obj->if_contains("confidence")) {
      auto confidence = read_number_in(*c, "confidence", 0, 1);
      if (!confidence) return std::unexpected(confidence.error());
      out.add_number("event_confidence", *confidence, "");
    }
    // "snapshot" (a URL on the NVR) has no place in a reading; it is left for the event log.
    return std::move(out).take();
  }

  if (const auto* v = obj->if_contains("online")) {
    auto online = read_bool(*v, "online");
    if (!online) return std::unexpected(online.error());
    out.add_state("status", *online ? "online" : "offline");
  }
  if (const auto* v = obj->if_contains("fps")) {
    auto fps = read_number_in(*v, "fps", 0);
    if (!fps) return std::unexpected(fps.error());
    out.add_number("fps", *fps, "fps");
  }
  if (out.empty()) {
    return std::unexpected(
        reject(reason::no_readings, "payload", "neither an event nor online/fps is present"));
  }
  return std::move(out).take();
}

void register_kitchen_camera(registry& r) {
  r.add("kitchen_camera", &kitchen_camera_adapter::make);
}

}  // namespace campus::adapters
