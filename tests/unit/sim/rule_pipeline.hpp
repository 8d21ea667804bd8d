// The server's path for a simulated message, without the server: the family's real adapter,
// then the real rule engine on a manual clock. Lets the simulator tests ask "would this raise
// an alert with the sample rules?" instead of re-stating thresholds.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/adapter.hpp"
#include "config/district.hpp"
#include "core/clock.hpp"
#include "rules/rule_engine.hpp"
#include "sim/sim_message.hpp"

namespace campus::sim::testing {

class rule_pipeline {
 public:
  rule_pipeline(const config::district& district, core::time_point start);

  // The message arrives at `at`: status payloads become a `status` reading, the rest go
  // through the adapter; a refused payload fails the test.
  std::vector<rules::alert_event> deliver(const sim_message& m, core::time_point at);
  // Time passes to `at` (engine tick).
  std::vector<rules::alert_event> tick(core::time_point at);

 private:
  core::manual_clock clock_;
  std::unique_ptr<rules::rule_engine> engine_;
  std::map<std::string, std::unique_ptr<adapters::adapter>, std::less<>> adapters_;
};

}  // namespace campus::sim::testing
