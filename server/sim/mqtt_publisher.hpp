// The simulator's one connection to the broker (libmosquitto, its own network thread from
// mosquitto_loop_start: campus-sim is a standalone tool with no Asio loop to hand work to).
// Every publish is tracked by message id until libmosquitto reports it complete (PUBACK for
// QoS 1, written for QoS 0), so drain() can wait for delivery before the program exits.
// It also listens on one subscription (the simulators' control channel, mute_control.hpp):
// messages arrive on the network thread and wait in a mutex-protected queue until the run
// loop takes them, so the simulator itself is only ever touched by the main thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <expected>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/reading.hpp"
#include "sim/sim_message.hpp"

struct mosquitto;
struct mosquitto_message;

namespace campus::sim {

class mqtt_publisher {
 public:
  struct settings {
    std::string host = "127.0.0.1";
    int port = 1883;
    std::string client_id;
    std::string username;  // empty: anonymous
    std::string password;
    int keepalive_s = 30;
    core::duration connect_timeout{10000};  // keep retrying a refused connection this long
  };

  // Connects and waits for the broker's CONNACK. The error says which broker and why.
  static std::expected<std::unique_ptr<mqtt_publisher>, std::string> connect(const settings& s);

  ~mqtt_publisher();
  mqtt_publisher(const mqtt_publisher&) = delete;
  mqtt_publisher& operator=(const mqtt_publisher&) = delete;

  // Hands one message to libmosquitto (which resends it after a reconnect). The error is
  // libmosquitto's reason for refusing it.
  std::expected<void, std::string> publish(const sim_message& m, int qos);

  // Waits until every message published so far is complete, at most `timeout`; returns how
  // many are still outstanding.
  std::size_t drain(core::duration timeout);

  // Subscribes to `pattern` (QoS 1) and waits for the SUBACK, at most `timeout`. The
  // subscription is renewed after every reconnect (the session is clean). One subscription
  // per publisher; a second call replaces the pattern used for reconnects.
  std::expected<void, std::string> subscribe(const std::string& pattern, core::duration timeout);

  // Messages received on the subscription since the last call, in arrival order (`retain`
  // set for retained ones). Never blocks on the network.
  std::vector<sim_message> take_received();

 private:
  explicit mqtt_publisher(const settings& s);

  // Both run on libmosquitto's network thread; they only touch state under mutex_.
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_publish(mosquitto*, void* self, int mid);
  static void on_subscribe(mosquitto*, void* self, int mid, int count, const int* granted);
  static void on_message(mosquitto*, void* self, const mosquitto_message* m);

  settings settings_;
  mosquitto* mosq_ = nullptr;
  std::mutex mutex_;
  std::condition_variable changed_;
  int connack_ = -1;  // -1 until the broker answers; then its CONNACK code
  std::set<int> in_flight_;
  std::set<int> completed_early_;  // completions that beat publish() recording the id
  std::string subscription_;       // renewed by on_connect after a reconnect
  std::set<int> subacks_;          // SUBACKs received, by message id
  std::vector<sim_message> received_;
};

}  // namespace campus::sim
