// The backfill generator, without a store: order, coverage, normal values, the planned
// incidents (seen by the real rule engine), determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/clock.hpp"
#include "rules/rule_engine.hpp"
#include "sample_district.hpp"
#include "sim/backfill_generator.hpp"

namespace campus::sim {
namespace {

using namespace std::chrono_literals;
using kind = backfill_incident::kind;

backfill_settings span(core::time_point from, core::duration length, core::duration step,
                       std::uint64_t seed, std::string site = "") {
  backfill_settings s;
  s.from = from;
  s.to = from + length;
  s.step = step;
  s.seed = seed;
  s.site = std::move(site);
  return s;
}

struct generated {
  std::vector<core::reading> readings;
  std::vector<backfill_incident> incidents;
  std::map<std::string, core::duration> phases;
};

generated generate(const backfill_settings& s, std::size_t chunk = 10'000) {
  auto gen = backfill_generator::make(testing::sample_district(), s);
  EXPECT_TRUE(gen) << gen.error();
  generated g;
  if (!gen) return g;
  while (gen->next(g.readings, chunk) > 0) {
  }
  EXPECT_TRUE(gen->done());
  EXPECT_EQ(gen->rejected(), 0u) << gen->last_rejection();
  g.incidents = gen->incidents();
  for (const auto& id : gen->device_ids()) g.phases[id] = gen->phase(id);
  return g;
}

const backfill_incident* incident_of(const generated& g, const std::string& device, kind k,
                                     core::time_point t) {
  for (const auto& i : g.incidents) {
    if (i.device == device && i.what == k && i.covers(t)) return &i;
  }
  return nullptr;
}

// Two days at one sample a minute: the shape most tests look at. Monday and Tuesday, so the
// cabinets' lessons and the after-hours rules both have their turn.
const generated& two_days() {
  static const generated g = generate(span(testing::monday_midnight, 48h, 1min, 42));
  return g;
}

TEST(backfill, readings_come_out_in_time_order_whatever_the_chunk_size) {
  const auto& g = two_days();
  ASSERT_FALSE(g.readings.empty());
  EXPECT_TRUE(std::is_sorted(g.readings.begin(), g.readings.end(),
                             [](const auto& a, const auto& b) { return a.ts < b.ts; }));
  // Small chunks cut the same stream at other places.
  const auto small = generate(span(testing::monday_midnight, 48h, 1min, 42), 7);
  ASSERT_EQ(small.readings.size(), g.readings.size());
  for (std::size_t i = 0; i < g.readings.size(); ++i) {
    ASSERT_EQ(small.readings[i].device, g.readings[i].device) << i;
    ASSERT_EQ(small.readings[i].metric, g.readings[i].metric) << i;
    ASSERT_EQ(small.readings[i].ts, g.readings[i].ts) << i;
  }
}

TEST(backfill, every_device_reports_every_step_of_the_span_except_while_offline) {
  const auto& g = two_days();
  const auto from = testing::monday_midnight;
  const auto to = from + 48h;
  ASSERT_EQ(g.phases.size(), 39u);
  std::map<std::string, std::set<core::time_point>> seen;
  for (const auto& r : g.readings) {
    ASSERT_GE(r.ts, from);
    ASSERT_LT(r.ts, to);
    if (r.metric != "status") seen[r.device].insert(r.ts);
  }
  std::set<std::string> offline_devices;
  for (const auto& [device, phase] : g.phases) {
    std::set<core::time_point> expected;
    bool was_offline = false;
    for (auto t = from + phase; t < to; t += 1min) {
      if (incident_of(g, device, kind::device_offline, t)) {
        was_offline = true;
      } else {
        expected.insert(t);
      }
    }
    if (was_offline) offline_devices.insert(device);
    EXPECT_EQ(seen[device], expected) << device;
  }
  std::set<std::string> planned;
  for (const auto& i : g.incidents)
    if (i.what == kind::device_offline) planned.insert(i.device);
  EXPECT_FALSE(planned.empty());  // two days still get the old plan's outage
  EXPECT_EQ(offline_devices, planned);
}

TEST(backfill, an_offline_device_says_so_on_its_first_missed_sample_and_again_when_back) {
  const auto& g = two_days();
  const auto gap = std::find_if(g.incidents.begin(), g.incidents.end(),
                                [](const auto& i) { return i.what == kind::device_offline; });
  ASSERT_NE(gap, g.incidents.end());
  EXPECT_GE(gap->to - gap->from, 3h);
  EXPECT_LE(gap->to - gap->from, 5h);
  // A camera's heartbeat is a `status` reading too (online: true): look at the edges.
  std::vector<std::pair<core::time_point, std::string>> inside, after;
  for (const auto& r : g.readings) {
    if (r.device != gap->device) continue;
    const std::string text =
        r.metric + "=" + (r.is_number() ? std::to_string(r.number()) : r.state());
    if (gap->covers(r.ts)) inside.emplace_back(r.ts, text);
    if (r.ts >= gap->to && after.empty()) after.emplace_back(r.ts, text);
  }
  ASSERT_EQ(inside.size(), 1u) << "nothing but the offline status in the gap";
  EXPECT_EQ(inside[0].second, "status=offline");
  EXPECT_LT(inside[0].first, gap->from + 1min);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].second, "status=online");
  EXPECT_LT(after[0].first, gap->to + 1min);
}

TEST(backfill, values_stay_in_their_normal_ranges_outside_the_planned_incidents) {
  const auto& g = two_days();
  double peak = 0;
  std::size_t open_at_night = 0;
  std::set<std::string> co_rises;
  for (const auto& r : g.readings) {
    if (r.metric == "lel_pct") {
      if (incident_of(g, r.device, kind::gas_spike, r.ts)) {
        peak = std::max(peak, r.number());
      } else {
        EXPECT_LE(r.number(), 2.5) << r.device;
      }
    } else if (r.metric == "co_ppm") {
      if (const auto* rise = incident_of(g, r.device, kind::co_rise, r.ts)) {
        EXPECT_LE(r.number(), rise->peak) << r.device;
        if (r.number() == rise->peak) co_rises.insert(rise->describe());
      } else {
        EXPECT_LE(r.number(), 9.0) << r.device;
      }
    } else if (r.metric == "temp_c" && r.device.find("cab") != std::string::npos) {
      EXPECT_GE(r.number(), 18.0);
      EXPECT_LE(r.number(), 26.0);
    } else if (r.metric == "door" && r.state() == "open") {
      // Shanghai is UTC+8: lessons (08:00–17:00 local) are 00:00–09:00 UTC.
      const auto utc_hour = (r.ts.time_since_epoch() % 24h) / 1h;
      if (incident_of(g, r.device, kind::door_left_open, r.ts)) {
        ++open_at_night;
      } else {
        EXPECT_LT(utc_hour, 9) << r.device << " door open outside lessons";
      }
    } else if (r.metric == "dist_m") {
      EXPECT_GE(r.number(), 20.0);
    }
  }
  EXPECT_EQ(peak, gas_spike_peak);
  std::size_t doors = 0, rises = 0;
  for (const auto& i : g.incidents) {
    doors += i.what == kind::door_left_open;
    rises += i.what == kind::co_rise;
  }
  EXPECT_GE(doors, 1u);                       // the old plan's door, at least
  EXPECT_EQ(open_at_night, doors * 12 * 60);  // one sample a minute, all night
  EXPECT_EQ(co_rises.size(), rises);          // each CO rise reaches its peak
}

TEST(backfill, the_sample_rules_fire_for_the_planned_incidents_and_nothing_else) {
  const auto& g = two_days();
  const auto& district = testing::sample_district();
  core::manual_clock clock(testing::monday_midnight);
  std::vector<rules::device_profile> profiles;
  for (const auto& d : district.devices) {
    const auto* site = district.find_site(d.site);
    const auto* zone = site->find_zone(d.zone);
    profiles.push_back({d.id, d.site, d.zone, zone ? zone->type : "", d.family, site->time_zone});
  }
  rules::rule_engine engine(district.rules, profiles, clock);

  std::set<std::string> raised;
  std::vector<std::string> unexpected;
  auto note = [&](const std::vector<rules::alert_event>& events, core::time_point t) {
    for (const auto& e : events) {
      if (e.what != rules::alert_event::kind::raised) continue;
      const std::string key = e.current.rule + " " + e.current.device;
      const bool planned =
          (e.current.rule == "gas-leak" && incident_of(g, e.current.device, kind::gas_spike, t)) ||
          (e.current.rule.starts_with("cabinet-") &&
           incident_of(g, e.current.device, kind::door_left_open, t)) ||
          (e.current.rule == "co-high" && incident_of(g, e.current.device, kind::co_rise, t)) ||
          incident_of(g, e.current.device, kind::device_offline, t);
      if (planned) {
        raised.insert(key);
      } else {
        unexpected.push_back(key);
      }
    }
  };
  core::time_point last_tick = testing::monday_midnight;
  for (const auto& r : g.readings) {
    clock.set(r.ts);
    if (r.ts - last_tick >= 10s) note(engine.on_tick(), r.ts), last_tick = r.ts;
    note(engine.on_reading(r), r.ts);
  }
  EXPECT_TRUE(unexpected.empty()) << ::testing::PrintToString(unexpected);
  for (const auto& i : g.incidents) {
    if (i.what == kind::gas_spike) {
      EXPECT_TRUE(raised.contains("gas-leak " + i.device));
    }
    if (i.what == kind::door_left_open) {
      EXPECT_TRUE(raised.contains("cabinet-door-after-hours " + i.device));
    }
    if (i.what == kind::co_rise) {
      EXPECT_TRUE(raised.contains("co-high " + i.device)) << i.describe();
    }
    if (i.what == kind::device_offline) {
      EXPECT_TRUE(raised.contains("device-offline " + i.device) ||
                  raised.contains("camera-offline-kitchen-hours " + i.device) ||
                  (i.to - i.from) < 5h)  // a camera's rule only watches kitchen hours
          << i.describe();
    }
  }
}

std::vector<backfill_incident> month_plan(std::uint64_t seed) {
  auto gen = backfill_generator::make(testing::sample_district(),
                                      span(testing::monday_midnight, 30 * 24h, 1min, seed));
  EXPECT_TRUE(gen) << gen.error();
  return gen ? gen->incidents() : std::vector<backfill_incident>{};
}

// Every school of the sample district, by its device prefix.
std::string school_of(const std::string& device) { return device.substr(0, device.find('-')); }

void check_month_plan(std::uint64_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  const auto incidents = month_plan(seed);
  const auto from = testing::monday_midnight;
  const auto to = from + 30 * 24h;
  std::map<std::string, std::map<kind, std::vector<const backfill_incident*>>> by_school;
  for (const auto& i : incidents) {
    EXPECT_GE(i.from, from) << i.describe();
    EXPECT_LE(i.to, to) << i.describe();
    EXPECT_LT(i.from, i.to) << i.describe();
    by_school[school_of(i.device)][i.what].push_back(&i);
    const auto local_minute = ((i.from.time_since_epoch() + 8h) % 24h) / 1min;  // Shanghai
    switch (i.what) {
      case kind::gas_spike:
        EXPECT_TRUE(local_minute >= 10 * 60 + 45 && local_minute < 11 * 60 + 45) << i.describe();
        EXPECT_TRUE(i.device.find("kitchen-gas") != std::string::npos) << i.device;
        EXPECT_EQ(i.peak, gas_spike_peak);
        break;
      case kind::door_left_open:
        EXPECT_TRUE(local_minute >= 18 * 60 + 30 && local_minute < 19 * 60 + 30) << i.describe();
        EXPECT_TRUE(i.device.find("chem-cab") != std::string::npos) << i.device;
        EXPECT_EQ(i.to - i.from, 12h);
        break;
      case kind::device_offline:
        EXPECT_GE(i.to - i.from, 3h);
        EXPECT_LE(i.to - i.from, 5h);
        if (i.device.find("kitchen-cam") != std::string::npos) {  // while the kitchen works
          EXPECT_TRUE(local_minute >= 6 * 60 && local_minute <= 15 * 60) << i.describe();
        }
        break;
      case kind::co_rise: {
        // Over co-high's orange (50), under its red (150): boiler at dawn, dormitory at night.
        EXPECT_GE(i.peak, 50.0);
        EXPECT_LT(i.peak, 150.0);
        const bool boiler = i.device.find("boiler-co") != std::string::npos;
        EXPECT_TRUE(boiler || i.device.find("dorm-co") != std::string::npos) << i.device;
        const int start = boiler ? 5 * 60 + 30 : 21 * 60 + 30;
        EXPECT_TRUE(local_minute >= start && local_minute < start + 120) << i.describe();
        break;
      }
    }
  }
  // ~1 gas spike and ~1 outage per school in 10 days, a door and a CO rise in 3 weeks.
  ASSERT_EQ(by_school.size(), 3u);
  std::size_t rises = 0, doors = 0;
  for (auto& [school, kinds] : by_school) {
    EXPECT_GE(kinds[kind::gas_spike].size(), 2u) << school;
    EXPECT_LE(kinds[kind::gas_spike].size(), 4u) << school;
    EXPECT_GE(kinds[kind::device_offline].size(), 2u) << school;
    EXPECT_LE(kinds[kind::device_offline].size(), 4u) << school;
    EXPECT_LE(kinds[kind::door_left_open].size(), 3u) << school;
    EXPECT_LE(kinds[kind::co_rise].size(), 3u) << school;
    doors += kinds[kind::door_left_open].size();
    rises += kinds[kind::co_rise].size();
    // A school's spikes on different days, taking turns on its two kitchen detectors.
    const auto& spikes = kinds[kind::gas_spike];
    for (std::size_t k = 1; k < spikes.size(); ++k) {
      EXPECT_GE(spikes[k]->from - spikes[k - 1]->from, 24h) << spikes[k]->describe();
      EXPECT_NE(spikes[k]->device, spikes[k - 1]->device) << spikes[k]->describe();
    }
  }
  EXPECT_GE(doors, 3u);  // at least one a school: 30 days / 21 rounds to 1 or 2
  EXPECT_GE(rises, 3u);
  // Never two incidents on one device at once.
  for (std::size_t a = 0; a < incidents.size(); ++a) {
    for (std::size_t b = a + 1; b < incidents.size(); ++b) {
      if (incidents[a].device != incidents[b].device) continue;
      EXPECT_FALSE(incidents[a].overlaps(incidents[b]))
          << incidents[a].describe() << " / " << incidents[b].describe();
    }
  }
}

TEST(backfill, a_month_plans_incidents_at_every_school_in_proportion_to_the_span) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) check_month_plan(seed);
}

TEST(backfill, the_incident_plan_follows_the_seed) {
  const auto a = month_plan(7);
  const auto b = month_plan(7);
  const auto c = month_plan(8);
  auto text = [](const std::vector<backfill_incident>& plan) {
    std::vector<std::string> lines;
    for (const auto& i : plan) lines.push_back(i.describe());
    return lines;
  };
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(text(a), text(b));
  EXPECT_NE(text(a), text(c));
}

TEST(backfill, a_short_span_keeps_the_old_plan_as_a_floor) {
  // Two days of one school: two gas spikes, one in each half, on its two kitchen detectors;
  // a door left open; an outage (a day of the district: the same, over its schools).
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto gen = backfill_generator::make(
        testing::sample_district(), span(testing::monday_midnight, 48h, 5min, seed, "bh-middle"));
    ASSERT_TRUE(gen) << gen.error();
    std::vector<const backfill_incident*> spikes;
    int doors = 0, outages = 0;
    for (const auto& i : gen->incidents()) {
      if (i.what == kind::gas_spike) spikes.push_back(&i);
      doors += i.what == kind::door_left_open;
      outages += i.what == kind::device_offline;
    }
    ASSERT_EQ(spikes.size(), 2u) << seed;
    EXPECT_LT(spikes[0]->to, testing::monday_midnight + 24h) << seed;
    EXPECT_GE(spikes[1]->from, testing::monday_midnight + 24h) << seed;
    EXPECT_NE(spikes[0]->device, spikes[1]->device) << seed;
    EXPECT_GE(doors, 1) << seed;
    EXPECT_GE(outages, 1) << seed;
  }
}

TEST(backfill, a_coarse_step_still_samples_a_gas_spike_at_its_peak) {
  const auto g = generate(span(testing::monday_midnight, 48h, 5min, 42, "xh-primary"));
  std::size_t spikes = 0;
  for (const auto& i : g.incidents) {
    if (i.what != kind::gas_spike) continue;
    ++spikes;
    double peak = 0;
    for (const auto& r : g.readings) {
      if (r.device == i.device && r.metric == "lel_pct" && i.covers(r.ts)) {
        peak = std::max(peak, r.number());
      }
    }
    EXPECT_EQ(peak, gas_spike_peak) << i.describe();
  }
  EXPECT_EQ(spikes, 2u);
}

TEST(backfill, the_same_seed_gives_the_same_history_and_another_seed_another) {
  const auto a = generate(span(testing::friday_midnight, 24h, 5min, 11, "bh-middle"));
  const auto b = generate(span(testing::friday_midnight, 24h, 5min, 11, "bh-middle"));
  const auto c = generate(span(testing::friday_midnight, 24h, 5min, 12, "bh-middle"));
  ASSERT_EQ(a.readings.size(), b.readings.size());
  for (std::size_t i = 0; i < a.readings.size(); ++i) {
    ASSERT_EQ(a.readings[i].device, b.readings[i].device);
    ASSERT_EQ(a.readings[i].metric, b.readings[i].metric);
    ASSERT_EQ(a.readings[i].ts, b.readings[i].ts);
    ASSERT_EQ(a.readings[i].value, b.readings[i].value);
  }
  std::size_t same = 0;
  for (std::size_t i = 0; i < std::min(a.readings.size(), c.readings.size()); ++i) {
    same += a.readings[i].ts == c.readings[i].ts && a.readings[i].value == c.readings[i].value;
  }
  EXPECT_LT(same, a.readings.size() / 2);
}

TEST(backfill, refuses_an_empty_span_a_step_under_a_second_and_an_unknown_site) {
  const auto& d = testing::sample_district();
  EXPECT_FALSE(backfill_generator::make(d, span(testing::monday_midnight, 0h, 1min, 1)));
  EXPECT_FALSE(backfill_generator::make(d, span(testing::monday_midnight, 1h, 500ms, 1)));
  const auto bad = backfill_generator::make(d, span(testing::monday_midnight, 1h, 1min, 1, "nope"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("nope"), std::string::npos);
}

}  // namespace
}  // namespace campus::sim
