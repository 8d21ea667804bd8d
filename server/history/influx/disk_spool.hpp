// The on-disk buffer of batches that could not be written to InfluxDB yet: a FIFO that survives
// restarts and crashes.
//
// Layout: a directory of segment files `segment-<20-digit sequence>.spool`, each an append-only
// run of records, and a `cursor` file naming the first record not yet delivered. A record is
//
//   magic "CSP1" (4 bytes) | body length (u32 LE) | CRC-32 of the body (u32 LE) |
//   body: created (i64 LE, epoch ms) | points (u32 LE) | line protocol text
//
// Every push is written and fdatasync'ed before it returns: the spool exists for the hours when
// the database is away, which are also when a power cut or a kill would otherwise take the
// page cache with it. A record torn by a crash (short, bad magic, bad CRC) is found by the
// CRC on open, logged and skipped with the rest of its segment; later segments are kept.
//
// Bounded: when a push would take the spool over max_bytes, the oldest segments are deleted
// (their undelivered bytes are counted in dropped_bytes() and logged as errors).
//
// Not thread-safe: the store uses it from its own thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>

namespace campus::history {

class disk_spool {
 public:
  struct options {
    std::uint64_t max_bytes = 1ull << 30;      // all segment files together
    std::uint64_t segment_bytes = 8ull << 20;  // a segment is closed once it reaches this size
  };

  struct record {
    std::int64_t created_ms = 0;  // when the batch was started (for the oldest-unsent age)
    std::uint32_t points = 0;
    std::string lines;  // line protocol, '\n'-terminated lines
  };

  // Creates the directory if needed, scans the segments (validating every record) and opens
  // for appending. Errors: the directory or a file cannot be created or read.
  static std::expected<disk_spool, std::string> open(std::filesystem::path dir, options opts);

  disk_spool(disk_spool&&) noexcept;
  disk_spool& operator=(disk_spool&&) noexcept;
  ~disk_spool();

  // Appends the record durably. Errors: a write or fsync failed (disk full); a record larger
  // than max_bytes is refused and counted as dropped.
  std::expected<void, std::string> push(const record& r);

  // The oldest undelivered record, read from disk; nullopt when empty. Errors: it cannot be
  // read back (then it is skipped by the next pop()).
  std::optional<std::expected<record, std::string>> front();

  // The front record was delivered (or given up): moves the cursor past it and deletes
  // segments that are fully delivered.
  void pop();

  bool empty() const { return index_.empty(); }
  std::size_t records() const { return index_.size(); }
  std::uint64_t points() const { return points_; }
  // Bytes of undelivered records on disk (framing included).
  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t dropped_bytes() const { return dropped_bytes_; }
  std::optional<std::int64_t> oldest_created_ms() const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  struct entry {
    std::uint64_t segment;
    std::uint64_t offset;  // of the record's header
    std::uint32_t size;    // header + body
    std::uint32_t points;
    std::int64_t created_ms;
  };

  disk_spool(std::filesystem::path dir, options opts);
  std::expected<void, std::string> scan();
  std::expected<void, std::string> scan_segment(std::uint64_t seq, std::uint64_t from);
  std::expected<void, std::string> start_segment();
  void drop_oldest_segment();
  void remove_segment(std::uint64_t seq);
  void write_cursor();
  std::filesystem::path segment_path(std::uint64_t seq) const;

  std::filesystem::path dir_;
  options opts_;
  std::deque<entry> index_;             // undelivered records, oldest first
  std::deque<std::uint64_t> segments_;  // segment files present, oldest first
  int active_fd_ = -1;                  // the segment being appended to (the last of segments_)
  std::uint64_t active_seq_ = 0;
  std::uint64_t active_size_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t file_bytes_ = 0;  // sum of the sizes of all segment files
  std::uint64_t bytes_ = 0;
  std::uint64_t points_ = 0;
  std::uint64_t dropped_bytes_ = 0;
  int cursor_fd_ = -1;
};

}  // namespace campus::history
