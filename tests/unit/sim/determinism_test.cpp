// A seed makes a run repeatable: same seed, same messages at the same times; another seed,
// other values; and a device's values do not depend on which other devices are simulated.
#include <gtest/gtest.h>

#include <set>

#include "sample_district.hpp"
#include "sim/district_simulator.hpp"

namespace campus::sim {
namespace {

using namespace std::chrono_literals;

// Ten simulated minutes of the scheduled run, as "topic payload" lines.
std::vector<std::string> run(std::uint64_t seed, std::string site = "") {
  auto sim =
      district_simulator::make(testing::sample_district(), testing::sim_settings(seed, site));
  EXPECT_TRUE(sim);
  std::vector<std::string> out;
  const auto start = testing::friday_midnight + 11h;
  for (const auto& m : sim->start(start)) out.push_back(m.topic + " " + m.payload);
  for (auto t = start; t < start + 10min; t += 250ms) {
    for (const auto& m : sim->take_due(t)) out.push_back(m.topic + " " + m.payload);
  }
  return out;
}

TEST(determinism, the_same_seed_gives_the_same_run) {
  const auto a = run(42);
  EXPECT_GT(a.size(), 39u * 10);
  EXPECT_EQ(a, run(42));
  EXPECT_NE(a, run(43));
}

TEST(determinism, a_device_samples_the_same_whichever_devices_run_beside_it) {
  auto all = district_simulator::make(testing::sample_district(), testing::sim_settings(7));
  auto one = district_simulator::make(testing::sample_district(),
                                      testing::sim_settings(7, "qs-nine-year"));
  ASSERT_TRUE(all && one);
  for (auto t = testing::friday_midnight; t < testing::friday_midnight + 1h; t += 30s) {
    EXPECT_EQ(all->sample("qs-chem-cab-2", t).at(0).payload,
              one->sample("qs-chem-cab-2", t).at(0).payload);
  }
  EXPECT_TRUE(one->sample("xh-chem-cab-2", testing::friday_midnight).empty());  // filtered out
}

TEST(determinism, devices_do_not_publish_in_lockstep) {
  auto sim =
      district_simulator::make(testing::sample_district(), testing::sim_settings(11, "xh-primary"));
  ASSERT_TRUE(sim);
  const auto start = testing::friday_midnight + 9h;
  sim->start(start);
  std::set<std::int64_t> instants;
  std::size_t telemetry = 0;
  for (auto t = start; t < start + 1min; t += 10ms) {
    const auto due = sim->take_due(t);
    telemetry += due.size();
    if (!due.empty()) instants.insert(core::to_epoch_ms(t));
  }
  // 9 sensors at 2 s ≈ 270, 2 cameras at 10 s ≈ 12, 3 alarm inputs at 30–60 s ≈ 3.
  EXPECT_GT(telemetry, 250u);
  EXPECT_LT(telemetry, 330u);
  EXPECT_GT(instants.size(), telemetry * 9 / 10);  // hardly any two in the same 10 ms
}

}  // namespace
}  // namespace campus::sim
