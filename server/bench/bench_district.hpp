// The district a run uses: campus-sim's generated district (sim/district_generator.hpp: the
// sample's settings, rules and compliance section with N devices spread over generated schools
// copying the sample school's zones and family mix), plus one extra school holding the probe
// gas detectors whose alerts the latency phases time (they publish nothing else, so background
// load never moves them).
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "config/district.hpp"

namespace campus::bench {

struct bench_district {
  static constexpr const char* probe_site = "bench-probe";
  std::filesystem::path file;          // the YAML written
  config::district district;           // as the server will load it
  std::vector<std::string> background; // device ids of the load, in the sample's mix
  struct probe {
    std::string device;
    std::string topic;  // campus/<site>/<zone>/<device>/telemetry
  };
  std::vector<probe> probes;
  double red_threshold = 25;           // the gas-leak rule's red level (lel_pct)
  double clear_below = 8;              // under the lowest level's clear: the alert clears
};

// Writes `dir`/district-<devices>.yaml from `sample` (config/district.yaml) and loads it back
// with the server's own loader. history: "sqlite", or "influxdb" with `influx_url`.
std::expected<bench_district, std::string> write_district(
    const std::filesystem::path& sample, const std::filesystem::path& dir, int devices,
    int probes, const std::string& history, const std::string& influx_url);

}  // namespace campus::bench
