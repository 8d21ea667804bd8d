#include "tests/bench/bench_district.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "adapters/registry.hpp"
#include "config/loader.hpp"
#include "sim/device_model.hpp"
#include "sim/site_clock.hpp"

namespace campus::bench {

namespace {

// Monday 24 November 2025, 09:00 UTC = 17:00 in Asia/Shanghai.
constexpr std::int64_t monday_five_pm_ms = 1763974800000;
// How long a model is walked (2 s steps) to find a payload worth measuring: two hours reach
// a kitchen camera's event and a pond visitor with near certainty.
constexpr int max_steps = 3600;

std::string_view stream_of(std::string_view topic) {
  return topic.substr(topic.rfind('/') + 1);
}

// The one payload a family's benchmark parses. Usually the first telemetry message; for a
// water beacon the first one with a tag in range (an empty tag list measures nothing), for a
// kitchen camera's events the first event.
bool wanted(std::string_view family, std::string_view stream, const sim::sim_message& m) {
  if (stream_of(m.topic) != stream) return false;
  if (family == "water_beacon") return m.payload.find("dist_m") != std::string::npos;
  return true;
}

}  // namespace

bench_district::bench_district(const std::string& district_file, std::size_t devices)
    : now_(core::from_epoch_ms(monday_five_pm_ms)) {
  auto loaded = config::load_file(district_file);
  if (!loaded) {
    std::string all;
    for (const auto& e : loaded.error()) all += e.to_string() + "\n";
    throw std::runtime_error(all);
  }
  sample_ = std::move(*loaded);
  if (sample_.devices.empty()) throw std::runtime_error(district_file + ": no devices");

  scaled_ = sample_;
  scaled_.devices.clear();
  scaled_.devices.reserve(devices);
  for (std::size_t i = 0; i < devices; ++i) {
    config::device d = sample_.devices[i % sample_.devices.size()];
    if (i >= sample_.devices.size()) d.id = fmt::format("{}-x{}", d.id, i / sample_.devices.size());
    scaled_.devices.push_back(std::move(d));
  }
  make_payloads();
  make_device_readings();
}

void bench_district::make_payloads() {
  struct wish {
    std::string name, family, stream;
  };
  std::vector<wish> wishes;
  for (const auto& d : sample_.devices) {
    bool known = false;
    for (const auto& w : wishes) known = known || w.family == d.family;
    if (!known) wishes.push_back({d.family, d.family, "telemetry"});
  }
  wishes.push_back({"kitchen_camera/event", "kitchen_camera", "event"});

  for (const auto& w : wishes) {
    const config::device* dev = nullptr;
    for (const auto& d : sample_.devices) {
      if (d.family == w.family) { dev = &d; break; }
    }
    if (dev == nullptr) continue;
    const config::site* site = sample_.find_site(dev->site);
    auto clock = sim::site_clock::make(site->time_zone);
    auto model = sim::make_device_model(*dev, *site, 1);
    if (!clock || !model) continue;
    auto adapter = adapters::builtin_registry().make(dev->family, dev->options);
    if (!adapter) throw std::runtime_error(dev->id + ": " + adapter.error());

    for (int step = 0; step < max_steps; ++step) {
      const core::time_point t = now_ + std::chrono::seconds{2 * step};
      bool found = false;
      for (auto& m : model->sample(t, clock->at(t))) {
        if (!wanted(w.family, w.stream, m)) continue;
        family_payload p;
        p.name = w.name;
        p.device = dev;
        p.topic = m.topic;
        p.payload = std::move(m.payload);
        p.stream = w.stream;
        p.adapter = std::move(*adapter);
        const adapters::context ctx{dev->site, dev->zone, dev->id, p.stream, now_};
        auto parsed = p.adapter->parse(p.payload, ctx);
        if (!parsed) {
          throw std::runtime_error(fmt::format("{}: the adapter refuses the simulator's {}: {} {}",
                                               w.name, p.payload, parsed.error().reason,
                                               parsed.error().detail));
        }
        p.readings = std::move(*parsed);
        payloads_.push_back(std::move(p));
        found = true;
        break;
      }
      if (found) break;
    }
  }
}

void bench_district::make_device_readings() {
  sample_readings_.resize(sample_.devices.size());
  for (std::size_t i = 0; i < sample_.devices.size(); ++i) {
    const config::device& dev = sample_.devices[i];
    const config::site* site = sample_.find_site(dev.site);
    auto clock = sim::site_clock::make(site->time_zone);
    auto model = sim::make_device_model(dev, *site, 1);
    auto adapter = adapters::builtin_registry().make(dev.family, dev.options);
    if (!clock || !model || !adapter) continue;
    for (const auto& m : model->sample(now_, clock->at(now_))) {
      if (stream_of(m.topic) != "telemetry") continue;
      const adapters::context ctx{dev.site, dev.zone, dev.id, "telemetry", now_};
      if (auto parsed = (*adapter)->parse(m.payload, ctx)) sample_readings_[i] = std::move(*parsed);
      break;
    }
  }
}

const family_payload& bench_district::payload(const std::string& name) const {
  for (const auto& p : payloads_) {
    if (p.name == name) return p;
  }
  throw std::runtime_error("no payload for " + name);
}

std::vector<core::reading> bench_district::readings_of(std::size_t i) const {
  const config::device& d = scaled_.devices.at(i);
  std::vector<core::reading> out = sample_readings_[i % sample_readings_.size()];
  for (auto& r : out) r.device = d.id;
  return out;
}

}  // namespace campus::bench
