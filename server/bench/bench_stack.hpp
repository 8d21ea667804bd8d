// The processes of a run, all on 127.0.0.1 and free ports inside the run's directory: one
// Mosquitto (anonymous, see docs/benchmarks.md for why), an influxd when history goes to
// InfluxDB, and campus-shield servers with a bench user who may see only the probe school.
#pragma once

#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "bench/bench_process.hpp"

namespace campus::bench {

// A TCP port on 127.0.0.1 nobody listens on now.
int free_port();
// Whether something accepts connections on 127.0.0.1:port.
bool port_accepts(int port);

struct running_server {
  std::optional<bench_process> process;
  int port = 0;
  std::string token;  // the bench user's session
  double start_seconds = 0;  // from exec until connected to the broker (the district loaded)
};

class bench_stack {
 public:
  bench_stack(std::filesystem::path dir, std::filesystem::path server_binary)
      : dir_(std::move(dir)), server_binary_(std::move(server_binary)) {}

  std::expected<int, std::string> start_broker();          // its port
  std::expected<std::string, std::string> start_influxd();  // its URL

  // `serve` with the district in `config` and data in `data_dir` (made here, with the bench
  // user); returns once it is connected to the broker and the bench user is logged in
  // (at most 30 minutes: loading a district of 100k devices is slow, see docs/benchmarks.md).
  std::expected<running_server, std::string> start_server(const std::filesystem::path& config,
                                                          const std::filesystem::path& data_dir);
  static constexpr const char* user = "bench";

  int broker_port() const { return broker_port_; }
  // The influxd's process id; 0 before start_influxd().
  pid_t influxd_pid() const { return influxd_ ? influxd_->pid() : 0; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path server_binary_;
  std::optional<bench_process> broker_;
  std::optional<bench_process> influxd_;
  int broker_port_ = 0;
};

}  // namespace campus::bench
