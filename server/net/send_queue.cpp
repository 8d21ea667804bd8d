#include "net/send_queue.hpp"

namespace campus::net {

send_queue::push_result send_queue::push(message m, std::string_view key, bool key_bounded) {
  if (!key.empty() && !entries_.empty()) {
    const auto it = by_key_.find(std::string(key));
    if (it != by_key_.end()) {
      // by_key_ never points at the front (it is erased when its entry starts being written).
      auto& e = entries_[it->second - entries_.front().seq];
      e.payload = std::move(m);
      return push_result::coalesced;
    }
  }
  const bool counted = !key.empty() && !key_bounded;
  if (key.empty()) {
    if (unkeyed_ >= limit_) return push_result::overflow;
  } else if (counted && keyed_ >= keyed_limit_) {
    return push_result::dropped;
  }
  const bool was_empty = entries_.empty();
  const std::uint64_t seq = next_seq_++;
  // The first entry is written at once, so it never becomes a coalescing target.
  if (!key.empty() && !was_empty) by_key_[std::string(key)] = seq;
  if (counted) ++keyed_;
  if (key.empty()) ++unkeyed_;
  entries_.push_back(entry{std::move(m), std::string(key), seq, counted});
  return was_empty ? push_result::started : push_result::queued;
}

void send_queue::pop() {
  if (entries_.front().counted) --keyed_;
  if (entries_.front().key.empty()) --unkeyed_;
  entries_.pop_front();
  // The new front starts being written now: it must no longer be replaced in place.
  if (!entries_.empty() && !entries_.front().key.empty()) {
    const auto it = by_key_.find(entries_.front().key);
    if (it != by_key_.end() && it->second == entries_.front().seq) by_key_.erase(it);
  }
}

void send_queue::drop_pending() {
  if (entries_.size() > 1) entries_.erase(entries_.begin() + 1, entries_.end());
  keyed_ = !entries_.empty() && entries_.front().counted ? 1 : 0;
  unkeyed_ = !entries_.empty() && entries_.front().key.empty() ? 1 : 0;
  by_key_.clear();
}

}  // namespace campus::net
