// A simulated device: what it publishes in normal running. One model per family; each owns
// its random stream (seeded from the run's seed and the device id), so a device's values do
// not change when other devices are added, filtered out or sampled in another order.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "config/district.hpp"
#include "core/reading.hpp"
#include "sim/sim_message.hpp"
#include "sim/site_clock.hpp"

namespace campus::sim {

// Where a device sits; copied from the configuration so a model does not hold pointers into it.
struct device_place {
  std::string site;
  std::string zone;
  std::string zone_type;  // "canteen_kitchen", "chemical_store", …; empty when the zone is unknown
  std::string device;
  std::string family;
  boost::json::object options;
};

class device_model {
 public:
  device_model(device_place place, std::uint64_t seed);
  virtual ~device_model() = default;
  device_model(const device_model&) = delete;
  device_model& operator=(const device_model&) = delete;

  // What the device publishes at `now` in normal running: its telemetry, sometimes an event.
  // Models keep state between calls (noise, a door left open), so call it with rising `now`.
  virtual std::vector<sim_message> sample(core::time_point now, const local_moment& local) = 0;

  // How long until the next sample, given the run's telemetry interval. Jittered, so devices
  // started together drift apart instead of publishing in lockstep.
  virtual core::duration next_gap(core::duration interval);

  const device_place& place() const { return place_; }
  std::string topic(std::string_view stream) const;
  sim_message status(bool online) const;

 protected:
  sim_message telemetry(const boost::json::object& payload) const;
  sim_message event(const boost::json::object& payload) const;
  double uniform(double lo, double hi);
  bool chance(double p);
  // True with the probability that something happening on average once per `mean_gap` happens
  // within `elapsed`; so rates do not depend on how often the model is sampled.
  bool happens(core::duration elapsed, core::duration mean_gap);
  // Time since the previous sample (the run's interval for the first one); updates the mark.
  core::duration elapsed_since_last(core::time_point now, core::duration first);
  core::duration jittered(core::duration base, double fraction);
  std::mt19937_64& rng() { return rng_; }

 private:
  device_place place_;
  std::mt19937_64 rng_;
  core::time_point last_sample_{};
  bool sampled_ = false;
};

// Seed of one device's random stream: the run's seed mixed with a stable hash of the id.
std::uint64_t device_seed(std::uint64_t run_seed, std::string_view device_id);

// The model for the device's family, or nullptr for a family the simulator does not know.
std::unique_ptr<device_model> make_device_model(const config::device& device,
                                                const config::site& site, std::uint64_t run_seed);

// 0 outside the kitchen's cooking windows (06:30–08:00, 10:30–12:30, 16:30–18:30), rising
// smoothly to 1 in the middle of each: gas, CO and kitchen heat follow it.
double meal_activity(const local_moment& local);

}  // namespace campus::sim
