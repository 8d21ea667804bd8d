// The crash journal: every MQTT message, written to a file in the data directory before it is
// handled, so that a message the broker has already been told we have is not lost when the
// server is killed.
//
// Why: libmosquitto acknowledges a QoS 1 message before it hands it to us. In 2.0.11,
// handle__publish (lib/handle_publish.c) calls send__puback first and the message callback
// after it; without a thread of its own (mosquitto_threaded_set(false), as mqtt_client does)
// and outside a callback, packet__queue (lib/packet_mosq.c) writes the PUBACK to the socket at
// once. The broker then forgets the message, while the readings wait in the history store's
// memory queue and the alerts in the ledger's: "acknowledge after commit" is not available.
// So each message is appended here, with one writev(2) on the ingest loop, before the
// pipeline sees it. A write into the page cache survives a crash of this process (kill -9, an
// abort); only a power loss or a kernel crash can take it, and for those a thread of the
// journal's own calls fdatasync on what was written once every sync_interval (1 s). The loop
// never waits for the disk beyond that write(2), which copies into the page cache: the one
// accepted exception to "no blocking call on the loop".
//
// Segments: files `segment-<20-digit sequence>.journal` in `dir`, each an append-only run of
// records (journal_record.hpp). The segment being written is sealed once it holds
// segment_bytes or is segment_age old, and each seal asks every barrier (the history store's
// when_durable, the incident desk's when_recorded) to say when what was handed to it before
// the seal is committed. Once all have answered, the sealed segments are deleted by the
// journal's thread. A seal happens before the next message is written, on the appending
// thread: every message of a sealed segment has been handled (its readings and alerts handed
// on) before the barriers are asked. The next segment file is made ahead of time by the
// journal's thread, so a seal only swaps two descriptors.
//
// Start: the segments left by the previous run are read back by replay(), oldest first, and
// trimmed once the barriers cover what they fed again. Replayed messages that had been stored
// already are duplicates, as a QoS 1 redelivery is: the stores keep one copy (docs/reliability.md).
//
// History from the journal: while the history store cannot keep up, the application stops
// handing it readings and lets the journal hold them instead (hold()): every message stays in
// its segment, the segments from the one where holding began are kept whatever the barriers
// say (a pin), and read_held() hands the held messages back, oldest first, at the pace the
// store takes them. Once the reader has caught up with the appends, stop_holding() ends it
// and release() (after the store has made what it was handed durable) lets the segments go.
// So the readings of a history outage wait on disk, not in memory, and alarms are handled as
// their messages arrive instead of waiting at the broker.
//
// Handled and stored: a barrier says either that what it was handed is recorded (the incident
// desk: kind `handling`) or stored (history: kind `storage`). The highest segment every
// handling barrier covered is written to the file `handled` in the directory by the journal's
// thread; at the next start, replay(…, replay_mode::hold_for_history) hands only the messages
// of later segments to the pipeline again (the earlier ones were handled: handing them again
// would raise their alarms twice), and holds every segment left for history.
//
// Failure: a message that cannot be written (disk full, or the journal over max_bytes because
// nothing commits) is still handled; append() says false, the failure is counted
// (campus_journal_append_failures_total), logged at a bounded rate, and readiness reports the
// part "journal" until writes succeed again. A torn record (a crash in the middle of a write,
// or a short write on a full disk, which is cut back when possible) is skipped at replay.
//
// Threads: append(), seal_if_due() and replay() on one thread (the ingest loop); sync(),
// close() anywhere but that loop; the barriers may answer on any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/readiness.hpp"
#include "journal/journal_record.hpp"

namespace campus::journal {

class message_journal {
 public:
  struct options {
    std::filesystem::path dir;                      // created if missing
    std::uint64_t segment_bytes = 4ull << 20;       // a segment is sealed at this size …
    std::chrono::milliseconds segment_age{2'000};   // … or when it is this old (seal_if_due)
    std::chrono::milliseconds sync_interval{1'000}; // fdatasync of what was written
    std::uint64_t max_bytes = 1ull << 30;           // beyond it, new messages are not journaled
  };

  // Where the reader of held messages stands, or where holding began: a segment and a byte
  // offset in it.
  struct position {
    std::uint64_t seq = 0;
    std::uint64_t offset = 0;
    friend bool operator==(const position&, const position&) = default;
  };

  enum class barrier_kind {
    handling,  // what was handed to it (alert events) is recorded
    storage,   // what was handed to it (readings) is stored
  };

  enum class replay_mode {
    all,               // every message left goes to `each`; nothing is held
    hold_for_history,  // only messages of segments not yet handled go to `each`; every
                       // segment left is held for read_held() (the caller keeps their
                       // readings from history meanwhile)
  };

  // Called on the appending thread at each seal with `done`, which it must call once, on any
  // thread, when everything handed to it before this call is durable. `done` only takes a
  // lock; it may be called before the barrier returns.
  using barrier = std::function<void(std::function<void()> done)>;

  // Creates the directory, lists the segments a previous run left (for replay()), opens a new
  // segment to write and starts the journal's thread. Errors name the path. `metrics` and
  // `readiness` (null: none) must outlive the journal.
  static std::expected<std::unique_ptr<message_journal>, std::string> open(
      options opts, core::metrics& metrics, core::readiness* readiness);

  ~message_journal();  // close()
  message_journal(const message_journal&) = delete;
  message_journal& operator=(const message_journal&) = delete;

  // Before replay() and the first append().
  void add_barrier(barrier b, barrier_kind kind = barrier_kind::handling);

  // Calls `each` for every intact message of the segments found at open, oldest first, then
  // asks the barriers about them (they are deleted once covered). Call once, before the first
  // append(), after everything `each` feeds (the stores, the desk) has started taking work.
  // Returns the number of messages replayed. With replay_mode::hold_for_history, the journal
  // is holding afterwards when any segment was left.
  std::size_t replay(const std::function<void(const journaled_message&)>& each,
                     replay_mode mode = replay_mode::all);

  // Holding (see above); all on the appending thread. hold() begins at the end of what was
  // appended (nothing when already holding): the messages appended from now on are read back
  // by read_held().
  void hold();
  bool holding() const { return holding_; }
  // Hands up to `max` held messages to `each`, oldest first; returns how many. Reads the
  // segment files (from the page cache, mostly) on the calling thread.
  std::size_t read_held(std::size_t max, const std::function<void(const journaled_message&)>& each);
  // Every held message has been read back.
  bool caught_up() const;
  // Ends holding; the segments stay until release().
  void stop_holding();
  // What read_held() handed on is durable: the segments kept for it may go, except those of a
  // hold begun since.
  void release();
  // Whether the segments on disk take less than `share` of max_bytes (a hold may go on).
  bool has_room(double share) const;
  // Bytes in the segments, the one being written included.
  std::uint64_t bytes() const;

  // Writes one message (one writev(2)); true when it is in the page cache. Seals the segment
  // first when it has reached segment_bytes. Call before the message is handled.
  bool append(std::string_view topic, std::string_view payload, core::time_point arrived);

  // Seals the segment being written if it holds messages and is segment_age old. Call on the
  // appending thread, between two messages (the application calls it every second).
  void seal_if_due();

  // Blocks until the journal's thread has run one pass from start to end: what was written is
  // fdatasync'ed, the next segment is ready, covered segments are deleted. Not on the loop.
  void sync();

  // A last pass (as sync()), then stops the thread and closes the files; the segments stay for
  // the next start. Safe to call twice.
  void close();

  // Segment files on disk, the one being written included (a file made ahead is not counted).
  std::size_t segment_files() const;

 private:
  struct state;  // message_journal.cpp; shared with the barriers' callbacks
  explicit message_journal(std::shared_ptr<state> s);
  bool seal();
  void start_round(std::uint64_t through);
  void failed(std::string reason);
  // Buffers the next run of held messages; false when there is none (caught up).
  bool load_held();

  std::shared_ptr<state> state_;
  // The appending thread only.
  std::vector<std::pair<barrier, barrier_kind>> barriers_;
  bool holding_ = false;
  position hold_start_;
  position cursor_;                          // the next byte read_held() reads
  std::vector<journaled_message> buffered_;  // read, not yet handed on
  std::size_t buffered_next_ = 0;
  int active_fd_ = -1;
  std::uint64_t active_seq_ = 0;
  std::uint64_t active_bytes_ = 0;
  std::uint64_t active_records_ = 0;
  std::chrono::steady_clock::time_point active_since_;
  bool failing_ = false;
  std::vector<std::uint64_t> to_replay_;  // segments found at open
};

}  // namespace campus::journal
