// Hazardous-chemical cabinets in school labs:
// {"ts":…,"temp_c":24.1,"rh_pct":45,"voc_ppm":0.8,"door":"closed","lock":"locked","fan":"on"}
// README.md in this folder lists the readings and rejections.
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/registry.hpp"

namespace campus::adapters {

class hazmat_cabinet_adapter final : public adapter {
 public:
  // Takes no options; any key is an error.
  static std::expected<std::unique_ptr<adapter>, std::string> make(
      const boost::json::object& options);

  parse_result parse(std::string_view payload, const context& ctx) const override;
};

void register_hazmat_cabinet(registry& r);

}  // namespace campus::adapters
