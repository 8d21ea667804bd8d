#include "net/send_queue.hpp"

namespace campus::net {

void send_queue::account(const entry& e, int delta) {
  if (e.counted) keyed_ += delta;
  if (!e.k) unkeyed_ += delta;
}

send_queue::push_result send_queue::push(message m, key k, bool key_bounded) {
  if (k && k->empty()) k = nullptr;
  if (k && !bulk_.empty()) {
    const auto it = by_key_.find(*k);
    if (it != by_key_.end()) {
      bulk_[it->second - bulk_.front().seq].payload = std::move(m);
      return push_result::coalesced;
    }
  }
  const bool counted = k && !key_bounded;
  if (!k) {
    if (unkeyed_ >= limit_) return push_result::overflow;
  } else if (counted && keyed_ >= keyed_limit_) {
    return push_result::dropped;
  }
  // Bulk entries are numbered among themselves: urgent ones pushed in between leave no gaps.
  entry e{std::move(m), std::move(k), 0, counted};
  if (e.k) e.seq = next_seq_++;
  account(e, +1);
  // The first entry is written at once, so it never becomes a coalescing target.
  if (!front_) {
    front_ = std::move(e);
    return push_result::started;
  }
  if (!e.k) {
    urgent_.push_back(std::move(e));
  } else {
    by_key_[*e.k] = e.seq;  // the view points into the shared string the entry keeps
    bulk_.push_back(std::move(e));
  }
  return push_result::queued;
}

void send_queue::pop() {
  account(*front_, -1);
  front_.reset();
  if (!urgent_.empty()) {
    front_ = std::move(urgent_.front());
    urgent_.pop_front();
  } else if (!bulk_.empty()) {
    // It starts being written now: it must no longer be replaced in place. Erased before the
    // entry leaves the deque: the map's key views its string.
    by_key_.erase(*bulk_.front().k);
    front_ = std::move(bulk_.front());
    bulk_.pop_front();
  }
}

void send_queue::drop_pending() {
  by_key_.clear();
  urgent_.clear();
  bulk_.clear();
  keyed_ = front_ && front_->counted ? 1 : 0;
  unkeyed_ = front_ && !front_->k ? 1 : 0;
}

}  // namespace campus::net
