// The campus-shield process an integration test talks to: `serve` with the given configuration
// on a free loopback port, against the test's broker, with its data directory and log file in
// the test's temporary directory (so no test touches the repository's var/).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "support/child_process.hpp"

namespace campus::test {

class campus_server {
 public:
  // Starts the binary the test target names (CAMPUS_SHIELD_BINARY). Data in `dir`/data.
  campus_server(const std::filesystem::path& config, int broker_port,
                const std::filesystem::path& dir);

  int port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  child_process& process() { return process_; }

  // True once /metrics reports the MQTT client connected (within the usual wait).
  bool wait_until_connected();
  // One sample from /metrics, e.g. metric("campus_readings_total"); -1 when unreachable or absent.
  double metric(const std::string& series);
  // SIGTERM, then SIGKILL after `grace`; the exit status (0 for a clean stop).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds{30}) {
    return process_.stop(grace);
  }

 private:
  int port_;
  std::filesystem::path data_dir_;
  child_process process_;
};

}  // namespace campus::test
