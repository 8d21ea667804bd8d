// Nearest-rank percentiles, as the monthly report defines them: sorted values v[0..n-1],
// pXX = v[ceil(XX/100 · n) − 1]; none of an empty set.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace campus::bureau {

// `pct` in (0, 100]. `values` need not be sorted.
std::optional<std::int64_t> nearest_rank(std::vector<std::int64_t> values, int pct);

}  // namespace campus::bureau
