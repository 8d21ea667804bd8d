// The background load: a few MQTT connections (not one per device: the broker is the limit
// being measured, not its connection table), each publishing its slice of the payload deck
// in a loop, at a share of a total rate or flat out. Each connection has a sending thread (this
// class) and libmosquitto's network thread (mosquitto_loop_start). Flat out, a connection
// keeps at most `window` messages handed to libmosquitto but not yet complete (written for
// QoS 0, PUBACKed for QoS 1), so an unread socket slows the sender instead of growing memory.
#pragma once

#include <atomic>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/payload_deck.hpp"
#include "core/reading.hpp"

struct mosquitto;

namespace campus::bench {

class load_publisher {
 public:
  struct settings {
    std::string host = "127.0.0.1";
    int port = 1883;
    int qos = 1;
    double rate = 0;           // total messages/s; 0 = flat out
    std::uint64_t window = 2000;
  };

  // One connection per slice of `deck` (which must outlive the publisher).
  static std::expected<std::unique_ptr<load_publisher>, std::string> connect(const settings& s,
                                                                             payload_deck& deck);
  ~load_publisher();
  load_publisher(const load_publisher&) = delete;
  load_publisher& operator=(const load_publisher&) = delete;

  // Starts the sending threads; stop() joins them. May be started again after a stop.
  void start();
  void stop();
  // Waits until everything published is complete; false after `timeout`.
  bool drain(core::duration timeout);

  std::uint64_t published() const;
  std::uint64_t completed() const;
  std::uint64_t errors() const;
  // True once every message of the deck has been sent at least once since connect().
  // Safe to call while sending.
  bool covered_deck() const;

 private:
  struct connection {
    mosquitto* mosq = nullptr;
    std::vector<deck_message>* slice = nullptr;
    std::size_t next = 0;
    std::atomic<bool> wrapped{false};
    std::atomic<std::uint64_t> published{0};
    std::atomic<std::uint64_t> completed{0};
    std::atomic<std::uint64_t> errors{0};
    std::atomic<int> connack{-1};
  };
  explicit load_publisher(const settings& s) : settings_(s) {}
  void send_loop(connection& c, double rate);
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_publish(mosquitto*, void* self, int mid);

  settings settings_;
  std::vector<std::unique_ptr<connection>> connections_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
};

}  // namespace campus::bench
