#include "sim/alarm_input_model.hpp"

namespace campus::sim {

std::vector<sim_message> alarm_input_model::sample(core::time_point now, const local_moment&) {
  boost::json::object p;
  p["ts"] = core::to_epoch_ms(now);
  p["state"] = "normal";
  return {telemetry(p)};
}

core::duration alarm_input_model::next_gap(core::duration) {
  return core::duration{static_cast<long>(uniform(30000, 60000))};
}

}  // namespace campus::sim
