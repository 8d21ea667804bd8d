// The smallest district file the loader accepts (8 lines: one school, one kitchen, one gas
// detector), and that file with more appended: what the config tests build their cases on.
#pragma once

#include <string>

namespace campus::config::test {

inline constexpr const char* minimal_district = R"(district: {id: d, name: 区}
sites:
  - id: s1
    name: 学校
    zones:
      - {id: kitchen, type: canteen_kitchen, name: 后厨}
    devices:
      - {id: gas-1, family: gas_detector, zone: kitchen}
)";

inline std::string with(const std::string& extra) { return std::string(minimal_district) + extra; }

}  // namespace campus::config::test
