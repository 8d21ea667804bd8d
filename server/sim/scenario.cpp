#include "sim/scenario.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <boost/json/object.hpp>

#include "sim/json_text.hpp"
#include "sim/scenario_parts.hpp"
#include "sim/water_beacon_model.hpp"

namespace campus::sim {
namespace scenario_parts {

std::expected<const config::device*, std::string> pick_device(const context& c,
                                                              std::string_view family,
                                                              std::string_view zone_type) {
  const config::device* any = nullptr;
  for (const auto& d : c.district.devices) {
    if (d.site != c.site.id || d.family != family) continue;
    const auto* z = c.site.find_zone(d.zone);
    if (z != nullptr && z->type == zone_type) return &d;
    if (any == nullptr) any = &d;
  }
  if (any != nullptr) return any;
  return std::unexpected(fmt::format("site {} has no {} device", c.site.id, family));
}

std::string topic(const config::device& d, std::string_view stream) {
  return fmt::format("campus/{}/{}/{}/{}", d.site, d.zone, d.id, stream);
}

}  // namespace scenario_parts

namespace {

using namespace scenario_parts;

boost::json::object beacon_payload(core::time_point ts, bool student_near) {
  boost::json::object p;
  p["ts"] = core::to_epoch_ms(ts);
  boost::json::array tags;
  if (student_near) {
    boost::json::object tag;
    tag["id"] = "tag-10234";
    tag["rssi"] = water_beacon_model::rssi_at(3.5);
    tag["dist_m"] = 3.5;
    tags.push_back(std::move(tag));
  }
  p["tags"] = std::move(tags);
  return p;
}

std::expected<scenario_plan, std::string> pond_intrusion(const context& c) {
  auto beacon = pick_device(c, "water_beacon", "water_zone");
  if (!beacon) return std::unexpected(beacon.error());
  const auto& d = **beacon;
  const core::duration stay = c.settings.hold.value_or(seconds(40));
  scenario_plan plan;
  for (core::duration at{0}; at <= stay; at += seconds(2)) {
    plan.steps.push_back(
        {at,
         fmt::format("{}: tag-10234 at 3.5 m", d.id),
         {{topic(d, "telemetry"), json_text(beacon_payload(c.start + at, true))}}});
  }
  if (c.settings.recover) {
    const core::duration at = plan.steps.back().at + seconds(2);
    plan.steps.push_back(
        {at,
         fmt::format("{}: no tags (the student walked away)", d.id),
         {{topic(d, "telemetry"), json_text(beacon_payload(c.start + at, false))}}});
  } else {
    plan.muted_devices.push_back(d.id);
  }
  return plan;
}

std::expected<scenario_plan, std::string> camera_offline(const context& c) {
  auto camera = pick_device(c, "kitchen_camera", "canteen_kitchen");
  if (!camera) return std::unexpected(camera.error());
  const auto& d = **camera;
  scenario_plan plan;
  plan.steps.push_back({core::duration{0},
                        fmt::format("{}: status offline (retained), heartbeats stop", d.id),
                        {{topic(d, "status"), "offline", true}}});
  plan.muted_devices.push_back(d.id);
  return plan;
}

std::expected<scenario_plan, std::string> one_key_alarm(const context& c) {
  // The one-key button is the alarm input whose options say kind: one_key; else the gate's.
  const config::device* button = nullptr;
  for (const auto& d : c.district.devices) {
    if (d.site != c.site.id || d.family != "alarm_input") continue;
    const auto* kind = d.options.if_contains("kind");
    if (kind != nullptr && kind->is_string() && kind->get_string() == "one_key") {
      button = &d;
      break;
    }
  }
  if (button == nullptr) {
    auto gate = pick_device(c, "alarm_input", "gate");
    if (!gate) return std::unexpected(gate.error());
    button = *gate;
  }
  const auto state = [&](core::duration at, const char* s) {
    boost::json::object p;
    p["ts"] = core::to_epoch_ms(c.start + at);
    p["state"] = s;
    return sim_message{topic(*button, "telemetry"), json_text(p)};
  };
  scenario_plan plan;
  plan.steps.push_back(
      {core::duration{0}, fmt::format("{}: state alarm", button->id), {state({}, "alarm")}});
  // A pressed button stays latched until someone resets it: without --hold, no all-clear.
  if (c.settings.hold && c.settings.recover) {
    plan.steps.push_back({*c.settings.hold,
                          fmt::format("{}: state normal (reset)", button->id),
                          {state(*c.settings.hold, "normal")}});
  } else {
    plan.muted_devices.push_back(button->id);
  }
  return plan;
}

// The device segment of every topic the plan publishes on (campus/<site>/<zone>/<device>/…),
// then the muted ones, each once.
std::vector<std::string> devices_of(const scenario_plan& plan) {
  std::vector<std::string> out;
  const auto add = [&](std::string_view id) {
    if (!id.empty() && std::find(out.begin(), out.end(), id) == out.end()) out.emplace_back(id);
  };
  for (const auto& step : plan.steps) {
    for (const auto& m : step.messages) {
      std::string_view rest = m.topic;
      for (int skip = 0; skip < 3; ++skip) {
        const auto slash = rest.find('/');
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
      }
      add(rest.substr(0, rest.find('/')));
    }
  }
  for (const auto& id : plan.muted_devices) add(id);
  return out;
}

constexpr std::array<std::string_view, 5> names{"gas-leak", "cabinet-door-night", "pond-intrusion",
                                                "camera-offline", "one-key-alarm"};

}  // namespace

std::span<const std::string_view> scenario_names() { return names; }

std::expected<scenario_plan, std::string> plan_scenario(std::string_view name,
                                                        const config::district& district,
                                                        const scenario_settings& settings,
                                                        core::time_point start) {
  if (district.sites.empty()) return std::unexpected("the district has no site");
  const config::site* site =
      settings.site.empty() ? &district.sites.front() : district.find_site(settings.site);
  if (site == nullptr) return std::unexpected(fmt::format("unknown site \"{}\"", settings.site));
  const context c{district, *site, settings, start};

  std::expected<scenario_plan, std::string> plan;
  if (name == "gas-leak") {
    plan = gas_leak(c);
  } else if (name == "cabinet-door-night") {
    plan = cabinet_door_night(c);
  } else if (name == "pond-intrusion") {
    plan = pond_intrusion(c);
  } else if (name == "camera-offline") {
    plan = camera_offline(c);
  } else if (name == "one-key-alarm") {
    plan = one_key_alarm(c);
  } else {
    return std::unexpected(
        fmt::format("unknown scenario \"{}\" (known: {})", name, fmt::join(names, ", ")));
  }
  if (plan) {
    plan->name = std::string(name);
    plan->site = site->id;
    plan->devices = devices_of(*plan);
  }
  return plan;
}

}  // namespace campus::sim
