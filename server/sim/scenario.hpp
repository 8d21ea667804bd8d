// Scenarios: scripted incidents for one school, planned as data (what to publish at which
// offset from the start) so tests can check them without a broker and the command line only
// has to replay them on time.
//
//   gas-leak            first kitchen gas detector: lel_pct 2 → 12 → 30 → 45 in 0.5 s steps,
//                       holds (default 10 s), back to 1
//   cabinet-door-night  first chemical-store cabinet: door open, lock unlocked every 10 s for
//                       the door rule's `for` + 1 min (3 min in the sample), then closed
//   pond-intrusion      pond beacon: tag-10234 at 3.5 m every 2 s for 40 s, then gone
//   camera-offline      first kitchen camera: retained status `offline`, no more heartbeats
//   one-key-alarm       gate one-key alarm: state alarm (back to normal after --hold, if given)
#pragma once

#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/district.hpp"
#include "core/reading.hpp"
#include "sim/sim_message.hpp"

namespace campus::sim {

struct scenario_settings {
  std::string site;                    // empty = the district's first site
  std::optional<core::duration> hold;  // how long the incident lasts; each scenario has a default
  bool recover = true;                 // publish the all-clear at the end
  bool fast = false;                   // cabinet-door-night: a few readings, no waiting (no alert)
};

struct scenario_step {
  core::duration at{0};     // offset from the scenario's start
  std::string description;  // one line for the operator: what this step publishes and why
  std::vector<sim_message> messages;
};

struct scenario_plan {
  std::string name;
  std::string site;
  std::vector<scenario_step> steps;  // ordered by `at`
  std::vector<std::string> notes;    // printed before the first step (e.g. time windows)
  // Every device the scenario publishes for, in order of first appearance: a background
  // simulator must stay silent for them while the scenario runs (see mute_control.hpp).
  std::vector<std::string> devices;
  // Those left in the incident state: a normal simulation running after the scenario
  // (--continue, or in the background) must not publish for them, or it would undo it.
  std::vector<std::string> muted_devices;

  // Offset of the last step: when the scenario is over.
  core::duration length() const { return steps.empty() ? core::duration{0} : steps.back().at; }
};

std::span<const std::string_view> scenario_names();

// Plans scenario `name` for the configured school, starting at `start` (payload timestamps
// are start + offset). Fails naming the problem: unknown scenario or site, or the site has no
// device of the kind the scenario needs.
std::expected<scenario_plan, std::string> plan_scenario(std::string_view name,
                                                        const config::district& district,
                                                        const scenario_settings& settings,
                                                        core::time_point start);

}  // namespace campus::sim
