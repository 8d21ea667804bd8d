#include "journal/message_journal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "core/segment_file.hpp"

namespace campus::journal {
namespace {

using core::log;
using core::log_level;

constexpr std::string_view suffix = ".journal";

std::filesystem::path segment_path(const std::filesystem::path& dir, std::uint64_t seq) {
  return dir / core::segment_file_name(seq, suffix);
}

std::optional<std::uint64_t> segment_seq(const std::filesystem::path& p) {
  return core::segment_file_seq(p.filename().string(), suffix);
}

int open_segment(const std::filesystem::path& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

// A new directory entry survives a power loss only once the directory itself is synced.
bool sync_dir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::expected<std::string, std::string> read_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  std::string data;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return std::unexpected(fmt::format("cannot read {}: {}", path.string(), std::strerror(err)));
    }
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

}  // namespace

// What the journal's thread and the barriers' callbacks share with the appending thread.
struct message_journal::state {
  state(options o, core::metrics& m, core::readiness* r)
      : opts(std::move(o)),
        appends(m.get("campus_journal_appends_total")),
        failures(m.get("campus_journal_append_failures_total")),
        sync_failures(m.get("campus_journal_sync_failures_total")),
        replayed(m.get("campus_journal_replayed_total")),
        damaged(m.get("campus_journal_damaged_bytes_total")),
        bytes_gauge(m.get("campus_journal_bytes")),
        segments_gauge(m.get("campus_journal_segments")),
        readiness(r) {}

  const options opts;
  core::metrics::counter& appends;
  core::metrics::counter& failures;
  core::metrics::counter& sync_failures;
  core::metrics::counter& replayed;
  core::metrics::counter& damaged;
  core::metrics::counter& bytes_gauge;
  core::metrics::counter& segments_gauge;
  core::readiness* readiness;
  core::log_rate_limiter failure_log;
  std::atomic<std::uint64_t> sealed_bytes{0};  // segments on disk but the one being written

  std::mutex mutex;                  // guards what follows
  std::condition_variable wake;      // the thread: a seal, a covered round, sync(), stop
  std::condition_variable passed;    // sync(): a pass ended
  int active_fd = -1;                // the appending thread's segment, for fdatasync
  std::uint64_t active_seq = 0;
  std::optional<std::pair<std::uint64_t, int>> spare;  // the next segment, made ahead
  bool spare_wanted = true;
  std::vector<int> sealed_fds;       // to sync once more, then close
  std::map<std::uint64_t, std::uint64_t> sealed;  // sealed segments on disk → their bytes
  std::uint64_t next_seq = 1;
  // Every barrier of that kind covered the segments up to this one.
  std::uint64_t handled_through = 0;
  std::uint64_t stored_through = 0;
  std::uint64_t handled_written = 0;     // what the file `handled` says
  std::optional<std::uint64_t> pin;      // segments from this one stay (held for history)
  bool trim_wanted = false;
  bool sync_wanted = false;
  bool stopping = false;
  std::uint64_t passes_started = 0;
  std::uint64_t passes_done = 0;

  std::mutex health_mutex;           // guards the two problems
  std::string write_problem;         // set by the appending thread
  std::string sync_problem;          // set by the journal's thread

  std::thread thread;

  void set_problem(std::string state::*which, std::string problem) {
    std::lock_guard lock(health_mutex);
    if (this->*which == problem) return;
    this->*which = std::move(problem);
    if (!readiness) return;
    const std::string& now = write_problem.empty() ? sync_problem : write_problem;
    if (now.empty())
      readiness->clear("journal");
    else
      readiness->report("journal", now);
  }

  void covered(message_journal::barrier_kind kind, std::uint64_t through) {
    {
      std::lock_guard lock(mutex);
      auto& mark = kind == message_journal::barrier_kind::handling ? handled_through
                                                                    : stored_through;
      mark = std::max(mark, through);
      trim_wanted = true;
    }
    wake.notify_all();
  }

  // Under the lock: the sealed segments that may go.
  std::vector<std::uint64_t> deletable() const {
    std::vector<std::uint64_t> out;
    const std::uint64_t through = std::min(handled_through, stored_through);
    for (const auto& [seq, bytes] : sealed)
      if (seq <= through && (!pin || seq < *pin)) out.push_back(seq);
    return out;
  }

  // The journal's thread: `handled` replaced by a new file (a crash leaves the old or the new
  // one, both true; a stale one only makes the next start hand more messages to the pipeline).
  void write_handled(std::uint64_t through) {
    const auto path = opts.dir / "handled";
    const auto temporary = opts.dir / "handled.tmp";
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    const std::string text = std::to_string(through) + "\n";
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok || ::rename(temporary.c_str(), path.c_str()) != 0)
      log(log_level::warn, "journal: cannot write {}: {}", path.string(), std::strerror(errno));
  }

  void run() {
    std::unique_lock lock(mutex);
    for (;;) {
      wake.wait_for(lock, opts.sync_interval, [&] {
        return stopping || sync_wanted || trim_wanted || (spare_wanted && !spare);
      });
      ++passes_started;
      sync_wanted = trim_wanted = spare_wanted = false;
      const bool stop = stopping;
      const int active = active_fd;
      std::vector<int> to_close;
      to_close.swap(sealed_fds);
      const bool make_spare = !spare && !stop;
      const std::uint64_t spare_seq = make_spare ? next_seq++ : 0;
      const std::vector<std::uint64_t> doomed = deletable();
      const std::uint64_t handled = handled_through;
      const bool write_mark = handled > handled_written;
      lock.unlock();

      // Before any segment it covers is deleted.
      if (write_mark) write_handled(handled);

      // Power loss: what the appending thread wrote reaches the disk here, once a pass.
      std::string problem;
      for (int fd : to_close) {
        if (::fdatasync(fd) != 0) problem = std::strerror(errno);
        ::close(fd);
      }
      if (active >= 0 && ::fdatasync(active) != 0) problem = std::strerror(errno);
      std::optional<std::pair<std::uint64_t, int>> made;
      if (make_spare) {
        const auto path = segment_path(opts.dir, spare_seq);
        int fd = open_segment(path);
        if (fd >= 0 && sync_dir(opts.dir)) {
          made.emplace(spare_seq, fd);
        } else {
          // The appending thread goes on writing the segment it has; tried again next pass.
          long suppressed = 0;
          if (failure_log.allow(suppressed))
            log(log_level::error, "journal: cannot make the next segment {}: {} ({} similar suppressed)",
                path.string(), std::strerror(errno), suppressed);
          if (fd >= 0) ::close(fd);
        }
      }
      for (std::uint64_t seq : doomed) {
        std::error_code ec;
        std::filesystem::remove(segment_path(opts.dir, seq), ec);
        if (ec) log(log_level::warn, "journal: cannot delete segment {}: {}", seq, ec.message());
      }
      if (!problem.empty()) {
        sync_failures.inc();
        set_problem(&state::sync_problem,
                    fmt::format("cannot fdatasync the crash journal in {}: {}; a power loss "
                                "could lose acknowledged messages", opts.dir.string(), problem));
      } else {
        set_problem(&state::sync_problem, {});
      }

      lock.lock();
      if (write_mark) handled_written = std::max(handled_written, handled);
      if (made) spare = made;
      std::uint64_t freed = 0;
      for (std::uint64_t seq : doomed) {
        freed += sealed[seq];
        sealed.erase(seq);
      }
      sealed_bytes -= freed;
      segments_gauge.set(static_cast<std::int64_t>(sealed.size() + (active_fd >= 0 ? 1 : 0)));
      ++passes_done;
      passed.notify_all();
      if (stop) return;
    }
  }
};

std::expected<std::unique_ptr<message_journal>, std::string> message_journal::open(
    options opts, core::metrics& metrics, core::readiness* readiness) {
  metrics.describe("campus_journal_appends_total", "counter",
                   "MQTT messages written to the crash journal before being handled.");
  metrics.describe("campus_journal_append_failures_total", "counter",
                   "MQTT messages handled without being journaled (disk full, journal over its "
                   "limit): a crash would lose them.");
  metrics.describe("campus_journal_sync_failures_total", "counter",
                   "Failed fdatasync passes of the crash journal.");
  metrics.describe("campus_journal_replayed_total", "counter",
                   "Journaled messages handled again at start.");
  metrics.describe("campus_journal_damaged_bytes_total", "counter",
                   "Journal bytes skipped at start: records torn by a crash or a failed write.");
  metrics.describe("campus_journal_bytes", "gauge", "Bytes in the crash journal's segments.");
  metrics.describe("campus_journal_segments", "gauge", "Segment files of the crash journal.");

  std::error_code ec;
  std::filesystem::create_directories(opts.dir, ec);
  if (ec) return std::unexpected(fmt::format("crash journal {}: {}", opts.dir.string(), ec.message()));
  auto s = std::make_shared<state>(std::move(opts), metrics, readiness);

  std::vector<std::uint64_t> found;
  for (const auto& e : std::filesystem::directory_iterator(s->opts.dir, ec))
    if (auto seq = segment_seq(e.path())) found.push_back(*seq);
  if (ec) return std::unexpected(fmt::format("crash journal {}: {}", s->opts.dir.string(), ec.message()));
  std::sort(found.begin(), found.end());
  std::uint64_t found_bytes = 0;
  for (std::uint64_t seq : found) {
    const auto size = std::filesystem::file_size(segment_path(s->opts.dir, seq), ec);
    s->sealed[seq] = ec ? 0 : size;
    found_bytes += ec ? 0 : size;
  }
  s->sealed_bytes = found_bytes;
  s->next_seq = found.empty() ? 1 : found.back() + 1;
  if (auto mark = read_file(s->opts.dir / "handled")) {
    try {
      s->handled_written = std::stoull(*mark);
    } catch (const std::exception&) {
      log(log_level::warn, "journal: {} is damaged; every segment left is handled again",
          (s->opts.dir / "handled").string());
    }
  }

  std::unique_ptr<message_journal> j(new message_journal(s));
  j->to_replay_ = std::move(found);
  j->active_seq_ = s->next_seq++;
  const auto first = segment_path(s->opts.dir, j->active_seq_);
  j->active_fd_ = open_segment(first);
  if (j->active_fd_ < 0)
    return std::unexpected(fmt::format("crash journal: cannot create {}: {}", first.string(), std::strerror(errno)));
  sync_dir(s->opts.dir);
  s->active_fd = j->active_fd_;
  s->active_seq = j->active_seq_;
  s->thread = std::thread([s] { s->run(); });
  return j;
}

message_journal::message_journal(std::shared_ptr<state> s) : state_(std::move(s)) {}

message_journal::~message_journal() { close(); }

void message_journal::add_barrier(barrier b, barrier_kind kind) {
  barriers_.emplace_back(std::move(b), kind);
}

std::size_t message_journal::replay(const std::function<void(const journaled_message&)>& each,
                                    replay_mode mode) {
  std::size_t count = 0;
  std::uint64_t damaged = 0;
  std::uint64_t handled = 0;
  {
    std::lock_guard lock(state_->mutex);
    handled = state_->handled_written;
  }
  const bool hold_them = mode == replay_mode::hold_for_history && !to_replay_.empty();
  if (hold_them) {
    holding_ = true;
    hold_start_ = cursor_ = {to_replay_.front(), 0};
    std::lock_guard lock(state_->mutex);
    state_->pin = to_replay_.front();
  }
  std::size_t skipped = 0;
  for (std::uint64_t seq : to_replay_) {
    if (hold_them && seq <= handled) {
      ++skipped;  // handled before the stop: read back for history only
      continue;
    }
    const auto path = segment_path(state_->opts.dir, seq);
    auto data = read_file(path);
    if (!data) {
      log(log_level::error, "journal: {}; its messages are not replayed", data.error());
      continue;
    }
    auto decoded = decode_segment(*data);
    damaged += decoded.damaged_bytes;
    if (decoded.damaged_bytes > 0)
      log(log_level::warn, "journal: {}: {} bytes torn or damaged, skipped", path.string(),
          decoded.damaged_bytes);
    for (const auto& m : decoded.messages) {
      each(m);
      ++count;
    }
  }
  state_->replayed.inc(count);
  state_->damaged.inc(damaged);
  if (!to_replay_.empty()) {
    log(log_level::info, "journal: {} messages replayed from {} segments in {}{}", count,
        to_replay_.size() - skipped, state_->opts.dir.string(),
        hold_them ? fmt::format("; the readings of all {} segments left are read back into "
                                "history ({} were handled before the stop)",
                                to_replay_.size(), skipped)
                  : std::string());
    start_round(to_replay_.back());
  }
  to_replay_.clear();
  return count;
}

bool message_journal::append(std::string_view topic, std::string_view payload,
                             core::time_point arrived) {
  if (active_bytes_ >= state_->opts.segment_bytes) seal();
  const std::uint64_t size = record_size(topic, payload);
  if (state_->sealed_bytes.load() + active_bytes_ + size > state_->opts.max_bytes) {
    failed(fmt::format("the crash journal in {} holds {} MiB, its limit is {} MiB: history or "
                       "the ledger has not committed for a while; messages are handled but not "
                       "journaled",
                       state_->opts.dir.string(),
                       (state_->sealed_bytes.load() + active_bytes_) >> 20,
                       state_->opts.max_bytes >> 20));
    return false;
  }
  std::array<char, record_head_size> head;
  auto iov = encode_record(topic, payload, arrived, head);
  // One writev(2) almost always; the loop only finishes a write the kernel cut short.
  std::size_t written = 0;
  int first = 0;
  errno = 0;
  while (written < size) {
    ssize_t n = ::writev(active_fd_, iov.data() + first, 3 - first);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
    auto left = static_cast<std::size_t>(n);
    while (first < 3 && left >= iov[first].iov_len) left -= iov[first++].iov_len;
    if (first < 3) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  if (written == size) {
    if (active_records_++ == 0) active_since_ = std::chrono::steady_clock::now();
    active_bytes_ += size;
    state_->appends.inc();
    state_->bytes_gauge.set(static_cast<std::int64_t>(state_->sealed_bytes.load() + active_bytes_));
    if (failing_) {
      failing_ = false;
      state_->set_problem(&state::write_problem, {});
      log(log_level::info, "journal: messages are journaled again");
    }
    return true;
  }
  const int err = errno != 0 ? errno : ENOSPC;  // a write of 0 bytes: no room
  // Cut a torn record back (O_APPEND: the next one goes where it started); replay would skip
  // it anyway.
  if (written > 0 && ::ftruncate(active_fd_, static_cast<off_t>(active_bytes_)) != 0)
    active_bytes_ += written;
  failed(fmt::format("cannot write the crash journal in {}: {}; messages are handled, but a "
                     "crash would lose those acknowledged since",
                     state_->opts.dir.string(), std::strerror(err)));
  return false;
}

void message_journal::failed(std::string reason) {
  state_->failures.inc();
  long suppressed = 0;
  if (state_->failure_log.allow(suppressed))
    log(log_level::error, "journal: {} ({} similar suppressed)", reason, suppressed);
  if (!failing_) {
    failing_ = true;
    state_->set_problem(&state::write_problem, std::move(reason));
  }
}

void message_journal::seal_if_due() {
  if (active_records_ == 0) return;
  if (active_bytes_ >= state_->opts.segment_bytes ||
      std::chrono::steady_clock::now() - active_since_ >= state_->opts.segment_age)
    seal();
}

bool message_journal::seal() {
  const std::uint64_t sealed_seq = active_seq_;
  {
    std::lock_guard lock(state_->mutex);
    // No next segment yet (the thread is making it, or cannot): go on with this one.
    if (!state_->spare || state_->stopping) return false;
    state_->sealed_fds.push_back(active_fd_);
    state_->sealed[sealed_seq] = active_bytes_;
    state_->sealed_bytes += active_bytes_;
    std::tie(active_seq_, active_fd_) = *state_->spare;
    state_->spare.reset();
    state_->spare_wanted = true;
    state_->active_fd = active_fd_;
    state_->active_seq = active_seq_;
  }
  state_->wake.notify_all();
  active_bytes_ = 0;
  active_records_ = 0;
  start_round(sealed_seq);
  return true;
}

void message_journal::start_round(std::uint64_t through) {
  // Every barrier answers once; the last answer of each kind covers up to `through` for it.
  struct round {
    std::atomic<std::size_t> handling{1};
    std::atomic<std::size_t> storage{1};
  };
  auto r = std::make_shared<round>();
  for (const auto& [b, kind] : barriers_)
    ++(kind == barrier_kind::handling ? r->handling : r->storage);
  auto one_done = [s = state_, r, through](barrier_kind kind) {
    auto& pending = kind == barrier_kind::handling ? r->handling : r->storage;
    if (pending.fetch_sub(1) == 1) s->covered(kind, through);
  };
  for (auto& [b, kind] : barriers_) b([one_done, k = kind] { one_done(k); });
  // The round's own share: no barrier may finish it while others are asked.
  one_done(barrier_kind::handling);
  one_done(barrier_kind::storage);
}

void message_journal::hold() {
  if (holding_) return;
  holding_ = true;
  hold_start_ = cursor_ = {active_seq_, active_bytes_};
  buffered_.clear();
  buffered_next_ = 0;
  std::lock_guard lock(state_->mutex);
  if (!state_->pin || *state_->pin > active_seq_) state_->pin = active_seq_;
}

bool message_journal::load_held() {
  buffered_.clear();
  buffered_next_ = 0;
  for (;;) {
    std::uint64_t end = 0;
    std::optional<std::uint64_t> next;
    if (cursor_.seq == active_seq_) {
      end = active_bytes_;
    } else {
      std::lock_guard lock(state_->mutex);
      const auto at = state_->sealed.find(cursor_.seq);
      end = at != state_->sealed.end() ? at->second : 0;
      const auto after = state_->sealed.upper_bound(cursor_.seq);
      next = after != state_->sealed.end() ? after->first : active_seq_;
    }
    if (cursor_.offset < end) {
      const auto path = segment_path(state_->opts.dir, cursor_.seq);
      std::string data(end - cursor_.offset, '\0');
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      std::size_t got = 0;
      while (fd >= 0 && got < data.size()) {
        const ssize_t n = ::pread(fd, data.data() + got, data.size() - got,
                                  static_cast<off_t>(cursor_.offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
      }
      if (fd >= 0) ::close(fd);
      if (got < data.size())
        log(log_level::error, "journal: cannot read back {} for history ({} of {} bytes): {}",
            path.string(), got, data.size(), std::strerror(errno));
      data.resize(got);
      auto decoded = decode_segment(data);
      if (decoded.damaged_bytes > 0) state_->damaged.inc(decoded.damaged_bytes);
      cursor_.offset = end;
      buffered_ = std::move(decoded.messages);
      if (!buffered_.empty()) return true;
      continue;
    }
    if (!next) return false;  // the segment being written: caught up with it
    cursor_ = {*next, 0};
  }
}

std::size_t message_journal::read_held(
    std::size_t max, const std::function<void(const journaled_message&)>& each) {
  std::size_t handed = 0;
  while (holding_ && handed < max) {
    if (buffered_next_ == buffered_.size() && !load_held()) break;
    each(buffered_[buffered_next_++]);
    ++handed;
  }
  return handed;
}

bool message_journal::caught_up() const {
  return buffered_next_ == buffered_.size() && cursor_ == position{active_seq_, active_bytes_};
}

void message_journal::stop_holding() {
  holding_ = false;
  buffered_.clear();
  buffered_next_ = 0;
}

void message_journal::release() {
  {
    std::lock_guard lock(state_->mutex);
    if (holding_) {
      state_->pin = hold_start_.seq;
    } else {
      state_->pin.reset();
    }
    state_->trim_wanted = true;
  }
  state_->wake.notify_all();
}

bool message_journal::has_room(double share) const {
  return static_cast<double>(bytes()) < share * static_cast<double>(state_->opts.max_bytes);
}

std::uint64_t message_journal::bytes() const { return state_->sealed_bytes.load() + active_bytes_; }

void message_journal::sync() {
  std::unique_lock lock(state_->mutex);
  if (!state_->thread.joinable() || state_->stopping) return;
  const std::uint64_t target = state_->passes_started + 1;
  state_->sync_wanted = true;
  state_->wake.notify_all();
  state_->passed.wait(lock, [&] { return state_->passes_done >= target || state_->stopping; });
}

void message_journal::close() {
  if (!state_->thread.joinable()) return;
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  state_->thread.join();
  std::lock_guard lock(state_->mutex);
  if (active_fd_ >= 0) ::close(active_fd_);
  active_fd_ = state_->active_fd = -1;
  if (state_->spare) {  // made ahead and still empty
    ::close(state_->spare->second);
    std::error_code ec;
    std::filesystem::remove(segment_path(state_->opts.dir, state_->spare->first), ec);
    state_->spare.reset();
  }
}

std::size_t message_journal::segment_files() const {
  std::lock_guard lock(state_->mutex);
  return state_->sealed.size() + (active_fd_ >= 0 ? 1 : 0);
}

}  // namespace campus::journal
