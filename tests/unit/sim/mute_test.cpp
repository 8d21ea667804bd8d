// Muting a device in the generator: silent exactly until the given time, then back on its
// schedule with a fresh `online` status; the rest of the district is untouched. Simulated
// time only: each step takes what is due at next_due().
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "sample_district.hpp"
#include "sim/district_simulator.hpp"

namespace campus::sim {
namespace {

using namespace std::chrono_literals;
using testing::split_topic;

constexpr std::string_view gas = "xh-kitchen-gas-1";

struct published {
  core::time_point at;  // the due time the messages were taken at (their `ts`)
  sim_message message;
};

district_simulator make_sim() {
  auto made =
      district_simulator::make(testing::sample_district(), testing::sim_settings(42, "xh-primary"));
  EXPECT_TRUE(made) << made.error();
  return std::move(*made);
}

// Everything the simulator publishes from `start` until `until`, step by step.
std::vector<published> run(district_simulator& sim, core::time_point start,
                           core::time_point until) {
  std::vector<published> out;
  for (auto& m : sim.start(start)) out.push_back({start, std::move(m)});
  while (sim.next_due() < until) {
    const auto at = sim.next_due();
    for (auto& m : sim.take_due(at)) out.push_back({at, std::move(m)});
  }
  return out;
}

std::vector<published> of(const std::vector<published>& all, std::string_view device) {
  std::vector<published> out;
  for (const auto& p : all) {
    if (split_topic(p.message.topic).device == device) out.push_back(p);
  }
  return out;
}

std::vector<core::time_point> telemetry_times(const std::vector<published>& ps) {
  std::vector<core::time_point> out;
  for (const auto& p : ps) {
    if (p.message.topic.ends_with("/telemetry")) out.push_back(p.at);
  }
  return out;
}

const auto t0 = testing::friday_midnight + 12h;

TEST(mute, mute_until_silences_a_device_exactly_until_that_time) {
  auto free_sim = make_sim();
  const auto reference = run(free_sim, t0, t0 + 60s);
  const auto reference_times = telemetry_times(of(reference, gas));
  ASSERT_GE(reference_times.size(), 20u);
  // Until one of its due times, so the boundary is exercised: that sample is published.
  const auto until = reference_times[10];

  auto sim = make_sim();
  sim.mute_until(gas, until);
  EXPECT_TRUE(sim.muted(gas, until - 1ms));
  EXPECT_FALSE(sim.muted(gas, until));
  const auto muted_run = run(sim, t0, t0 + 60s);
  const auto mine = of(muted_run, gas);

  // Nothing at all before `until` (not even the start's online status); then the status is
  // announced again and the schedule is the one it would have had anyway.
  ASSERT_FALSE(mine.empty());
  for (const auto& p : mine) EXPECT_GE(p.at, until) << p.message.topic << " " << p.message.payload;
  EXPECT_EQ(mine.front().message.topic, "campus/xh-primary/kitchen/xh-kitchen-gas-1/status");
  EXPECT_EQ(mine.front().message.payload, "online");
  EXPECT_TRUE(mine.front().message.retain);
  EXPECT_EQ(telemetry_times(mine),
            std::vector<core::time_point>(reference_times.begin() + 10, reference_times.end()));
  // …and so are its values: the model kept moving while it was silent.
  const auto reference_mine = of(reference, gas);
  std::vector<std::string> expected, got;
  for (const auto& p : reference_mine) {
    if (p.at >= until && p.message.topic.ends_with("/telemetry"))
      expected.push_back(p.message.payload);
  }
  for (const auto& p : mine) {
    if (p.message.topic.ends_with("/telemetry")) got.push_back(p.message.payload);
  }
  EXPECT_EQ(got, expected);

  // The other devices publish exactly what they would have without the mute.
  std::map<std::string, std::size_t> with_mute, without;
  for (const auto& p : muted_run) ++with_mute[p.message.topic];
  for (const auto& p : reference) ++without[p.message.topic];
  for (const auto& [topic, n] : without) {
    if (split_topic(topic).device != gas) {
      EXPECT_EQ(with_mute[topic], n) << topic;
    }
  }
}

TEST(mute, unmute_resumes_a_device_muted_for_good_at_its_next_due_sample) {
  auto sim = make_sim();
  sim.mute(gas);
  const auto silent = run(sim, t0, t0 + 30s);
  EXPECT_TRUE(of(silent, gas).empty());
  EXPECT_FALSE(of(silent, "xh-kitchen-gas-2").empty());

  sim.unmute(gas);
  EXPECT_FALSE(sim.muted(gas, t0 + 30s));
  std::vector<published> after;
  while (after.size() < 2) {
    const auto at = sim.next_due();
    ASSERT_LT(at, t0 + 35s);  // within one (jittered) 2 s period
    for (auto& m : sim.take_due(at)) {
      if (split_topic(m.topic).device == gas) after.push_back({at, std::move(m)});
    }
  }
  EXPECT_EQ(after[0].message.payload, "online");
  EXPECT_TRUE(after[1].message.topic.ends_with("/telemetry"));
  EXPECT_EQ(after[0].at, after[1].at);
}

TEST(mute, a_later_mute_replaces_an_earlier_one_and_a_past_time_unmutes) {
  auto sim = make_sim();
  sim.mute(gas);
  sim.mute_until(gas, t0 + 5s);
  EXPECT_TRUE(sim.muted(gas, t0 + 4s));
  EXPECT_FALSE(sim.muted(gas, t0 + 5s));
  sim.mute_until(gas, t0 - 1h);
  EXPECT_FALSE(sim.muted(gas, t0));
  // Unknown devices are somebody else's: ignored.
  sim.mute_until("nobody", t0 + 1h);
  EXPECT_FALSE(sim.muted("nobody", t0));
}

}  // namespace
}  // namespace campus::sim
