// The generator: every simulated device of a district (or of one school), each with its own
// schedule. It never touches a network; the caller asks what is due at a time and publishes
// it, so tests drive it with simulated time and no broker.
//
//   auto sim = district_simulator::make(district, {.seed = 7});
//   publish(sim->start(now));                    // retained `online` status per device
//   for (;;) { sleep_until(sim->next_due()); publish(sim->take_due(now)); }
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/district.hpp"
#include "sim/device_model.hpp"
#include "sim/site_clock.hpp"

namespace campus::sim {

struct simulator_settings {
  std::uint64_t seed = 1;
  core::duration interval{
      2000};         // telemetry period of sensors (cameras and alarm inputs keep theirs)
  std::string site;  // simulate only this school; empty = all
};

class district_simulator {
 public:
  // Fails on an unknown `site`, a site time zone the tz database lacks, or nothing to simulate.
  // Devices of families the simulator does not know are skipped (see skipped()).
  static std::expected<district_simulator, std::string> make(const config::district& district,
                                                             const simulator_settings& settings);

  // The retained `online` status of every device that is not muted, and schedules each
  // device's first sample at a random point within its first period (so they do not publish
  // in lockstep).
  std::vector<sim_message> start(core::time_point now);

  // When the earliest device is due; start() must have been called.
  core::time_point next_due() const;

  // Everything due at or before `now`, earliest first; each device then waits its next
  // (jittered) period. Muted devices are sampled and rescheduled but publish nothing, so a
  // mute changes nothing else; a device whose mute has passed publishes its `online` status
  // again before its sample.
  std::vector<sim_message> take_due(core::time_point now);

  // One normal-running sample of a device at `now`, outside the schedule. Empty for an unknown
  // device. Tests use it to walk a device through a simulated day.
  std::vector<sim_message> sample(std::string_view device_id, core::time_point now);

  // The device stops publishing for good (a scenario has taken it over: a camera left offline).
  void mute(std::string_view device_id);
  // The device publishes nothing (no telemetry, no event, no heartbeat) for samples due before
  // `until`; the first sample due at or after it is preceded by the device's retained `online`
  // status and the schedule carries on. Replaces any earlier mute of the device (a past `until`
  // unmutes it). Unknown devices are ignored: another simulator may own them.
  void mute_until(std::string_view device_id, core::time_point until);
  // Same as mute_until(device_id, the distant past): the next due sample is published.
  void unmute(std::string_view device_id);
  // Whether the device would stay silent for a sample due at `at`; false for an unknown device.
  bool muted(std::string_view device_id, core::time_point at) const;

  std::vector<std::string> device_ids() const;
  const std::vector<std::string>& skipped() const { return skipped_; }
  // The simulated device's model, or nullptr.
  const device_model* find(std::string_view device_id) const;

 private:
  struct entry {
    std::unique_ptr<device_model> model;
    site_clock clock;
    core::time_point due{};
    core::time_point muted_until = core::time_point::min();
    bool silenced = false;  // a sample was held back: announce `online` again on resuming
  };

  entry* find_entry(std::string_view device_id);
  const entry* find_entry(std::string_view device_id) const;

  simulator_settings settings_;
  std::vector<entry> entries_;
  std::vector<std::string> skipped_;
};

}  // namespace campus::sim
