// The payload deck's messages as the server reads them: each message parsed by its device's
// adapter (adapters/, the same objects the ingest pipeline builds), giving the readings the
// history writer would receive for it. The history phase writes these to InfluxDB twice, once
// through a plain client and once through the server's writer, so both carry the same points.
#pragma once

#include <cstddef>
#include <vector>

#include "bench/bench_district.hpp"
#include "bench/payload_deck.hpp"
#include "core/reading.hpp"

namespace campus::bench {

class reading_deck {
 public:
  // Every message of `deck` (every slice, in order); a message an adapter refuses is counted,
  // not kept (the deck comes from the devices' own models, so none should be).
  static reading_deck make(const bench_district& d, payload_deck& deck);

  // The readings of one message each, in deck order.
  const std::vector<std::vector<core::reading>>& messages() const { return messages_; }
  std::size_t points() const { return points_; }
  std::size_t refused() const { return refused_; }
  // From the earliest to one second past the latest timestamp: shifting every reading by a
  // multiple of it gives points that never overwrite another round's.
  core::duration span() const { return span_; }

 private:
  std::vector<std::vector<core::reading>> messages_;
  std::size_t points_ = 0;
  std::size_t refused_ = 0;
  core::duration span_{1000};
};

}  // namespace campus::bench
