// Every device family of this build. Adding a family: one folder and one line here
// (docs/adapters.md has the checklist).
#include "adapters/registry.hpp"

namespace campus::adapters {

void register_gas_detector(registry&);
void register_hazmat_cabinet(registry&);
void register_kitchen_camera(registry&);
void register_water_beacon(registry&);
void register_alarm_input(registry&);
void register_json_map(registry&);

void register_all(registry& r) {
  register_gas_detector(r);
  register_hazmat_cabinet(r);
  register_kitchen_camera(r);
  register_water_beacon(r);
  register_alarm_input(r);
  register_json_map(r);
}

}  // namespace campus::adapters
