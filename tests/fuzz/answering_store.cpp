#include "answering_store.hpp"

namespace campus::fuzz {

void answering_store::query(history::series_query q, history::query_handler done) {
  history::series s{q.device, q.metric, q.subject, "%LEL", {}};
  // Two buckets at the range's start: one numeric, one of a state metric (count only).
  s.buckets.push_back({q.from, 1.5, 2.25, 3.0, 4});
  if (q.to - q.from > q.step) s.buckets.push_back({q.from + q.step, {}, {}, {}, 2});
  done(std::move(s));
}

}  // namespace campus::fuzz
