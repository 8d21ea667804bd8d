// An MQTT client for the broker-account tests: logs in with a username and password (and,
// optionally, TLS with a CA file), publishes QoS 1 and waits for the PUBACK, subscribes and
// collects what arrives. libmosquitto with its own network thread, as in test code elsewhere.
// Unlike support/test_publisher it does not throw on a refused login: login() reports the
// broker's CONNACK code, because the tests are about exactly that.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

struct mosquitto;
struct mosquitto_message;

namespace campus::test {

class account_client {
 public:
  struct login_options {
    std::string username;  // empty: anonymous
    std::string password;
    std::string ca_file;   // set: TLS, the broker's certificate checked against it
  };

  account_client(int port, login_options login);
  ~account_client();
  account_client(const account_client&) = delete;
  account_client& operator=(const account_client&) = delete;

  // The broker's CONNACK code (0 accepted, 5 not authorised, ...), or -1 when the connection
  // failed before any CONNACK (e.g. a TLS handshake refused), within 10 s.
  int connack() const { return connack_; }
  bool accepted() const { return connack_ == 0; }

  // QoS 1; true once the broker acknowledged it. A publish the ACL denies is acknowledged
  // too (MQTT 3.1.1 has no way to say no) and then dropped by the broker.
  bool publish(const std::string& topic, const std::string& payload);

  // The QoS the broker granted (0x80 = refused), or -1 without a SUBACK.
  int subscribe(const std::string& filter);

  std::vector<std::pair<std::string, std::string>> received() const;
  // Waits (bounded) until a message on `topic` has arrived.
  bool wait_for_topic(const std::string& topic,
                      std::chrono::milliseconds timeout = std::chrono::seconds{20});

 private:
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_publish(mosquitto*, void* self, int mid);
  static void on_subscribe(mosquitto*, void* self, int mid, int count, const int* granted);
  static void on_message(mosquitto*, void* self, const mosquitto_message* m);

  mosquitto* mosq_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int connack_ = -1;
  bool closed_ = false;
  bool loop_started_ = false;
  std::set<int> acked_;
  std::vector<std::pair<int, int>> subacks_;  // mid, granted QoS
  std::vector<std::pair<std::string, std::string>> received_;
};

}  // namespace campus::test
