// Alarm inputs (one-key alarm buttons, perimeter beams, smoke detectors) behind an I/O module:
// {"ts":…,"state":"alarm"} / {"ts":…,"state":"normal"}
// README.md in this folder lists the readings and rejections.
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/registry.hpp"

namespace campus::adapters {

class alarm_input_adapter final : public adapter {
 public:
  // Options: "kind" (optional): "one_key" | "perimeter" | "smoke". It documents the input and
  // is validated so a typo fails at start-up; the readings are the same for every kind.
  static std::expected<std::unique_ptr<adapter>, std::string> make(
      const boost::json::object& options);

  parse_result parse(std::string_view payload, const context& ctx) const override;
};

void register_alarm_input(registry& r);

}  // namespace campus::adapters
