#include "config/compliance_parser.hpp"

#include <charconv>
#include <cmath>
#include <set>

#include "adapters/registry.hpp"
#include "config/names.hpp"

namespace campus::config {

namespace {
constexpr const char* section_path = "compliance";
}

void compliance_parser::parse(const YAML::Node& n, compliance_settings& out) {
  if (!n || n.IsNull()) return;
  if (!n.IsMap()) {
    r_.error(n, section_path, "must be a mapping with target, reporting_window and required");
    return;
  }
  r_.check_keys(n, section_path, {"target", "reporting_window", "required"});
  parse_target(n, out);
  if (auto v = r_.duration(n, "reporting_window", section_path, false)) {
    if (*v < std::chrono::minutes(1))
      r_.error(n["reporting_window"], "compliance.reporting_window", "must be at least 1m");
    else
      out.reporting_window = *v;
  }
  parse_required(n["required"], out);
}

// "90%" or 90: a percentage. A fraction such as 0.9 is refused as outside 1–100, rather than
// guessed at, so a typo cannot set the goal to almost nothing.
void compliance_parser::parse_target(const YAML::Node& n, compliance_settings& out) {
  const YAML::Node t = n["target"];
  if (!t) return;
  const std::string path = "compliance.target";
  if (!t.IsScalar()) {
    r_.error(t, path, "must be a percentage such as 90%");
    return;
  }
  std::string text = t.Scalar();
  if (!text.empty() && text.back() == '%') text.pop_back();
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    r_.error(t, path, "must be a percentage such as 90%, got \"" + t.Scalar() + "\"");
    return;
  }
  if (value < 1 || value > 100) {
    r_.error(t, path, "must be from 1% to 100%, got \"" + t.Scalar() + "\"");
    return;
  }
  out.target_pct = value;
}

void compliance_parser::parse_required(const YAML::Node& n, compliance_settings& out) {
  if (!n || n.IsNull()) return;
  const std::string path = "compliance.required";
  if (!n.IsMap()) {
    r_.error(n, path, "must be a mapping of zone type to a list of device families");
    return;
  }
  const auto& registry = adapters::builtin_registry();
  for (const auto& item : n) {
    const std::string type = item.first.as<std::string>("");
    const std::string tp = path + "." + type;
    if (!known_zone_types.contains(type)) {
      r_.error(item.first, tp,
               "unknown zone type \"" + type +
                   "\" (canteen_kitchen, chemical_store, lab, water_zone, gate, boiler_room, "
                   "dormitory, other)");
      continue;
    }
    const YAML::Node list = item.second;
    if (!list.IsSequence()) {
      r_.error(list, tp, "must be a list of device families, e.g. [gas_detector]");
      continue;
    }
    std::vector<std::string> families;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node f = list[i];
      const std::string fp = index_path(tp, i);
      if (!f.IsScalar()) {
        r_.error(f, fp, "must be a device family name");
        continue;
      }
      const std::string family = f.Scalar();
      if (!registry.contains(family)) {
        std::string known;
        for (const auto& k : registry.families()) known += (known.empty() ? "" : ", ") + k;
        r_.error(f, fp, "unknown device family \"" + family + "\" (known: " + known + ")");
        continue;
      }
      if (seen.insert(family).second) families.push_back(family);
    }
    out.required[type] = std::move(families);
  }
}

}  // namespace campus::config
