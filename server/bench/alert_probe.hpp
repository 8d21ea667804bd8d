// Publish → WebSocket alert latency. Each probe gas detector alternates a reading above the
// gas-leak rule's red threshold and one below its clear level. The raising reading's send time
// is taken from the steady clock just before it is handed to libmosquitto; every WebSocket
// client's `alert` message for that device (event raised or refired, condition active) gives
// one sample. The clearing reading goes out once every client has seen the raise, and the next
// raise once every client has seen the clear, so a sample is never matched to the wrong
// reading. A client that misses an alert for 5 s counts as a missed delivery.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_district.hpp"
#include "bench/payload_deck.hpp"
#include "sim/mqtt_publisher.hpp"

namespace campus::bench {

class alert_probe {
 public:
  using steady = std::chrono::steady_clock;

  // `awaits_clear` false: the watcher announces raises only (the Node-RED peer); the next
  // raise then follows the clear after the pause, unacknowledged.
  alert_probe(sim::mqtt_publisher& publisher, const bench_district& district,
              std::vector<probe_payloads> payloads, int clients, int qos,
              bool awaits_clear = true);

  // From the WebSocket fleet's thread (ws_fleet::alert_handler).
  void on_alert(int client, std::string_view device, bool active, steady::time_point at);

  // Runs raise/clear cycles for `duration`, then lets the last ones finish (at most 5 s).
  void run(std::chrono::milliseconds duration);

  // Latencies in milliseconds, one per delivery of a raise to a client.
  std::vector<double> samples() const;
  std::uint64_t raises() const;
  std::uint64_t missed() const;
  // Forget the samples (a new phase); keeps the probes' states.
  void reset();

 private:
  enum class stage { idle, raising, clearing };
  struct probe {
    std::string device;
    probe_payloads payloads;
    stage at = stage::idle;
    steady::time_point sent{};
    std::vector<bool> seen;
    int seen_count = 0;
  };
  void publish(probe& p, bool raise);  // with mutex_ held
  void expire(probe& p, steady::time_point now);

  sim::mqtt_publisher& publisher_;
  int clients_;
  int qos_;
  bool awaits_clear_;
  mutable std::mutex mutex_;
  std::vector<probe> probes_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::vector<double> samples_;
  std::uint64_t raises_ = 0;
  std::uint64_t missed_ = 0;
};

// The q-quantile (0..1) of `v` by nearest rank; 0 for an empty vector. Sorts `v`.
double quantile(std::vector<double>& v, double q);

}  // namespace campus::bench
