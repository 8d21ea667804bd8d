#include "history/influx/disk_spool.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "core/segment_file.hpp"

namespace campus::history {
namespace {

constexpr char magic[4] = {'C', 'S', 'P', '1'};
constexpr std::size_t header_size = 12;  // magic, length, crc
constexpr std::size_t body_head = 12;    // created_ms, points
constexpr std::size_t cursor_size = 20;  // seq, offset, crc

void put_u32(std::string& out, std::uint32_t v) {
  char b[4];
  core::put_le32(b, v);
  out.append(b, 4);
}
void put_u64(std::string& out, std::uint64_t v) {
  char b[8];
  core::put_le64(b, v);
  out.append(b, 8);
}
using core::get_le32;
using core::get_le64;
std::uint32_t crc_of(const char* p, std::size_t n) {
  return static_cast<std::uint32_t>(
      ::crc32(::crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(p), static_cast<uInt>(n)));
}

std::string errno_text(const std::string& what, const std::filesystem::path& p) {
  return fmt::format("{} {}: {}", what, p.string(), std::strerror(errno));
}

bool write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool read_all(int fd, char* p, std::size_t n, off_t at) {
  while (n > 0) {
    ssize_t r = ::pread(fd, p, n, at);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    at += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// A new directory entry is durable only once the directory itself is synced.
void sync_dir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::optional<std::uint64_t> segment_seq(const std::filesystem::path& p) {
  return core::segment_file_seq(p.filename().string(), ".spool");
}

}  // namespace

disk_spool::disk_spool(std::filesystem::path dir, options opts)
    : dir_(std::move(dir)), opts_(opts) {
  // A segment must leave room for others under the bound, or dropping "the oldest" would
  // mean dropping everything.
  opts_.segment_bytes =
      std::max<std::uint64_t>(1, std::min(opts_.segment_bytes, opts_.max_bytes / 4));
}

disk_spool::disk_spool(disk_spool&& o) noexcept { *this = std::move(o); }

disk_spool& disk_spool::operator=(disk_spool&& o) noexcept {
  if (this == &o) return *this;
  if (active_fd_ >= 0) ::close(active_fd_);
  if (cursor_fd_ >= 0) ::close(cursor_fd_);
  dir_ = std::move(o.dir_);
  opts_ = o.opts_;
  index_ = std::move(o.index_);
  segments_ = std::move(o.segments_);
  active_fd_ = std::exchange(o.active_fd_, -1);
  active_seq_ = o.active_seq_;
  active_size_ = o.active_size_;
  next_seq_ = o.next_seq_;
  file_bytes_ = o.file_bytes_;
  bytes_ = o.bytes_;
  points_ = o.points_;
  dropped_bytes_ = o.dropped_bytes_;
  cursor_fd_ = std::exchange(o.cursor_fd_, -1);
  return *this;
}

disk_spool::~disk_spool() {
  if (active_fd_ >= 0) ::close(active_fd_);
  if (cursor_fd_ >= 0) ::close(cursor_fd_);
}

std::expected<disk_spool, std::string> disk_spool::open(std::filesystem::path dir, options opts) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return std::unexpected(fmt::format("spool directory {}: {}", dir.string(), ec.message()));
  disk_spool s(std::move(dir), opts);
  if (auto ok = s.scan(); !ok) return std::unexpected(ok.error());
  return s;
}

std::filesystem::path disk_spool::segment_path(std::uint64_t seq) const {
  return dir_ / core::segment_file_name(seq, ".spool");
}

std::expected<void, std::string> disk_spool::scan() {
  const auto cursor_file = dir_ / "cursor";
  cursor_fd_ = ::open(cursor_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (cursor_fd_ < 0) return std::unexpected(errno_text("cannot open", cursor_file));
  std::uint64_t cursor_seq = 0, cursor_offset = 0;
  char c[cursor_size];
  if (read_all(cursor_fd_, c, cursor_size, 0)) {
    if (get_le32(c + 16) == crc_of(c, 16)) {
      cursor_seq = get_le64(c);
      cursor_offset = get_le64(c + 8);
    } else {
      // Only a crash in the middle of a 20-byte write gets here; records are then delivered
      // again from the oldest segment, which InfluxDB stores once (same series and time).
      core::log(core::log_level::warn, "spool {}: damaged cursor, replaying from the start",
                dir_.string());
    }
  }

  std::vector<std::uint64_t> found;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec))
    if (auto seq = segment_seq(e.path())) found.push_back(*seq);
  if (ec)
    return std::unexpected(fmt::format("spool directory {}: {}", dir_.string(), ec.message()));
  std::sort(found.begin(), found.end());

  for (std::uint64_t seq : found) {
    next_seq_ = std::max(next_seq_, seq + 1);
    if (seq < cursor_seq) {  // delivered before a crash that came before its deletion
      std::filesystem::remove(segment_path(seq), ec);
      continue;
    }
    segments_.push_back(seq);
    file_bytes_ += std::filesystem::file_size(segment_path(seq), ec);
    if (auto ok = scan_segment(seq, seq == cursor_seq ? cursor_offset : 0); !ok) return ok;
  }
  // Segments without anything left to deliver go now, so the directory mirrors the queue.
  while (!segments_.empty() && (index_.empty() || segments_.front() < index_.front().segment))
    remove_segment(segments_.front());
  if (!index_.empty())
    core::log(core::log_level::info, "spool {}: {} batches ({} points, {} bytes) to replay",
              dir_.string(), index_.size(), points_, bytes_);
  return {};
}

std::expected<void, std::string> disk_spool::scan_segment(std::uint64_t seq, std::uint64_t from) {
  const auto path = segment_path(seq);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(errno_text("cannot open", path));
  struct stat st {};
  ::fstat(fd, &st);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  std::string data(size, '\0');
  bool ok = size == 0 || read_all(fd, data.data(), size, 0);
  ::close(fd);
  if (!ok) return std::unexpected(errno_text("cannot read", path));

  std::uint64_t at = from;
  while (at < size) {
    const char* h = data.data() + at;
    std::string_view why;
    std::uint32_t len = 0;
    if (size - at < header_size) {
      why = "short header";
    } else if (std::memcmp(h, magic, 4) != 0) {
      why = "bad magic";
    } else if (len = get_le32(h + 4); len < body_head || len > size - at - header_size) {
      why = "length beyond the end";
    } else if (get_le32(h + 8) != crc_of(h + header_size, len)) {
      why = "CRC mismatch";
    }
    if (!why.empty()) {
      core::log(core::log_level::error,
                "spool {}: torn or corrupt record at offset {} ({}); skipping its last {} bytes",
                path.string(), at, why, size - at);
      break;
    }
    const char* body = h + header_size;
    entry e{seq, at, static_cast<std::uint32_t>(header_size + len), get_le32(body + 8),
            static_cast<std::int64_t>(get_le64(body))};
    index_.push_back(e);
    bytes_ += e.size;
    points_ += e.points;
    at += e.size;
  }
  return {};
}

std::expected<void, std::string> disk_spool::start_segment() {
  if (active_fd_ >= 0) ::close(active_fd_);
  active_fd_ = -1;
  const std::uint64_t seq = next_seq_++;
  const auto path = segment_path(seq);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return std::unexpected(errno_text("cannot create", path));
  sync_dir(dir_);
  active_fd_ = fd;
  active_seq_ = seq;
  active_size_ = 0;
  segments_.push_back(seq);
  return {};
}

std::expected<void, std::string> disk_spool::push(const record& r) {
  std::string frame;
  frame.reserve(header_size + body_head + r.lines.size());
  frame.append(magic, 4);
  put_u32(frame, static_cast<std::uint32_t>(body_head + r.lines.size()));
  put_u32(frame, 0);  // CRC, filled below
  put_u64(frame, static_cast<std::uint64_t>(r.created_ms));
  put_u32(frame, r.points);
  frame += r.lines;
  const std::uint32_t crc = crc_of(frame.data() + header_size, frame.size() - header_size);
  for (int i = 0; i < 4; ++i) frame[8 + i] = static_cast<char>((crc >> (8 * i)) & 0xff);

  if (frame.size() > opts_.max_bytes || frame.size() > UINT32_MAX) {
    dropped_bytes_ += frame.size();
    return std::unexpected(fmt::format("a batch of {} bytes is larger than the whole spool ({})",
                                       frame.size(), opts_.max_bytes));
  }
  if (active_fd_ < 0 || (active_size_ > 0 && active_size_ + frame.size() > opts_.segment_bytes))
    if (auto ok = start_segment(); !ok) return ok;
  while (file_bytes_ + frame.size() > opts_.max_bytes && segments_.size() > 1)
    drop_oldest_segment();

  if (!write_all(active_fd_, frame.data(), frame.size()) || ::fdatasync(active_fd_) != 0) {
    auto why = errno_text("cannot write", segment_path(active_seq_));
    // Cut the partial record off, and leave this segment: nothing may follow a torn record.
    if (::ftruncate(active_fd_, static_cast<off_t>(active_size_)) != 0) {
      core::log(core::log_level::error, "{}",
                errno_text("cannot truncate", segment_path(active_seq_)));
    }
    ::close(active_fd_);
    active_fd_ = -1;
    return std::unexpected(why);
  }
  index_.push_back(entry{active_seq_, active_size_, static_cast<std::uint32_t>(frame.size()),
                         r.points, r.created_ms});
  active_size_ += frame.size();
  file_bytes_ += frame.size();
  bytes_ += frame.size();
  points_ += r.points;
  return {};
}

std::optional<std::expected<disk_spool::record, std::string>> disk_spool::front() {
  if (index_.empty()) return std::nullopt;
  const entry& e = index_.front();
  const auto path = segment_path(e.segment);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(errno_text("cannot open", path));
  std::string data(e.size, '\0');
  bool ok = read_all(fd, data.data(), e.size, static_cast<off_t>(e.offset));
  ::close(fd);
  if (!ok) return std::unexpected(errno_text("cannot read", path));
  if (get_le32(data.data() + 8) != crc_of(data.data() + header_size, e.size - header_size))
    return std::unexpected(
        fmt::format("{}: record at offset {} no longer matches its CRC", path.string(), e.offset));
  record r;
  r.created_ms = e.created_ms;
  r.points = e.points;
  r.lines.assign(data, header_size + body_head);
  return r;
}

void disk_spool::pop() {
  if (index_.empty()) return;
  const entry done = index_.front();
  index_.pop_front();
  bytes_ -= done.size;
  points_ -= done.points;
  if (index_.empty()) {
    // Everything delivered: no segment is needed any more, the next push starts a new one.
    if (active_fd_ >= 0) ::close(active_fd_);
    active_fd_ = -1;
    while (!segments_.empty()) remove_segment(segments_.front());
  } else {
    while (segments_.front() < index_.front().segment) remove_segment(segments_.front());
  }
  write_cursor();
}

void disk_spool::write_cursor() {
  std::uint64_t seq = next_seq_, offset = 0;
  if (!index_.empty()) {
    seq = index_.front().segment;
    offset = index_.front().offset;
  }
  std::string c;
  put_u64(c, seq);
  put_u64(c, offset);
  put_u32(c, crc_of(c.data(), 16));
  if (::pwrite(cursor_fd_, c.data(), c.size(), 0) != static_cast<ssize_t>(c.size()) ||
      ::fdatasync(cursor_fd_) != 0)
    core::log(core::log_level::error, "{}", errno_text("cannot write", dir_ / "cursor"));
}

void disk_spool::drop_oldest_segment() {
  const std::uint64_t seq = segments_.front();
  std::uint64_t lost_bytes = 0, lost_points = 0, lost_batches = 0;
  while (!index_.empty() && index_.front().segment == seq) {
    lost_bytes += index_.front().size;
    lost_points += index_.front().points;
    ++lost_batches;
    bytes_ -= index_.front().size;
    points_ -= index_.front().points;
    index_.pop_front();
  }
  dropped_bytes_ += lost_bytes;
  core::log(core::log_level::error,
            "spool {} is full ({} bytes max): dropped its oldest segment, {} batches, {} points, "
            "{} bytes of readings LOST",
            dir_.string(), opts_.max_bytes, lost_batches, lost_points, lost_bytes);
  remove_segment(seq);
}

void disk_spool::remove_segment(std::uint64_t seq) {
  const auto path = segment_path(seq);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) file_bytes_ -= std::min(file_bytes_, static_cast<std::uint64_t>(size));
  std::filesystem::remove(path, ec);
  if (ec)
    core::log(core::log_level::warn, "spool: cannot remove {}: {}", path.string(), ec.message());
  segments_.erase(std::find(segments_.begin(), segments_.end(), seq));
  if (seq == active_seq_ && active_fd_ >= 0) {
    ::close(active_fd_);
    active_fd_ = -1;
  }
}

std::optional<std::int64_t> disk_spool::oldest_created_ms() const {
  if (index_.empty()) return std::nullopt;
  return index_.front().created_ms;
}

}  // namespace campus::history
