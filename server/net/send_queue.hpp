// The outgoing queue of one WebSocket client, bounded so that a client that cannot keep up
// costs a fixed amount of memory. Not thread-safe: it lives on its session's strand.
//
// The front entry is the message being written; the session writes it, then pops it.
//
// Two kinds of message, bounded separately:
//  - With a coalescing key (a reading's device/metric/subject, a school's summary): a newer
//    message replaces, in place, a queued one with the same key that has not started to be
//    written — a dashboard only needs the latest value. At most `keyed_limit` such entries
//    wait; a message with a new key beyond that is dropped (push_result::dropped), never a
//    reason to close the client: a slow page is sent less. A message pushed as `key_bounded`
//    (a school's summary: the caller's keys are few, one per school) is never dropped and
//    does not count against that limit, so readings cannot crowd summaries out.
//  - Without a key (ledger entries, notices, snapshots): never replaced or dropped; when they
//    would push past `limit`, push() reports overflow and the session closes the client.
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
    dropped,    // keyed, new key, `keyed_limit` keyed messages wait already: not queued
    overflow,   // without key, not queued: `limit` such messages wait already
  };

  // `keyed_limit` 0: the same as `limit`.
  explicit send_queue(std::size_t limit, std::size_t keyed_limit = 0)
      : limit_(limit == 0 ? 1 : limit), keyed_limit_(keyed_limit == 0 ? limit_ : keyed_limit) {}

  // `key` empty: the message is never coalesced. `key_bounded`: see above (with a key only).
  push_result push(message m, std::string_view key = {}, bool key_bounded = false);

  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  std::size_t limit() const { return limit_; }
  std::size_t keyed_limit() const { return keyed_limit_; }
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
    bool counted;  // one of the keyed_ entries (a key, not key_bounded)
  };

  std::size_t limit_;
  std::size_t keyed_limit_;
  std::size_t keyed_ = 0;     // entries counted against keyed_limit_, the front included
  std::size_t unkeyed_ = 0;   // entries without a key, the front included
  std::deque<entry> entries_;
  std::uint64_t next_seq_ = 0;
  // Key → sequence number of the queued (not yet being written) entry holding it; the entry's
  // index is its seq minus the front's seq, so coalescing costs no scan.
  std::unordered_map<std::string, std::uint64_t> by_key_;
};

}  // namespace campus::net
