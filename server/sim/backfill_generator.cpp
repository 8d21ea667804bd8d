#include "sim/backfill_generator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <random>

#include "adapters/registry.hpp"
#include "sim/json_text.hpp"

namespace campus::sim {

std::expected<backfill_generator, std::string> backfill_generator::make(
    const config::district& district, const backfill_settings& settings) {
  if (settings.to <= settings.from) return std::unexpected("the backfill span is empty");
  if (settings.step < std::chrono::seconds{1}) {
    return std::unexpected("the backfill step must be at least 1s");
  }
  simulator_settings sim_settings;
  sim_settings.seed = settings.seed;
  sim_settings.site = settings.site;
  sim_settings.interval = settings.step;
  auto sim = district_simulator::make(district, sim_settings);
  if (!sim) return std::unexpected(sim.error());

  backfill_generator gen(std::move(*sim));
  gen.settings_ = settings;
  if (settings.incidents) {
    gen.incidents_ = plan_backfill_incidents(district, gen.sim_, settings.from, settings.to,
                                             settings.step, settings.seed);
  }
  // Offsets from their own stream, whole seconds: the device's values do not depend on them.
  std::mt19937_64 spread(settings.seed ^ 0xf111f111ull);
  const long step_s = std::chrono::duration_cast<std::chrono::seconds>(settings.step).count();
  for (const auto& id : gen.sim_.device_ids()) {
    const auto& place = gen.sim_.find(id)->place();
    auto adapter = adapters::builtin_registry().make(place.family, place.options);
    if (!adapter) return std::unexpected(fmt::format("device {}: {}", id, adapter.error()));
    device_slot d{id, place.site, place.zone, {}, std::move(*adapter), {}, false};
    d.phase = std::chrono::seconds{std::uniform_int_distribution<long>(0, step_s - 1)(spread)};
    for (std::size_t i = 0; i < gen.incidents_.size(); ++i) {
      if (gen.incidents_[i].device == id) d.incidents.push_back(i);
    }
    gen.devices_.push_back(std::move(d));
  }
  std::stable_sort(gen.devices_.begin(), gen.devices_.end(),
                   [](const device_slot& a, const device_slot& b) { return a.phase < b.phase; });
  gen.step_start_ =
      core::time_point{settings.from.time_since_epoch() / settings.step * settings.step};
  return gen;
}

std::size_t backfill_generator::next(std::vector<core::reading>& out, std::size_t max_readings) {
  const std::size_t before = out.size();
  while (!done_ && out.size() - before < max_readings) {
    device_slot& d = devices_[cursor_];
    const core::time_point t = step_start_ + d.phase;
    if (t >= settings_.to) {
      done_ = true;  // devices are in phase order: the rest of this step is later still
      break;
    }
    if (t >= settings_.from) emit(d, t, out);
    if (++cursor_ == devices_.size()) {
      cursor_ = 0;
      step_start_ += settings_.step;
    }
  }
  return out.size() - before;
}

core::time_point backfill_generator::position() const {
  if (done_) return settings_.to;
  return std::max(settings_.from, step_start_ + devices_[cursor_].phase);
}

core::duration backfill_generator::phase(std::string_view device) const {
  for (const auto& d : devices_) {
    if (d.id == device) return d.phase;
  }
  return core::duration{0};
}

const backfill_incident* backfill_generator::incident_at(const device_slot& d,
                                                         core::time_point t) const {
  for (std::size_t i : d.incidents) {
    if (incidents_[i].covers(t)) return &incidents_[i];
  }
  return nullptr;
}

void backfill_generator::emit(device_slot& d, core::time_point t, std::vector<core::reading>& out) {
  // The model is sampled even while the device is offline, so its noise and schedule move on
  // in time and it comes back as if it had been running all along.
  auto messages = sim_.sample(d.id, t);
  const backfill_incident* incident = incident_at(d, t);
  const bool offline = incident && incident->what == backfill_incident::kind::device_offline;
  if (offline != d.offline) {
    // What the server stores when a device drops off (its MQTT last will) and comes back.
    d.offline = offline;
    out.push_back({d.site, d.zone, d.id, "status", "", offline ? "offline" : "online", "", t});
  }
  if (offline) return;
  for (const auto& m : messages) {
    const std::string_view stream = std::string_view(m.topic).substr(m.topic.rfind('/') + 1);
    const bool changed = incident && stream == "telemetry";
    const std::string payload = changed ? apply(*incident, t, m.payload) : std::string{};
    auto parsed =
        d.adapter->parse(changed ? payload : m.payload, {d.site, d.zone, d.id, stream, t});
    ++samples_;
    if (!parsed) {
      ++rejected_;
      last_rejection_ = fmt::format("{}: {} ({}): {}", m.topic, parsed.error().reason,
                                    parsed.error().detail, m.payload);
      continue;
    }
    for (auto& r : *parsed) out.push_back(std::move(r));
  }
}

std::string backfill_generator::apply(const backfill_incident& incident, core::time_point t,
                                      const std::string& payload) const {
  // Our own models' payloads: always a JSON object with the fields set below. Were one not,
  // it goes unchanged (and the incident is missing from the history), rather than throwing.
  boost::system::error_code ec;
  auto parsed = boost::json::parse(payload, ec);
  if (ec || !parsed.is_object()) return payload;
  boost::json::object& p = parsed.as_object();
  if (incident.what == backfill_incident::kind::gas_spike) {
    const double normal = p["lel_pct"].is_number() ? p["lel_pct"].to_number<double>() : 0.0;
    p["lel_pct"] = round_to(incident_level(incident, t, normal), 1);
    // The linked shut-off valve closes once the leak reaches the peak, and stays closed.
    if (t >= incident.from + (incident.to - incident.from) * 3 / 10) p["valve"] = "closed";
  } else if (incident.what == backfill_incident::kind::co_rise) {
    const double normal = p["co_ppm"].is_number() ? p["co_ppm"].to_number<double>() : 0.0;
    p["co_ppm"] = round_to(incident_level(incident, t, normal), 0);
  } else if (incident.what == backfill_incident::kind::door_left_open) {
    p["door"] = "open";
    p["lock"] = "unlocked";
  }
  return json_text(p);
}

}  // namespace campus::sim
