#include "sim/district_generator.hpp"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "config/loader.hpp"

namespace campus::sim {
namespace {

// The sample school's devices, in the sample's order: 13 per school, every family.
struct slot {
  const char* suffix;
  const char* family;
  const char* zone;
  const char* options;  // YAML flow mapping, or empty
  const char* name;     // as a person reads it on a Chinese screen
  const char* name_en;
};
constexpr slot school_devices[] = {
    {"kitchen-gas-1", "gas_detector", "kitchen", "", "后厨燃气探测器1", "Kitchen gas detector 1"},
    {"kitchen-gas-2", "gas_detector", "kitchen", "", "后厨燃气探测器2", "Kitchen gas detector 2"},
    {"kitchen-cam-1", "kitchen_camera", "kitchen", "", "明厨亮灶摄像头1", "Kitchen camera 1"},
    {"kitchen-cam-2", "kitchen_camera", "kitchen", "", "明厨亮灶摄像头2", "Kitchen camera 2"},
    {"kitchen-temp-1", "json_map", "kitchen",
     "{ts_path: t, ts_unit: s, fields: [{path: d.tmp, metric: temp_c, type: number, scale: 0.1, "
     "unit: \"°C\"}, {path: d.hum, metric: rh_pct, type: number, unit: \"%RH\", required: false}]}",
     "后厨温湿度计", "Kitchen thermometer"},
    {"chem-cab-1", "hazmat_cabinet", "chem-store", "", "危化品柜1", "Hazmat cabinet 1"},
    {"chem-cab-2", "hazmat_cabinet", "chem-store", "", "危化品柜2", "Hazmat cabinet 2"},
    {"lab-cab-1", "hazmat_cabinet", "chem-lab", "", "实验室药品柜", "Lab cabinet"},
    {"pond-beacon-1", "water_beacon", "pond", "", "池塘信标网关", "Pond beacon gateway"},
    {"gate-alarm-1", "alarm_input", "gate", "{kind: one_key}", "一键报警按钮", "One-key alarm"},
    {"gate-perimeter-1", "alarm_input", "gate", "{kind: perimeter}", "周界报警", "Perimeter alarm"},
    {"extra-co-1", "gas_detector", "extra", "", "一氧化碳探测器", "CO detector"},
    {"extra-smoke-1", "alarm_input", "extra", "{kind: smoke}", "烟感报警器", "Smoke alarm"},
};
static_assert(std::size(school_devices) == devices_per_school);
constexpr int gate_alarm_slot = 9;
constexpr int gate_perimeter_slot = 10;

bool replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) return false;
  text.replace(at, from.size(), to);
  return true;
}

std::string duration_text(core::duration d) {
  const auto ms = d.count();
  return ms % 1000 == 0 ? fmt::format("{}s", ms / 1000) : fmt::format("{}ms", ms);
}

// Sets `period:` of every `kind: absence` rule in the rules section (items "  - id: …"
// with their settings indented by four spaces, as the sample writes them). Returns how many
// rules it changed.
int set_absence_periods(std::string& text, core::duration period) {
  const auto rules_at = text.find("\nrules:\n");
  if (rules_at == std::string::npos) return 0;
  // The section ends at the next top-level key (a line starting with a letter).
  auto end = rules_at + 1;
  do {
    end = text.find('\n', end + 1);
  } while (end != std::string::npos && end + 1 < text.size() &&
           !std::isalpha(static_cast<unsigned char>(text[end + 1])));
  // Walk item by item ("  - id:" starts each).
  int changed = 0;
  std::size_t item = text.find("\n  - id:", rules_at);
  while (item != std::string::npos && (end == std::string::npos || item < end)) {
    auto next = text.find("\n  - id:", item + 1);
    const auto stop = next == std::string::npos ? text.size() : next;
    const std::string_view body(text.data() + item, stop - item);
    const auto period_at = body.find("\n    period: ");
    if (body.find("\n    kind: absence\n") != std::string_view::npos &&
        period_at != std::string_view::npos) {
      const auto from = item + period_at + std::string_view("\n    period: ").size();
      const auto line_end = text.find('\n', from);
      const auto replacement = duration_text(period);
      text.replace(from, line_end - from, replacement);
      if (end != std::string::npos) end += replacement.size() - (line_end - from);
      ++changed;
      next = text.find("\n  - id:", item + 1);
    }
    item = next;
  }
  return changed;
}

}  // namespace

int schools_for(int devices) { return (devices + devices_per_school - 1) / devices_per_school; }

std::expected<generated_district, std::string> generate_district_yaml(
    const std::filesystem::path& sample, const district_settings& settings) {
  if (settings.devices < 1)
    return std::unexpected(fmt::format("a district needs at least 1 device, got {}", settings.devices));
  std::ifstream in(sample);
  if (!in) return std::unexpected("cannot read the sample district " + sample.string());
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  // Everything before `sites:` is kept (settings, rules, compliance); the sample's schools,
  // duty roster and SMS settings are not.
  const auto sites_at = text.find("\nsites:");
  if (sites_at == std::string::npos) return std::unexpected(sample.string() + " has no sites:");
  text.resize(sites_at + 1);

  const int devices = settings.devices;
  const int schools = schools_for(devices);
  std::string alarms, perimeters;
  for (int s = 0; s < schools; ++s) {
    if (s * devices_per_school + gate_alarm_slot < devices)
      alarms += fmt::format("{}s{:05}-gate-alarm-1", alarms.empty() ? "" : ", ", s);
    if (s * devices_per_school + gate_perimeter_slot < devices)
      perimeters += fmt::format("{}s{:05}-gate-perimeter-1", perimeters.empty() ? "" : ", ", s);
  }
  // The two rules that name devices name the generated schools' gate devices instead.
  if (!replace_once(text, "devices: [xh-gate-alarm-1, bh-gate-alarm-1, qs-gate-alarm-1]",
                    "devices: [" + alarms + "]") ||
      !replace_once(text,
                    "devices: [xh-gate-perimeter-1, bh-gate-perimeter-1, qs-gate-perimeter-1]",
                    "devices: [" + perimeters + "]")) {
    return std::unexpected(sample.string() + ": the one-key or perimeter rule has changed");
  }
  const auto dashboards =
      std::filesystem::absolute(sample).parent_path().parent_path() / "dashboards";
  if (!replace_once(text, "dashboards: ../dashboards", "dashboards: \"" + dashboards.string() + "\""))
    return std::unexpected(sample.string() + ": no `dashboards: ../dashboards`");
  if (!settings.data_dir.empty() &&
      !replace_once(text, "\ndata_dir: ../var", "\ndata_dir: \"" + settings.data_dir + "\""))
    return std::unexpected(sample.string() + ": no `data_dir: ../var`");
  if (settings.history == "influxdb") {
    const auto from = text.find("\nhistory:\n");
    const auto to = text.find("\nrules:", from);
    if (from == std::string::npos || to == std::string::npos)
      return std::unexpected(sample.string() + ": no history section before rules");
    text.replace(from + 1, to - from, fmt::format(
        "history:\n  backend: influxdb\n  influxdb: {{url: \"{}\", database: campus, "
        "batch_size: 5000, flush_interval: 1s}}\n", settings.influx_url));
  } else if (settings.history != "sqlite") {
    return std::unexpected(fmt::format("history must be sqlite or influxdb, got \"{}\"",
                                       settings.history));
  }
  if (settings.absence_period) {
    if (*settings.absence_period < std::chrono::seconds{1})
      return std::unexpected("the absence period must be at least 1s");
    if (set_absence_periods(text, *settings.absence_period) == 0)
      return std::unexpected(sample.string() + ": no absence rule with a period");
  }

  generated_district out;
  out.schools = schools;
  out.devices.reserve(static_cast<std::size_t>(devices));
  std::string& y = text;
  y += "sites:\n";
  for (int s = 0; s < schools; ++s) {
    // Alternate the sample's boiler room and dormitory, as its schools do.
    const char* extra_type = s % 2 == 0 ? "boiler_room" : "dormitory";
    y += fmt::format(
        "  - id: s{0:05}\n    name: 压测学校{0}\n    name_en: Bench school {0}\n"
        "    time_zone: Asia/Shanghai\n    zones:\n"
        "      - {{id: kitchen, type: canteen_kitchen, name: 食堂后厨, name_en: Canteen kitchen}}\n"
        "      - {{id: chem-store, type: chemical_store, name: 危化品储存室, name_en: Chemical store}}\n"
        "      - {{id: chem-lab, type: lab, name: 化学实验室, name_en: Chemistry lab}}\n"
        "      - {{id: pond, type: water_zone, name: 校外池塘, name_en: Pond}}\n"
        "      - {{id: gate, type: gate, name: 南校门, name_en: South gate}}\n"
        "      - {{id: extra, type: {1}, name: {2}, name_en: {3}}}\n    devices:\n",
        s, extra_type, s % 2 == 0 ? "锅炉房" : "学生宿舍",
        s % 2 == 0 ? "Boiler room" : "Dormitory");
    for (int d = 0; d < devices_per_school && s * devices_per_school + d < devices; ++d) {
      const auto& sl = school_devices[d];
      const auto id = fmt::format("s{:05}-{}", s, sl.suffix);
      y += fmt::format("      - {{id: {}, family: {}, zone: {}, name: {}, name_en: {}{}{}}}\n", id,
                       sl.family, sl.zone, sl.name, sl.name_en, *sl.options ? ", options: " : "",
                       sl.options);
      out.devices.push_back(id);
    }
  }
  out.yaml = std::move(text);
  return out;
}

std::expected<config::district, std::string> write_and_load(const std::filesystem::path& file,
                                                            const std::string& yaml) {
  {
    std::ofstream f(file);
    f << yaml;
    if (!f) return std::unexpected("cannot write " + file.string());
  }
  auto loaded = config::load_file(file);
  if (!loaded) {
    std::string why = file.string() + " does not load:";
    for (std::size_t i = 0; i < loaded.error().size() && i < 5; ++i)
      why += "\n  " + loaded.error()[i].to_string();
    return std::unexpected(why);
  }
  return std::move(*loaded);
}

}  // namespace campus::sim
