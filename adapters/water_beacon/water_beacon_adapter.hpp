// Beacon gateways at dangerous water: which student wristband tags are near, and how near.
// {"ts":…,"tags":[{"id":"tag-10234","rssi":-61,"dist_m":4.2}]}
// README.md in this folder lists the readings and rejections.
#pragma once

#include <cstddef>

#include "adapters/adapter.hpp"
#include "adapters/registry.hpp"

namespace campus::adapters {

class water_beacon_adapter final : public adapter {
 public:
  // More tags than this in one payload is refused: a gateway sees a class at most, and the
  // cap bounds the readings one message can fan out into.
  static constexpr std::size_t max_tags = 256;
  static constexpr std::size_t max_tag_id_chars = 64;

  // Takes no options; any key is an error.
  static std::expected<std::unique_ptr<adapter>, std::string> make(
      const boost::json::object& options);

  parse_result parse(std::string_view payload, const context& ctx) const override;
};

void register_water_beacon(registry& r);

}  // namespace campus::adapters
