#include "bench/bench_district.hpp"

#include <fmt/format.h>

#include "sim/district_generator.hpp"

namespace campus::bench {

std::expected<bench_district, std::string> write_district(
    const std::filesystem::path& sample, const std::filesystem::path& dir, int devices,
    int probes, const std::string& history, const std::string& influx_url) {
  sim::district_settings settings;
  settings.devices = devices;
  settings.history = history;
  settings.influx_url = influx_url;
  auto generated = sim::generate_district_yaml(sample, settings);
  if (!generated) return std::unexpected(generated.error());

  bench_district out;
  out.background = std::move(generated->devices);
  // The probe school comes last, after the generated ones (`sites:` is the file's last section).
  std::string& y = generated->yaml;
  y += "  - id: bench-probe\n    name: 压测探针\n    name_en: Bench probes\n"
       "    time_zone: Asia/Shanghai\n    zones:\n"
       "      - {id: kitchen, type: canteen_kitchen, name: 食堂后厨}\n    devices:\n";
  for (int p = 1; p <= probes; ++p) {
    const auto id = fmt::format("probe-gas-{}", p);
    y += fmt::format("      - {{id: {}, family: gas_detector, zone: kitchen, name: {}}}\n", id, id);
    out.probes.push_back({id, "campus/bench-probe/kitchen/" + id + "/telemetry"});
  }

  // The probes raise and clear a red alert back to back: the sample's clear_after (a clear
  // must hold 30 s, against flapping) would turn each cycle into a 30 s wait. The bench measures
  // how soon an alert reaches a screen, so its district clears at once.
  for (auto at = y.find("clear_after: "); at != std::string::npos;
       at = y.find("clear_after: ", at + 1)) {
    const auto end = y.find_first_of(",}\n", at);
    y.replace(at, end - at, "clear_after: 0s");
  }

  out.file = dir / fmt::format("district-{}.yaml", devices);
  auto loaded = sim::write_and_load(out.file, y);
  if (!loaded) return std::unexpected(loaded.error());
  out.district = std::move(*loaded);
  return out;
}

}  // namespace campus::bench
