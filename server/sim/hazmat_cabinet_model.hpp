// Hazmat cabinet (chemical store, lab reagents):
//   {"ts":…,"temp_c":22.4,"rh_pct":47,"voc_ppm":0.31,"door":"closed","lock":"locked","fan":"on"}
// Temperature 18–26 °C on a daily curve (coolest before dawn, warmest mid-afternoon), VOC under
// 1 ppm, ventilation fan always on. During lessons (weekdays 08:00–17:00) a teacher opens the
// door now and then for a minute or two (unlocked while open); otherwise closed and locked, so
// the after-hours door/lock rules (from 18:00) never see an open door in normal running.
#pragma once

#include "sim/device_model.hpp"
#include "sim/wander.hpp"

namespace campus::sim {

class hazmat_cabinet_model final : public device_model {
 public:
  hazmat_cabinet_model(device_place place, std::uint64_t seed);

  std::vector<sim_message> sample(core::time_point now, const local_moment& local) override;

 private:
  void move_door(core::time_point now, const local_moment& local);

  wander temp_noise_{0.05, 0.5};
  wander rh_noise_{0.4, 3.0};
  wander voc_noise_{0.02, 0.15};
  double temp_offset_;
  bool door_open_ = false;
  core::time_point close_at_{};
};

}  // namespace campus::sim
