// "Open kitchen" (明厨亮灶) cameras with on-board analytics, two payload shapes:
//   heartbeat {"ts":…,"online":true,"fps":25}
//   event     {"ts":…,"event":"no_hat","confidence":0.93,"snapshot":"http://nvr.local/snap/123.jpg"}
// A payload holding "event" is an event whatever stream it came on (vendors mix them up).
// README.md in this folder lists the readings and rejections.
#pragma once

#include <string>
#include <vector>

#include "adapters/adapter.hpp"
#include "adapters/registry.hpp"

namespace campus::adapters {

class kitchen_camera_adapter final : public adapter {
 public:
  // Events every camera may report.
  static constexpr std::string_view builtin_events[] = {"no_hat", "no_mask", "smoking", "rodent",
                                                        "stranger"};

  // Options: "events" (optional): array of extra event names this model reports
  // (non-empty strings of letters, digits, '_', '-', '.', at most 64 characters).
  static std::expected<std::unique_ptr<adapter>, std::string> make(
      const boost::json::object& options);

  explicit kitchen_camera_adapter(std::vector<std::string> extra_events)
      : extra_events_(std::move(extra_events)) {}

  parse_result parse(std::string_view payload, const context& ctx) const override;

 private:
  bool known_event(std::string_view name) const;

  std::vector<std::string> extra_events_;  // immutable after construction: parse is thread-safe
};

void register_kitchen_camera(registry& r);

}  // namespace campus::adapters
