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
    // Sessions and queued messages kept in persistence_file() as the shipped configurations
    // keep them (scripts/lib.sh; docs/broker.md, "Persistence"): saved every
    // shipped_autosave_interval_s and at a clean stop, loaded again by start(). Off by default:
    // most tests want a broker that forgets.
    bool persistence = false;
  };

  // The shipped configurations' autosave_interval, in seconds (scripts/lib.sh).
  static constexpr int shipped_autosave_interval_s = 5;

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
  std::filesystem::path persistence_file() const { return dir_ / "persistence" / "mosquitto.db"; }

  bool running() const;
  // SIGTERM and wait: the broker closes every client connection. No-op when stopped.
  void stop();
  // SIGKILL and wait: a crash. Nothing is saved; the clients see their connections reset.
  void kill();
  // Starts it again on the same port. Without persistence, sessions and queues are gone; with
  // it, what the last save held is back.
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
