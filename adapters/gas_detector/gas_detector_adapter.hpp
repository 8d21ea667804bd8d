// Gas detectors (kitchen natural gas / LPG, boiler rooms, dormitory CO):
// {"ts":1763860000123,"lel_pct":3.2,"co_ppm":4,"valve":"open","fault":false}
// README.md in this folder lists the readings and rejections.
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/registry.hpp"

namespace campus::adapters {

class gas_detector_adapter final : public adapter {
 public:
  // Takes no options; any key is an error.
  static std::expected<std::unique_ptr<adapter>, std::string> make(
      const boost::json::object& options);

  parse_result parse(std::string_view payload, const context& ctx) const override;
};

void register_gas_detector(registry& r);

}  // namespace campus::adapters
