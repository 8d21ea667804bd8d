// A generated district of any size, for scale tests, the demo and the benchmark: the sample's
// settings, rules and compliance section (config/district.yaml) with N devices spread over
// generated schools that each copy the sample school's six zones and its mix of 13 devices
// (gas detectors, kitchen cameras, a vendor json_map thermometer, hazmat cabinets, a water
// beacon, alarm inputs). 10,000 devices make 769 full schools and one of 3 devices: 770.
//
// The sample's schools, duty roster and SMS settings are not copied: without a roster every
// alert step reaches the dashboards only, so a large district never texts anyone.
#pragma once

#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/district.hpp"
#include "core/reading.hpp"

namespace campus::sim {

struct district_settings {
  int devices = 0;  // at least 1
  // "sqlite" (the sample's), or "influxdb" writing to `influx_url`.
  std::string history = "sqlite";
  std::string influx_url;
  // Replaces the `period` of every absence rule (device offline, kitchen camera offline):
  // a short period makes a stalled server visible as offline alerts within a short test.
  std::optional<core::duration> absence_period;
  // Replaces the sample's `data_dir` (relative to the written file, as in any district file);
  // empty keeps the sample's.
  std::string data_dir;
};

// What generate_district_yaml wrote, for callers that publish for its devices.
struct generated_district {
  std::string yaml;                  // ends inside `sites:`: more sites may be appended
  int schools = 0;
  std::vector<std::string> devices;  // device ids, school by school in the sample's mix
};

inline constexpr int devices_per_school = 13;

// How many schools `devices` devices fill (the last one possibly partly).
int schools_for(int devices);

// The district's text from the sample file. `dashboards` in the result is an absolute path
// (the sample's `../dashboards`), so the file may be written anywhere.
std::expected<generated_district, std::string> generate_district_yaml(
    const std::filesystem::path& sample, const district_settings& settings);

// Writes `yaml` to `file` and loads it back with the server's own loader; the error lists
// the loader's first complaints.
std::expected<config::district, std::string> write_and_load(const std::filesystem::path& file,
                                                            const std::string& yaml);

}  // namespace campus::sim
