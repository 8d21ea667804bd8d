// A small district for the bureau's tests: one school (UTC+8) with a kitchen (two gas
// detectors, no camera) and a gate (one alarm input), and a second school with only a gate.
#pragma once

#include "config/loader.hpp"

namespace campus::bureau::testing {

inline config::district small_district() {
  auto d = config::load_string(R"(district: {id: d, name: 区}
compliance:
  target: 90%
  reporting_window: 10m
  required:
    canteen_kitchen: [gas_detector, kitchen_camera]
    gate: [alarm_input]
sites:
  - id: a
    name: 甲校
    time_zone: Asia/Shanghai
    zones:
      - {id: kitchen, type: canteen_kitchen, name: 后厨}
      - {id: gate, type: gate, name: 校门}
      - {id: office, type: other, name: 办公室}
    devices:
      - {id: a-gas-1, family: gas_detector, zone: kitchen}
      - {id: a-gas-2, family: gas_detector, zone: kitchen}
      - {id: a-alarm-1, family: alarm_input, zone: gate}
  - id: b
    name: 乙校
    time_zone: Asia/Shanghai
    zones:
      - {id: gate, type: gate, name: 校门}
    devices:
      - {id: b-alarm-1, family: alarm_input, zone: gate}
)", "small.yaml");
  if (!d) throw std::runtime_error(d.error().front().to_string());
  return std::move(*d);
}

}  // namespace campus::bureau::testing
