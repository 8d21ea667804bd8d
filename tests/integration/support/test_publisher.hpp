// A small, synchronous MQTT publisher for tests: libmosquitto with its own network thread
// (mosquitto_loop_start), which is fine in test code. One instance may be shared by threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

struct mosquitto;

namespace campus::test {

class test_publisher {
 public:
  // Connects to 127.0.0.1:port with a clean session and waits for the CONNACK; throws
  // std::runtime_error if that fails within 10 s. An empty client_id gets a unique one.
  explicit test_publisher(int port, std::string client_id = {});
  ~test_publisher();  // DISCONNECT, then joins the network thread

  test_publisher(const test_publisher&) = delete;
  test_publisher& operator=(const test_publisher&) = delete;

  // Publishes and, for QoS 1 and 2, waits until the broker acknowledged it (PUBACK/PUBCOMP);
  // for QoS 0, until it was written. Throws std::runtime_error on error or after 30 s.
  void publish(std::string_view topic, std::string_view payload, int qos = 1);

  // Queues the message without waiting (libmosquitto keeps its in-flight window); pair it
  // with wait_all_acked(). Throws std::runtime_error if libmosquitto refuses it.
  void publish_nowait(std::string_view topic, std::string_view payload, int qos = 1);

  // Waits until every message published so far has been acknowledged (or, QoS 0, written).
  bool wait_all_acked(std::chrono::milliseconds timeout = std::chrono::seconds{60});

 private:
  int send(std::string_view topic, std::string_view payload, int qos);
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_publish(mosquitto*, void* self, int mid);

  mosquitto* mosq_ = nullptr;
  std::mutex mutex_;
  std::condition_variable changed_;
  int connack_ = -1;            // CONNACK code once received
  std::set<int> pending_;       // published, not yet acknowledged
  std::set<int> acked_early_;   // acknowledged before publish() recorded the mid
};

}  // namespace campus::test
