// The control channel between simulator processes. A scenario run in its own process takes
// devices over while a background simulator keeps publishing normal values for the whole
// district; without a word between them the background would undo the incident within one
// period (a 45 %LEL leak answered by 1 %LEL two seconds later). So the scenario publishes, per
// device, a retained QoS 1 message
//
//   campus-sim/control/<device id>   {"mute_until": <epoch ms>}
//
// and every running normal simulator subscribes to campus-sim/control/# and keeps that device
// silent until then. An empty retained payload (which also deletes the retained message)
// unmutes at once. Retained, so a background simulator started later still honours a mute.
// The prefix is outside campus/ (the server's subscription), so the server never sees it.
//
// The bare prefix topic (no device) carries a simulator's sync marker: after subscribing, it
// publishes its client id there and, once that comes back, has had every retained mute.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "core/reading.hpp"
#include "sim/sim_message.hpp"

namespace campus::sim {

inline constexpr std::string_view control_prefix = "campus-sim/control";

struct mute_control {
  std::string device;
  std::optional<core::time_point> until;  // empty: unmute now
};

std::string control_topic(std::string_view device_id);  // campus-sim/control/<device id>
std::string control_subscription();                     // campus-sim/control/#

// Retained messages for the control topic of `device_id`.
sim_message mute_message(std::string_view device_id, core::time_point until);
sim_message unmute_message(std::string_view device_id);

// What a control message asks for. Errors (never exceptions) for a topic outside the prefix
// or without a device (the sync marker), and a payload that is neither empty nor an object
// with an integral, non-negative "mute_until".
std::expected<mute_control, std::string> parse_mute_control(std::string_view topic,
                                                            std::string_view payload);

}  // namespace campus::sim
