#include "notify/sms/smstools_gateway.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "notify/sms/phone_number.hpp"
#include "notify/sms/smstools_spool_file.hpp"

namespace campus::notify::sms {

namespace fs = std::filesystem;

namespace {

core::time_point wall_now() { return core::system_clock{}.now(); }

std::string errno_text(int e) { return std::strerror(e); }

bool exists_no_throw(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::expected<std::string, std::string> read_small_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(fmt::format("cannot read {}", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::expected<std::unique_ptr<smstools_gateway>, std::string> smstools_gateway::open(
    smstools_settings s) {
  if (s.spool_dir.empty()) return std::unexpected("smstools: spool_dir is empty");
  auto under = [&](std::string& dir, const char* name) {
    if (dir.empty()) dir = (fs::path(s.spool_dir) / name).string();
  };
  under(s.outgoing_dir, "outgoing");
  under(s.sent_dir, "sent");
  under(s.failed_dir, "failed");
  under(s.staging_dir, "campus-staging");
  if (s.poll_interval.count() <= 0)
    return std::unexpected(
        fmt::format("smstools: poll_interval must be positive: {} ms", s.poll_interval.count()));
  for (const auto* dir : {&s.outgoing_dir, &s.sent_dir, &s.failed_dir}) {
    std::error_code ec;
    if (!fs::is_directory(*dir, ec))
      return std::unexpected(
          fmt::format("smstools: spool directory {} does not exist "
                      "(is smstools installed and configured?)",
                      *dir));
  }
  if (::access(s.outgoing_dir.c_str(), W_OK | X_OK) != 0)
    return std::unexpected(
        fmt::format("smstools: cannot write to {}: {}", s.outgoing_dir, errno_text(errno)));
  std::error_code ec;
  fs::create_directories(s.staging_dir, ec);
  if (ec)
    return std::unexpected(fmt::format("smstools: cannot create staging directory {}: {}",
                                       s.staging_dir, ec.message()));
  struct stat out_st {
  }, stage_st{};
  if (::stat(s.outgoing_dir.c_str(), &out_st) != 0 || ::stat(s.staging_dir.c_str(), &stage_st) != 0)
    return std::unexpected(fmt::format("smstools: cannot stat {} or {}: {}", s.outgoing_dir,
                                       s.staging_dir, errno_text(errno)));
  if (out_st.st_dev != stage_st.st_dev)
    return std::unexpected(fmt::format(
        "smstools: staging directory {} is not on the filesystem of {}; rename would not be "
        "atomic",
        s.staging_dir, s.outgoing_dir));
  return std::unique_ptr<smstools_gateway>(new smstools_gateway(std::move(s)));
}

smstools_gateway::smstools_gateway(smstools_settings settings)
    : settings_(std::move(settings)), stamp_(core::to_epoch_ms(wall_now())) {
  boost::asio::post(thread_.context(), [this] { arm_timer(); });
}

smstools_gateway::~smstools_gateway() {
  // Join first: the timer and the pending map are used by handlers on that thread.
  thread_.stop();
}

void smstools_gateway::send(sms_message message, delivery_callback on_result) {
  // The bound is checked here, on the caller's thread, so a burst cannot queue unbounded work.
  if (accepted_.fetch_add(1) >= settings_.max_pending) {
    accepted_.fetch_sub(1);
    if (on_result)
      on_result({message.id, delivery_status::failed,
                 fmt::format("smstools: {} messages already pending", settings_.max_pending),
                 wall_now()});
    return;
  }
  boost::asio::post(thread_.context(),
                    [this, m = std::move(message), cb = std::move(on_result)]() mutable {
                      write(std::move(m), std::move(cb));
                    });
}

void smstools_gateway::write(sms_message message, delivery_callback on_result) {
  auto fail = [&](std::string reason) {
    accepted_.fetch_sub(1);
    core::log(core::log_level::warn, "sms {} to {} failed: {}", message.id, message.to, reason);
    if (on_result) on_result({message.id, delivery_status::failed, std::move(reason), wall_now()});
  };
  auto number = to_smstools_number(message.to);
  if (!number) return fail(number.error());
  auto file_name = spool_file_name(stamp_, next_seq_++, message.id);
  if (auto w = write_atomically(file_name, compose_spool_file(*number, message.text)); !w)
    return fail(w.error());
  // Counted before the callback runs, so a caller reacting to `queued` sees it pending.
  auto [it, inserted] = pending_.emplace(
      file_name,
      pending_message{message.id, std::move(on_result), std::chrono::steady_clock::now()});
  pending_count_.store(pending_.size());
  if (it->second.on_result)
    it->second.on_result({message.id, delivery_status::queued, file_name, wall_now()});
}

std::expected<void, std::string> smstools_gateway::write_atomically(const std::string& file_name,
                                                                    const std::string& content) {
  auto staged = (fs::path(settings_.staging_dir) / file_name).string();
  auto target = (fs::path(settings_.outgoing_dir) / file_name).string();
  // 0644: smsd often runs as its own user ("smsd" on Debian) and must read the file.
  int fd = ::open(staged.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return std::unexpected(fmt::format("create {}: {}", staged, errno_text(errno)));
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    auto n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto e = errno;
      ::close(fd);
      ::unlink(staged.c_str());
      return std::unexpected(fmt::format("write {}: {}", staged, errno_text(e)));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  // fsync before rename: after a power cut smsd must find either nothing or the whole file.
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    auto e = errno;
    ::unlink(staged.c_str());
    return std::unexpected(fmt::format("flush {}: {}", staged, errno_text(e)));
  }
  if (::rename(staged.c_str(), target.c_str()) != 0) {
    auto e = errno;
    ::unlink(staged.c_str());
    return std::unexpected(fmt::format("rename into {}: {}", target, errno_text(e)));
  }
  return {};
}

void smstools_gateway::arm_timer() {
  timer_.expires_after(settings_.poll_interval);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // operation_aborted: the gateway is stopping
    scan();
    arm_timer();
  });
}

void smstools_gateway::scan() {
  auto now = std::chrono::steady_clock::now();
  // Outcomes are reported after the map and counters are updated, so that a callback sees
  // the message no longer pending.
  std::vector<std::pair<delivery_callback, delivery_result>> outcomes;
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto& p = it->second;
    auto outcome = check_outcome(it->first, p);
    if (!outcome && now - p.queued_at >= settings_.give_up_after) {
      auto reason = fmt::format(
          "no outcome from smsd within {} s (is smsd running?); the file {} stays in the spool "
          "and may still be sent",
          std::chrono::duration_cast<std::chrono::seconds>(settings_.give_up_after).count(),
          it->first);
      core::log(core::log_level::warn, "sms {}: {}", p.id, reason);
      outcome = delivery_result{p.id, delivery_status::failed, reason, wall_now()};
    }
    if (outcome) {
      outcomes.emplace_back(std::move(p.on_result), std::move(*outcome));
      it = pending_.erase(it);
      accepted_.fetch_sub(1);
    } else {
      ++it;
    }
  }
  pending_count_.store(pending_.size());
  for (auto& [callback, result] : outcomes)
    if (callback) callback(result);
}

std::optional<delivery_result> smstools_gateway::check_outcome(const std::string& file_name,
                                                               const pending_message& p) {
  for (bool sent : {true, false}) {
    auto dir = fs::path(sent ? settings_.sent_dir : settings_.failed_dir);
    auto path = (dir / file_name).string();
    if (!exists_no_throw(path)) continue;
    // smsd holds "<name>.LOCK" while it is still moving the file; look again next tick.
    if (exists_no_throw(path + ".LOCK")) return std::nullopt;
    auto content = read_small_file(path);
    if (!content) return std::nullopt;  // vanished or unreadable for a moment; try again next tick
    auto headers = parse_spool_headers(*content);
    auto header = [&](const char* name) {
      auto h = headers.find(name);
      return h == headers.end() ? std::string{} : h->second;
    };
    delivery_result r{p.id, sent ? delivery_status::sent : delivery_status::failed, {}, wall_now()};
    if (sent) {
      r.reason = fmt::format("sent by modem {} at {}", header("Modem"), header("Sent"));
    } else {
      auto why = header("Fail_reason");
      r.reason = why.empty() ? std::string("smsd moved the message to failed/ without a reason")
                             : "smsd: " + why;
      core::log(core::log_level::warn, "sms {} failed: {}", p.id, r.reason);
    }
    return r;
  }
  return std::nullopt;
}

}  // namespace campus::notify::sms
