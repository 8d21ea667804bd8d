#include "sim/district_simulator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <random>

namespace campus::sim {

std::expected<district_simulator, std::string> district_simulator::make(
    const config::district& district, const simulator_settings& settings) {
  if (!settings.site.empty() && district.find_site(settings.site) == nullptr) {
    return std::unexpected(fmt::format("unknown site \"{}\"", settings.site));
  }
  if (settings.interval <= core::duration{0}) {
    return std::unexpected("the telemetry interval must be positive");
  }
  district_simulator sim;
  sim.settings_ = settings;
  std::map<std::string, site_clock, std::less<>> clocks;
  for (const auto& site : district.sites) {
    if (!settings.site.empty() && site.id != settings.site) continue;
    auto clock = site_clock::make(site.time_zone);
    if (!clock) return std::unexpected(fmt::format("site {}: {}", site.id, clock.error()));
    clocks.emplace(site.id, *clock);
  }
  for (const auto& device : district.devices) {
    const auto clock = clocks.find(device.site);
    if (clock == clocks.end()) continue;  // another school, or filtered out
    const auto* site = district.find_site(device.site);
    auto model = make_device_model(device, *site, settings.seed);
    if (!model) {
      sim.skipped_.push_back(fmt::format("{} (family {})", device.id, device.family));
      continue;
    }
    sim.entries_.push_back(entry{std::move(model), clock->second});
  }
  if (sim.entries_.empty()) return std::unexpected("no device to simulate");
  return sim;
}

std::vector<sim_message> district_simulator::start(core::time_point now) {
  std::vector<sim_message> out;
  // The start offsets come from their own stream so they do not shift any device's values.
  std::mt19937_64 spread(settings_.seed ^ 0x5eed5eedull);
  for (auto& e : entries_) {
    const core::duration first = e.model->next_gap(settings_.interval);
    e.due = now + core::duration{std::uniform_int_distribution<long>(0, first.count())(spread)};
    if (now < e.muted_until) {
      e.silenced = true;
    } else {
      out.push_back(e.model->status(true));
    }
  }
  return out;
}

core::time_point district_simulator::next_due() const {
  return std::min_element(entries_.begin(), entries_.end(),
                          [](const entry& a, const entry& b) { return a.due < b.due; })
      ->due;
}

std::vector<sim_message> district_simulator::take_due(core::time_point now) {
  std::vector<sim_message> out;
  for (;;) {
    auto e = std::min_element(entries_.begin(), entries_.end(),
                              [](const entry& a, const entry& b) { return a.due < b.due; });
    if (e->due > now) return out;
    // The sample carries the time it was due, so a late wake-up does not bunch timestamps.
    const core::time_point at = e->due;
    e->due = at + e->model->next_gap(settings_.interval);
    // A muted device is still sampled and its messages dropped: its model (noise, a door,
    // its random stream) moves on in time, so after the mute it publishes exactly what it
    // would have published anyway, on the same schedule.
    auto messages = e->model->sample(at, e->clock.at(at));
    if (at < e->muted_until) {
      e->silenced = true;
      continue;
    }
    if (e->silenced) {
      e->silenced = false;
      out.push_back(e->model->status(true));
    }
    for (auto& m : messages) out.push_back(std::move(m));
  }
}

std::vector<sim_message> district_simulator::sample(std::string_view device_id,
                                                    core::time_point now) {
  entry* e = find_entry(device_id);
  if (e == nullptr) return {};
  return e->model->sample(now, e->clock.at(now));
}

void district_simulator::mute(std::string_view device_id) {
  mute_until(device_id, core::time_point::max());
}

void district_simulator::mute_until(std::string_view device_id, core::time_point until) {
  if (entry* e = find_entry(device_id)) e->muted_until = until;
}

void district_simulator::unmute(std::string_view device_id) {
  mute_until(device_id, core::time_point::min());
}

bool district_simulator::muted(std::string_view device_id, core::time_point at) const {
  const entry* e = find_entry(device_id);
  return e != nullptr && at < e->muted_until;
}

std::vector<std::string> district_simulator::device_ids() const {
  std::vector<std::string> ids;
  for (const auto& e : entries_) ids.push_back(e.model->place().device);
  return ids;
}

const device_model* district_simulator::find(std::string_view device_id) const {
  for (const auto& e : entries_) {
    if (e.model->place().device == device_id) return e.model.get();
  }
  return nullptr;
}

district_simulator::entry* district_simulator::find_entry(std::string_view device_id) {
  for (auto& e : entries_) {
    if (e.model->place().device == device_id) return &e;
  }
  return nullptr;
}

const district_simulator::entry* district_simulator::find_entry(std::string_view device_id) const {
  for (const auto& e : entries_) {
    if (e.model->place().device == device_id) return &e;
  }
  return nullptr;
}

}  // namespace campus::sim
