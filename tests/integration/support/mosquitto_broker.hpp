// A real Mosquitto broker for one test: its own config, port and directory, like the broker's
// own test suite, but on a free port discovered at run time.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace campus::test {

class mosquitto_broker {
 public:
  struct options {
    // Mosquitto's default is 1000 and it silently drops QoS 1 messages beyond it for a slow
    // subscriber; see server/mqtt/mqtt_client.hpp. Memory stays bounded by max_queued_bytes.
    std::size_t max_queued_messages = 1'000'000;
    std::size_t max_queued_bytes = 256u << 20;  // per client; the first limit reached applies
    std::vector<std::string> extra_config;      // more mosquitto.conf lines
  };

  // Picks a free port, writes mosquitto.conf in a temporary directory, starts the broker and
  // waits until it accepts connections. Throws std::runtime_error (with the broker's log) if
  // it does not come up. The broker binary is CAMPUS_MOSQUITTO (environment) if set.
  mosquitto_broker();
  explicit mosquitto_broker(options opts);
  ~mosquitto_broker();

  mosquitto_broker(const mosquitto_broker&) = delete;
  mosquitto_broker& operator=(const mosquitto_broker&) = delete;

  // Fixed for the life of the object: restart() listens on the same port.
  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path config_file() const { return dir_ / "mosquitto.conf"; }
  std::filesystem::path log_file() const { return dir_ / "mosquitto.log"; }

  bool running() const;
  // SIGTERM and wait: the broker closes every client connection. No-op when stopped.
  void stop();
  // Starts it again on the same port (no persistence: sessions and queues are gone).
  void start();
  void restart();

  std::string log_tail(std::size_t lines = 40) const;

 private:
  void write_config() const;

  options opts_;
  temp_dir dir_{"campus-mosquitto-"};
  int port_;
  std::unique_ptr<child_process> process_;
};

}  // namespace campus::test
