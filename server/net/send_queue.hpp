// The outgoing queue of one WebSocket client, bounded so that a client that cannot keep up
// costs a fixed amount of memory. Not thread-safe: it lives on its session's strand.
//
// The front entry is the message being written; the session writes it, then pops it.
//
// Two kinds of message, in two lanes, bounded separately:
//  - Without a key (ledger entries and alerts, notices, snapshots, watch answers): the urgent
//    lane. Never replaced or dropped, and written before any message of the other lane that
//    waits: an alarm overtakes the readings queued for a slow page instead of waiting behind
//    them. In order among themselves. When they would push past `limit`, push() reports
//    overflow and the session closes the client.
//  - With a coalescing key (a reading's device/metric/subject, a school's summary): the bulk
//    lane, in order among themselves. A newer message replaces, in place, a queued one with the
//    same key that has not started to be written — a dashboard only needs the latest value.
//    At most `keyed_limit` such entries wait; a message with a new key beyond that is dropped
//    (push_result::dropped), never a reason to close the client: a slow page is sent less. A
//    message pushed as `key_bounded` (a school's summary: the caller's keys are few, one per
//    school) is never dropped and does not count against that limit, so readings cannot crowd
//    summaries out.
//
// The key is shared, not copied: the hub builds one per reading and every client's queue holds
// the same string; the index looks it up by view.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace campus::net {

class send_queue {
 public:
  using message = std::shared_ptr<const std::string>;
  using key = std::shared_ptr<const std::string>;

  enum class push_result {
    started,    // the queue was empty: the caller starts writing front()
    queued,     // waits behind a write in progress
    coalesced,  // replaced a queued message with the same key
    dropped,    // keyed, new key, `keyed_limit` keyed messages wait already: not queued
    overflow,   // without key, not queued: `limit` such messages wait already
  };

  // `keyed_limit` 0: the same as `limit`.
  explicit send_queue(std::size_t limit, std::size_t keyed_limit = 0)
      : limit_(limit == 0 ? 1 : limit), keyed_limit_(keyed_limit == 0 ? limit_ : keyed_limit) {}

  // `k` null or empty: the message is urgent, never coalesced. `key_bounded`: see above (with a
  // key only).
  push_result push(message m, key k = nullptr, bool key_bounded = false);

  bool empty() const { return !front_; }
  // Messages held, the one being written included.
  std::size_t size() const { return (front_ ? 1 : 0) + urgent_.size() + bulk_.size(); }
  // Keyed messages waiting behind the write in progress (readings and summaries not yet sent).
  std::size_t bulk_waiting() const { return bulk_.size(); }
  std::size_t limit() const { return limit_; }
  std::size_t keyed_limit() const { return keyed_limit_; }
  // The message being written. Precondition: !empty().
  const message& front() const { return front_->payload; }
  // The front message has been written; the next one is the oldest urgent message, or else the
  // oldest keyed one. Precondition: !empty().
  void pop();
  // Drops everything except the message being written (the connection is closing).
  void drop_pending();

 private:
  struct entry {
    message payload;
    key k;              // null in the urgent lane
    std::uint64_t seq;  // keyed: its number among keyed entries, for the index
    bool counted;       // one of the keyed_ entries (a key, not key_bounded)
  };

  void account(const entry& e, int delta);

  std::size_t limit_;
  std::size_t keyed_limit_;
  std::size_t keyed_ = 0;    // entries counted against keyed_limit_, the front included
  std::size_t unkeyed_ = 0;  // entries without a key, the front included
  std::optional<entry> front_;
  std::deque<entry> urgent_;
  std::deque<entry> bulk_;
  std::uint64_t next_seq_ = 0;  // the next keyed entry's number
  // Key → sequence number of the bulk entry holding it (never the front); its index is its seq
  // minus the first bulk entry's seq, so coalescing costs no scan. The views point into the
  // entries' own key strings, which live as long as the entries.
  std::unordered_map<std::string_view, std::uint64_t> by_key_;
};

}  // namespace campus::net
