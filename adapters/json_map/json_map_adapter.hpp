// The generic vendor adapter: readings taken from configured places in any JSON object, so a
// new vendor's device is a configuration entry rather than code. See README.md here for the
// options (json_map_options.hpp validates them).
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/json_map/json_map_options.hpp"
#include "adapters/registry.hpp"

namespace campus::adapters {

class json_map_adapter final : public adapter {
 public:
  static std::expected<std::unique_ptr<adapter>, std::string> make(
      const boost::json::object& options);

  explicit json_map_adapter(json_map_options options) : options_(std::move(options)) {}

  // Numbers: raw * scale + offset, which must stay finite. States: strings, or booleans as
  // "true"/"false". Null counts as absent. Emission follows the order of `fields`.
  parse_result parse(std::string_view payload, const context& ctx) const override;

 private:
  json_map_options options_;  // immutable after construction: parse is thread-safe
};

void register_json_map(registry& r);

}  // namespace campus::adapters
