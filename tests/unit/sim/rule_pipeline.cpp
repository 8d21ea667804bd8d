#include "rule_pipeline.hpp"

#include <gtest/gtest.h>

#include "adapters/registry.hpp"
#include "sample_district.hpp"

namespace campus::sim::testing {

rule_pipeline::rule_pipeline(const config::district& district, core::time_point start)
    : clock_(start) {
  std::vector<rules::device_profile> profiles;
  for (const auto& d : district.devices) {
    const auto* site = district.find_site(d.site);
    const auto* zone = site->find_zone(d.zone);
    profiles.push_back({d.id, d.site, d.zone, zone ? zone->type : "", d.family, site->time_zone});
    auto a = adapters::builtin_registry().make(d.family, d.options);
    EXPECT_TRUE(a) << d.id << ": " << (a ? "" : a.error());
    if (a) adapters_.emplace(d.id, std::move(*a));
  }
  engine_ = std::make_unique<rules::rule_engine>(district.rules, profiles, clock_);
}

std::vector<rules::alert_event> rule_pipeline::deliver(const sim_message& m, core::time_point at) {
  clock_.set(at);
  const auto t = split_topic(m.topic);
  std::vector<core::reading> readings;
  if (t.stream == "status") {
    readings.push_back({t.site, t.zone, t.device, "status", "", m.payload, "", at});
  } else {
    const auto a = adapters_.find(t.device);
    if (a == adapters_.end()) {
      ADD_FAILURE() << "no adapter for " << m.topic;
      return {};
    }
    auto parsed = a->second->parse(m.payload, {t.site, t.zone, t.device, t.stream, at});
    if (!parsed) {
      ADD_FAILURE() << m.topic << " " << m.payload << " refused: " << parsed.error().reason << " "
                    << parsed.error().detail;
      return {};
    }
    readings = std::move(*parsed);
  }
  std::vector<rules::alert_event> events;
  for (const auto& r : readings) {
    for (auto& e : engine_->on_reading(r)) events.push_back(std::move(e));
  }
  return events;
}

std::vector<rules::alert_event> rule_pipeline::tick(core::time_point at) {
  clock_.set(at);
  return engine_->on_tick();
}

}  // namespace campus::sim::testing
