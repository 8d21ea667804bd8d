// campus-bench's command line: the size of the run and which phases to measure.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace campus::bench {

struct bench_options {
  int devices = 10000;           // devices in the generated district (the main phases)
  double duration_s = 10;        // seconds of load per phase
  double rate = 0;               // total messages/s for the throughput phase; 0 = flat out
  int qos = 1;                   // QoS of the publishers (the ceiling measures 0 and 1 anyway)
  int clients = 1000;            // WebSocket clients of the fan-out phase
  int connections = 4;           // MQTT connections the load is spread over
  int probes = 4;                // probe gas detectors of the latency phases
  double fanout_rate = 200;      // background messages/s during the fan-out phase
  std::vector<int> rss_devices{10000, 100000};  // district sizes of the memory phase
  std::vector<std::string> phases{"ceiling", "throughput", "latency", "fanout", "bureau", "rss",
                                  "history"};
  // The bureau phase (bureau_phase.hpp): users, their pages on /ws, the overview's period,
  // the background rate and the refresh step's length (its other steps last --duration).
  int bureau_users = 10;
  int bureau_clients = 10;
  double bureau_interval_s = 30;
  double bureau_rate = 1000;
  double bureau_refresh_s = 60;
  std::string history = "sqlite";  // or "influxdb": a real influxd in the temp dir
  std::string peer;                // "node-red": also measure the peer
  std::string peer_ws;             // ws://127.0.0.1:PORT/alerts
  int peer_mqtt_port = 0;          // the broker the peer subscribes to
  std::filesystem::path json_file;
  std::filesystem::path server_binary;  // default: campus-shield next to campus-bench
  std::filesystem::path sample_config;  // default: the source tree's config/district.yaml
  std::filesystem::path work_dir;       // default: a new directory under $TMPDIR, removed after
  bool keep = false;                    // keep the work directory

  bool wants(const std::string& phase) const;
};

// Parses argv; the error is a message for the user (with the usage). `--help` gives an error
// holding only the usage text, and sets `help`.
std::expected<bench_options, std::string> parse_options(int argc, char** argv, bool& help);

extern const char* const usage_text;

}  // namespace campus::bench
