#include "bench/bench_district.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "config/loader.hpp"

namespace campus::bench {
namespace {

// The sample school's devices, in the sample's order: 13 per school, every family.
struct slot {
  const char* suffix;
  const char* family;
  const char* zone;
  const char* options;  // YAML flow mapping, or empty
};
constexpr slot school_devices[] = {
    {"kitchen-gas-1", "gas_detector", "kitchen", ""},
    {"kitchen-gas-2", "gas_detector", "kitchen", ""},
    {"kitchen-cam-1", "kitchen_camera", "kitchen", ""},
    {"kitchen-cam-2", "kitchen_camera", "kitchen", ""},
    {"kitchen-temp-1", "json_map", "kitchen",
     "{ts_path: t, ts_unit: s, fields: [{path: d.tmp, metric: temp_c, type: number, scale: 0.1, "
     "unit: \"°C\"}, {path: d.hum, metric: rh_pct, type: number, unit: \"%RH\", required: false}]}"},
    {"chem-cab-1", "hazmat_cabinet", "chem-store", ""},
    {"chem-cab-2", "hazmat_cabinet", "chem-store", ""},
    {"lab-cab-1", "hazmat_cabinet", "chem-lab", ""},
    {"pond-beacon-1", "water_beacon", "pond", ""},
    {"gate-alarm-1", "alarm_input", "gate", "{kind: one_key}"},
    {"gate-perimeter-1", "alarm_input", "gate", "{kind: perimeter}"},
    {"extra-co-1", "gas_detector", "extra", ""},
    {"extra-smoke-1", "alarm_input", "extra", "{kind: smoke}"},
};
constexpr int per_school = static_cast<int>(std::size(school_devices));

bool replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) return false;
  text.replace(at, from.size(), to);
  return true;
}

}  // namespace

std::expected<bench_district, std::string> write_district(
    const std::filesystem::path& sample, const std::filesystem::path& dir, int devices,
    int probes, const std::string& history, const std::string& influx_url) {
  std::ifstream in(sample);
  if (!in) return std::unexpected("cannot read the sample district " + sample.string());
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  // Everything before `sites:` is kept (settings, rules, compliance); the sample's schools,
  // duty roster and SMS settings are not: without a roster every alert step reaches the
  // dashboards only, so the run measures the alert path, not a log file of text messages.
  const auto sites_at = text.find("\nsites:");
  if (sites_at == std::string::npos) return std::unexpected(sample.string() + " has no sites:");
  text.resize(sites_at + 1);

  const int schools = (devices + per_school - 1) / per_school;
  std::string alarms, perimeters;
  for (int s = 0; s < schools; ++s) {
    const auto sep = s == 0 ? "" : ", ";
    if (s * per_school + 9 < devices) alarms += fmt::format("{}s{:05}-gate-alarm-1", sep, s);
    if (s * per_school + 10 < devices) perimeters += fmt::format("{}s{:05}-gate-perimeter-1", sep, s);
  }
  // The two rules that name devices name the generated schools' gate devices instead.
  if (!replace_once(text, "devices: [xh-gate-alarm-1, bh-gate-alarm-1, qs-gate-alarm-1]",
                    "devices: [" + alarms + "]") ||
      !replace_once(text,
                    "devices: [xh-gate-perimeter-1, bh-gate-perimeter-1, qs-gate-perimeter-1]",
                    "devices: [" + perimeters + "]")) {
    return std::unexpected(sample.string() + ": the one-key or perimeter rule has changed");
  }
  const auto dashboards = std::filesystem::absolute(sample).parent_path().parent_path() / "dashboards";
  if (!replace_once(text, "dashboards: ../dashboards", "dashboards: \"" + dashboards.string() + "\""))
    return std::unexpected(sample.string() + ": no `dashboards: ../dashboards`");
  if (history == "influxdb") {
    const auto from = text.find("\nhistory:\n");
    const auto to = text.find("\nrules:", from);
    if (from == std::string::npos || to == std::string::npos)
      return std::unexpected(sample.string() + ": no history section before rules");
    text.replace(from + 1, to - from, fmt::format(
        "history:\n  backend: influxdb\n  influxdb: {{url: \"{}\", database: campus, "
        "batch_size: 5000, flush_interval: 1s}}\n", influx_url));
  }

  bench_district out;
  std::string& y = text;
  y += "sites:\n";
  for (int s = 0; s < schools; ++s) {
    // Alternate the sample's boiler room and dormitory, as its schools do.
    const char* extra_type = s % 2 == 0 ? "boiler_room" : "dormitory";
    y += fmt::format(
        "  - id: s{0:05}\n    name: 压测学校{0}\n    name_en: Bench school {0}\n"
        "    time_zone: Asia/Shanghai\n    zones:\n"
        "      - {{id: kitchen, type: canteen_kitchen, name: 食堂后厨}}\n"
        "      - {{id: chem-store, type: chemical_store, name: 危化品储存室}}\n"
        "      - {{id: chem-lab, type: lab, name: 化学实验室}}\n"
        "      - {{id: pond, type: water_zone, name: 校外池塘}}\n"
        "      - {{id: gate, type: gate, name: 南校门}}\n"
        "      - {{id: extra, type: {1}, name: 其他}}\n    devices:\n",
        s, extra_type);
    for (int d = 0; d < per_school && s * per_school + d < devices; ++d) {
      const auto& sl = school_devices[d];
      const auto id = fmt::format("s{:05}-{}", s, sl.suffix);
      y += fmt::format("      - {{id: {}, family: {}, zone: {}, name: {}{}{}}}\n", id, sl.family,
                       sl.zone, sl.suffix, *sl.options ? ", options: " : "", sl.options);
      out.background.push_back(id);
    }
  }
  y += "  - id: bench-probe\n    name: 压测探针\n    name_en: Bench probes\n"
       "    time_zone: Asia/Shanghai\n    zones:\n"
       "      - {id: kitchen, type: canteen_kitchen, name: 食堂后厨}\n    devices:\n";
  for (int p = 1; p <= probes; ++p) {
    const auto id = fmt::format("probe-gas-{}", p);
    y += fmt::format("      - {{id: {}, family: gas_detector, zone: kitchen, name: {}}}\n", id, id);
    out.probes.push_back({id, "campus/bench-probe/kitchen/" + id + "/telemetry"});
  }

  out.file = dir / fmt::format("district-{}.yaml", devices);
  {
    std::ofstream f(out.file);
    f << y;
    if (!f) return std::unexpected("cannot write " + out.file.string());
  }
  auto loaded = config::load_file(out.file);
  if (!loaded) {
    std::string why = out.file.string() + " does not load:";
    for (std::size_t i = 0; i < loaded.error().size() && i < 5; ++i)
      why += "\n  " + loaded.error()[i].to_string();
    return std::unexpected(why);
  }
  out.district = std::move(*loaded);
  return out;
}

}  // namespace campus::bench
