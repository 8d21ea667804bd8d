// One MQTT message the simulator wants published. The generator produces these without a
// broker; the publisher (or a test) decides what to do with them.
#pragma once

#include <string>

namespace campus::sim {

struct sim_message {
  std::string topic;    // campus/<site>/<zone>/<device>/<stream>
  std::string payload;  // JSON for telemetry and event, plain `online` / `offline` for status
  bool retain = false;  // status messages are retained so a late subscriber sees them
};

}  // namespace campus::sim
