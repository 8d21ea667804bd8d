// The strongest form of "normal running raises nothing": the simulator's own schedule for a
// whole Friday and Saturday, every message through the real adapters and the real rule engine
// with the sample rules, and not one alert.
#include <gtest/gtest.h>

#include "rule_pipeline.hpp"
#include "sample_district.hpp"
#include "sim/district_simulator.hpp"

namespace campus::sim {
namespace {

using namespace std::chrono_literals;

TEST(quiet_day, the_sample_rules_raise_no_alert_over_48_hours_of_normal_running) {
  const auto& district = testing::sample_district();
  const auto start = testing::friday_midnight;
  // A 30 s interval keeps the run short; devices report far more often than any absence rule.
  auto sim = district_simulator::make(district, testing::sim_settings(99, "", 30s));
  ASSERT_TRUE(sim) << sim.error();
  testing::rule_pipeline pipeline(district, start);

  std::vector<std::string> alerts;
  auto note = [&](const std::vector<rules::alert_event>& events) {
    for (const auto& e : events) {
      alerts.push_back(e.current.rule + " " + e.current.device + " " + to_string(e.what));
    }
  };
  std::size_t delivered = 0;
  for (const auto& m : sim->start(start)) note(pipeline.deliver(m, start)), ++delivered;
  for (auto t = start; t < start + 48h; t += 1s) {
    for (const auto& m : sim->take_due(t)) note(pipeline.deliver(m, t)), ++delivered;
    // Ticking every 5 s is enough: the shortest period in the sample rules is 30 s.
    if ((t - start) % 5s == 0s) note(pipeline.tick(t));
    if (alerts.size() > 20) break;  // the report below is enough
  }
  EXPECT_TRUE(alerts.empty()) << ::testing::PrintToString(alerts);
  EXPECT_GT(delivered, 39u * 48 * 60);  // everyone kept talking
}

}  // namespace
}  // namespace campus::sim
