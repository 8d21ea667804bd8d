// The inputs every micro-benchmark shares: the sample district (config/district.yaml, loaded
// through the real config loader), the same district scaled up to N devices, and one realistic
// payload per device family, produced by the simulator's own device models (server/sim), so the
// adapters parse what campus-sim publishes and not a hand-written string.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/adapter.hpp"
#include "config/district.hpp"
#include "core/reading.hpp"

namespace campus::bench {

// One family's payload, as a device of the sample district sends it, with the adapter built
// from that device's options and the readings the adapter makes of it.
struct family_payload {
  std::string name;     // "gas_detector", or "kitchen_camera/event" for a non-telemetry stream
  const config::device* device = nullptr;  // into bench_district::sample
  std::string topic;
  std::string payload;
  std::string stream;   // "telemetry" or "event"
  std::unique_ptr<adapters::adapter> adapter;
  std::vector<core::reading> readings;
};

class bench_district {
 public:
  // Loads `district_file`, scales it to `devices` devices and prepares the payloads. Throws
  // std::runtime_error with the loader's messages when the file does not load: a benchmark
  // without its inputs has nothing to measure.
  bench_district(const std::string& district_file, std::size_t devices);

  // The district as configured.
  const config::district& sample() const { return sample_; }
  // The same sites, zones and rules with the devices cloned ("<id>-x<n>") up to the size asked.
  const config::district& scaled() const { return scaled_; }

  const std::vector<family_payload>& payloads() const { return payloads_; }
  const family_payload& payload(const std::string& name) const;

  // The readings device `i` of the scaled district sends in one telemetry message: those of
  // the sample device it was cloned from (its own options and model), under its own id.
  std::vector<core::reading> readings_of(std::size_t i) const;

  // The instant the payloads were sampled at: a Monday, 17:00 in Asia/Shanghai (kitchens
  // cooking, the pond visited after school).
  core::time_point now() const { return now_; }

 private:
  void make_payloads();
  void make_device_readings();

  config::district sample_;
  config::district scaled_;
  std::vector<family_payload> payloads_;
  std::vector<std::vector<core::reading>> sample_readings_;  // per sample device
  core::time_point now_;
};

}  // namespace campus::bench
