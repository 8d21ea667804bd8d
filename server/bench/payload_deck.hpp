// Pre-generated MQTT messages of the background load: each device's telemetry (and the events
// its model produces) from campus-sim's own device models, so the payloads are the adapters'
// real formats and nothing here writes a second copy of them. Generated before a phase starts,
// so making payloads never limits the send rate. A message keeps where its timestamp digits
// sit, and the sender overwrites them with the send time (same number of digits), so readings
// stay current however long the run lasts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_district.hpp"
#include "core/reading.hpp"

namespace campus::bench {

struct deck_message {
  std::string topic;
  std::string payload;
  std::uint32_t ts_at = 0;   // offset of the timestamp digits in payload
  std::uint8_t ts_len = 0;   // 0: none; 13: epoch ms; 10: epoch s
};

// The wall clock in the readings' resolution.
inline core::time_point wall_now() {
  return std::chrono::time_point_cast<core::duration>(std::chrono::system_clock::now());
}

// Writes `now` into m's timestamp digits (no-op when it has none).
void stamp(deck_message& m, core::time_point now);

// The model's sample with its timestamp located.
deck_message to_deck_message(std::string topic, std::string payload, core::time_point sampled);

class payload_deck {
 public:
  // `rounds` samples of every background device, round by round (every device once, then
  // again), split into `slices` (one per MQTT connection): a device always lands in the same
  // slice, so its messages keep their order on one connection.
  // `telemetry_only`: without the events (for a peer subscribed to telemetry alone).
  static payload_deck make(const bench_district& d, int rounds, int slices, std::uint64_t seed,
                           bool telemetry_only = false);

  std::vector<std::vector<deck_message>>& slices() { return slices_; }
  std::size_t size() const;

 private:
  std::vector<std::vector<deck_message>> slices_;
};

// The probe's two readings: its model's telemetry with lel_pct set above the red threshold
// (raise) or below the lowest clear level (clear).
struct probe_payloads {
  deck_message raise;
  deck_message clear;
};
std::vector<probe_payloads> make_probe_payloads(const bench_district& d, std::uint64_t seed);

}  // namespace campus::bench
