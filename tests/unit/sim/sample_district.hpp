// The sample district (config/district.yaml), loaded once for the simulator tests, and the
// instants the tests walk from.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "config/district.hpp"
#include "core/reading.hpp"
#include "sim/district_simulator.hpp"
#include "sim/scenario.hpp"
#include "sim/sim_message.hpp"

namespace campus::sim::testing {

const config::district& sample_district();

// Settings without designated initialisers (GCC 12 warns about the members left out).
inline simulator_settings sim_settings(std::uint64_t seed, std::string site = "",
                                       core::duration interval = core::duration{2000}) {
  simulator_settings s;
  s.seed = seed;
  s.site = std::move(site);
  s.interval = interval;
  return s;
}

inline scenario_settings scenario_at(std::string site = "", std::optional<core::duration> hold = {},
                                     bool recover = true, bool fast = false) {
  scenario_settings s;
  s.site = std::move(site);
  s.hold = hold;
  s.recover = recover;
  s.fast = fast;
  return s;
}

// Local midnight in Asia/Shanghai (UTC+8, no DST) of Friday 28 November 2025 and of
// Monday 24 November 2025.
inline const core::time_point friday_midnight = core::from_epoch_ms(1764259200000);
inline const core::time_point monday_midnight = core::from_epoch_ms(1763913600000);

// The payload as a JSON object; fails the test (and returns an empty object) when it is not one.
boost::json::object parse_object(const sim_message& m);

// "campus/<site>/<zone>/<device>/<stream>" → its parts; empty when the topic is malformed.
struct topic_parts {
  std::string site, zone, device, stream;
};
topic_parts split_topic(const std::string& topic);

double number(const boost::json::value& v);

}  // namespace campus::sim::testing
