// What the figures read of the history store: per device, the hours in which it stored
// readings and how many (history_store::activity with a 1 h step, re-keyed by the caller).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/reading.hpp"

namespace campus::bureau {

// One device's buckets: (start of a whole hour, readings stored in it ≥ 1), in time order, each
// hour once. A flat vector: a district month is ten thousand devices × 744 hours, where a map
// node per hour would cost four times the memory.
class hour_counts {
 public:
  using bucket = std::pair<core::time_point, std::int64_t>;
  using const_iterator = std::vector<bucket>::const_iterator;

  // The count of the hour starting at `start`, added (at its place) when missing.
  std::int64_t& operator[](core::time_point start) {
    auto it = std::lower_bound(buckets_.begin(), buckets_.end(), start,
                               [](const bucket& b, core::time_point t) { return b.first < t; });
    if (it == buckets_.end() || it->first != start) it = buckets_.insert(it, bucket{start, 0});
    return it->second;
  }
  // The first bucket starting at or after `t`.
  const_iterator lower_bound(core::time_point t) const {
    return std::lower_bound(buckets_.begin(), buckets_.end(), t,
                            [](const bucket& b, core::time_point at) { return b.first < at; });
  }
  const_iterator begin() const { return buckets_.begin(); }
  const_iterator end() const { return buckets_.end(); }
  std::size_t size() const { return buckets_.size(); }
  void reserve(std::size_t n) { buckets_.reserve(n); }

 private:
  std::vector<bucket> buckets_;
};

// device id → its buckets. A device without readings is absent.
using hourly_activity = std::map<std::string, hour_counts, std::less<>>;

}  // namespace campus::bureau
