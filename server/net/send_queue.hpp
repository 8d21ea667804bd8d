// The outgoing queue of one WebSocket client, bounded so that a client that cannot keep up
// costs a fixed amount of memory. Not thread-safe: it lives on its session's strand.
//
// The front entry is the message being written; the session writes it, then pops it.
// A message with a coalescing key (a reading's device/metric/subject) replaces, in place, a
// queued message with the same key that has not started to be written: a dashboard only needs
// the latest value. Messages without a key (alerts) are never replaced or dropped; when they
// would push the queue past its limit, push() reports overflow and the session closes.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace campus::net {

class send_queue {
 public:
  using message = std::shared_ptr<const std::string>;

  enum class push_result {
    started,    // the queue was empty: the caller starts writing front()
    queued,     // appended behind a write in progress
    coalesced,  // replaced a queued message with the same key
    overflow,   // not queued: the queue holds `limit` messages already
  };

  explicit send_queue(std::size_t limit) : limit_(limit == 0 ? 1 : limit) {}

  // `key` empty: the message is never coalesced.
  push_result push(message m, std::string_view key = {});

  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  std::size_t limit() const { return limit_; }
  // The message being written. Precondition: !empty().
  const message& front() const { return entries_.front().payload; }
  // The front message has been written. Precondition: !empty().
  void pop();
  // Drops everything except the message being written (the connection is closing).
  void drop_pending();

 private:
  struct entry {
    message payload;
    std::string key;
    std::uint64_t seq;
  };

  std::size_t limit_;
  std::deque<entry> entries_;
  std::uint64_t next_seq_ = 0;
  // Key → sequence number of the queued (not yet being written) entry holding it; the entry's
  // index is its seq minus the front's seq, so coalescing costs no scan.
  std::unordered_map<std::string, std::uint64_t> by_key_;
};

}  // namespace campus::net
