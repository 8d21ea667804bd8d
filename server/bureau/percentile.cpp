#include "bureau/percentile.hpp"

#include <algorithm>

namespace campus::bureau {

std::optional<std::int64_t> nearest_rank(std::vector<std::int64_t> values, int pct) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const auto n = static_cast<std::int64_t>(values.size());
  // ceil(pct · n / 100) in integers, so 90 % of 10 is exactly rank 9.
  std::int64_t rank = (pct * n + 99) / 100;
  rank = std::clamp<std::int64_t>(rank, 1, n);
  return values[static_cast<std::size_t>(rank - 1)];
}

}  // namespace campus::bureau
