// The ceiling: a bare libmosquitto subscriber that only counts what the broker delivers on
// `campus/#` (no parsing, no storage), on libmosquitto's own network thread. What it receives
// per second under flat-out load is the most any subscriber of this broker could process.
#pragma once

#include <atomic>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>

struct mosquitto;
struct mosquitto_message;

namespace campus::bench {

class counting_subscriber {
 public:
  static std::expected<std::unique_ptr<counting_subscriber>, std::string> connect(
      const std::string& host, int port, int qos);
  ~counting_subscriber();
  counting_subscriber(const counting_subscriber&) = delete;
  counting_subscriber& operator=(const counting_subscriber&) = delete;

  std::uint64_t received() const { return received_.load(std::memory_order_relaxed); }

 private:
  counting_subscriber() = default;
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_subscribe(mosquitto*, void* self, int, int, const int*);
  static void on_message(mosquitto*, void* self, const mosquitto_message*);

  mosquitto* mosq_ = nullptr;
  int qos_ = 0;
  std::atomic<int> connack_{-1};
  std::atomic<bool> subscribed_{false};
  std::atomic<std::uint64_t> received_{0};
};

}  // namespace campus::bench
