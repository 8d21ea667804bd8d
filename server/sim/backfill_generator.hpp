// Plausible history for a span of time, as readings, for `campus-sim --backfill`. No I/O: the
// caller takes the readings in chunks and writes them wherever it likes (backfill_writer.hpp
// writes them to the history store).
//
// Every simulated device is sampled on a regular grid, every `step`, each at its own fixed
// offset inside the step (so devices do not all report on the minute), by the same device
// models as the live simulator (daily patterns in each school's local time). Each payload goes
// through the device's real adapter, exactly as the server would read it, so what is stored is
// what live ingest would have stored. Planned incidents (backfill_incident.hpp) change the
// payloads of the devices they concern, or leave them out.
//
//   auto gen = backfill_generator::make(district, settings);
//   std::vector<core::reading> chunk;
//   while (gen->next(chunk, 10'000) > 0) { store.append(chunk); chunk.clear(); }
//
// Readings come out in non-decreasing `ts` over all devices (time outer, devices inner), so a
// store that appends in arrival order holds them sorted. Deterministic in `seed`.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "adapters/adapter.hpp"
#include "config/district.hpp"
#include "core/reading.hpp"
#include "sim/backfill_incident.hpp"
#include "sim/district_simulator.hpp"

namespace campus::sim {

struct backfill_settings {
  core::time_point from;        // inclusive
  core::time_point to;          // exclusive
  core::duration step{60'000};  // sampling period of every device, at least 1 s
  std::uint64_t seed = 1;
  std::string site;       // only this school; empty = all
  bool incidents = true;  // false: quiet running only
};

class backfill_generator {
 public:
  // Fails on an empty span, a step under 1 s, an unknown site, nothing to simulate, or a device
  // whose adapter cannot be built from its options.
  static std::expected<backfill_generator, std::string> make(const config::district& district,
                                                             const backfill_settings& settings);

  // Appends the readings of the next samples to `out` until it has added at least
  // `max_readings` or the span is over (a sample's readings are never split). Returns how many
  // it added: 0 once the span is over.
  std::size_t next(std::vector<core::reading>& out, std::size_t max_readings);

  bool done() const { return done_; }
  // Simulated time reached: the time of the next sample (settings().to once done).
  core::time_point position() const;

  const backfill_settings& settings() const { return settings_; }
  const std::vector<backfill_incident>& incidents() const { return incidents_; }
  std::vector<std::string> device_ids() const { return sim_.device_ids(); }
  // Devices of families the simulator does not know: "<id> (family <f>)".
  const std::vector<std::string>& skipped() const { return sim_.skipped(); }
  // When `device` samples inside each step: its offset from the step's start.
  core::duration phase(std::string_view device) const;

  std::uint64_t samples() const { return samples_; }    // payloads generated and parsed
  std::uint64_t rejected() const { return rejected_; }  // refused by an adapter: a bug
  const std::string& last_rejection() const { return last_rejection_; }

 private:
  struct device_slot {
    std::string id;
    std::string site;
    std::string zone;
    core::duration phase{0};
    std::unique_ptr<adapters::adapter> adapter;
    std::vector<std::size_t> incidents;  // indexes into incidents_
    bool offline = false;                // inside an offline incident, `offline` status sent
  };

  explicit backfill_generator(district_simulator sim) : sim_(std::move(sim)) {}

  void emit(device_slot& d, core::time_point t, std::vector<core::reading>& out);
  const backfill_incident* incident_at(const device_slot& d, core::time_point t) const;
  std::string apply(const backfill_incident& incident, core::time_point t,
                    const std::string& payload) const;

  district_simulator sim_;
  backfill_settings settings_;
  std::vector<backfill_incident> incidents_;
  std::vector<device_slot> devices_;  // by phase, so one step's samples come out in time order
  core::time_point step_start_{};     // the current step: a multiple of `step` since the epoch
  std::size_t cursor_ = 0;            // the next device to sample in the current step
  bool done_ = false;
  std::uint64_t samples_ = 0;
  std::uint64_t rejected_ = 0;
  std::string last_rejection_;
};

}  // namespace campus::sim
