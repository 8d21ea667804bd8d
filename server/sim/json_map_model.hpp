// A vendor device read through the generic json_map adapter. The payload is built from the
// device's own options, the way the adapter will read it back: for
//   {ts_path: t, ts_unit: s, fields: [{path: d.tmp, metric: temp_c, scale: 0.1},
//                                     {path: d.hum, metric: rh_pct}]}
// it publishes {"t":1763860000,"d":{"tmp":253,"hum":61}}. Each field's raw value is the
// metric's plausible value undone through `offset` and `scale` (integers when scale < 1, as
// vendors send tenths). Known metrics get realistic values (a kitchen's temp_c follows its
// cooking, 20–32 °C, well inside the kitchen-temperature band 5..45); unknown ones wander in
// 0..100. State fields read "normal". Fields whose path cannot be parsed are left out.
#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "sim/device_model.hpp"
#include "sim/wander.hpp"

namespace campus::sim {

class json_map_model final : public device_model {
 public:
  json_map_model(device_place place, std::uint64_t seed);

  std::vector<sim_message> sample(core::time_point now, const local_moment& local) override;

 private:
  using path = std::vector<std::variant<std::string, std::size_t>>;
  struct field {
    path where;
    std::string metric;
    bool state = false;
    double scale = 1;
    double offset = 0;
    wander noise{0.1, 2.0};
  };

  double metric_value(field& f, const local_moment& local);

  path ts_path_;
  bool ts_seconds_ = false;
  std::vector<field> fields_;
};

}  // namespace campus::sim
