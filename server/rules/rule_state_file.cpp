#include "rules/rule_state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace campus::rules {

namespace {

std::string failed(std::string_view call, const std::filesystem::path& path, int error) {
  return fmt::format("{} {}: {}", call, path.string(), std::strerror(error));
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const auto n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::expected<void, std::string> write_rule_state(const std::filesystem::path& file,
                                                  std::string_view text) {
  const std::filesystem::path temp = file.string() + ".new";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(failed("open", temp, errno));
  if (!write_all(fd, text) || ::fdatasync(fd) != 0) {
    const int e = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return std::unexpected(failed("write", temp, e));
  }
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(temp.c_str());
    return std::unexpected(failed("close", temp, e));
  }
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    const int e = errno;
    ::unlink(temp.c_str());
    return std::unexpected(failed("rename to", file, e));
  }
  // The rename itself is durable once the directory is.
  const auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return std::unexpected(failed("open", dir, errno));
  const bool synced = ::fsync(dfd) == 0;
  const int e = errno;
  ::close(dfd);
  if (!synced) return std::unexpected(failed("fsync", dir, e));
  return {};
}

std::expected<std::optional<std::string>, std::string> read_rule_state(
    const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return std::unexpected(failed("open", file, errno));
  }
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      return std::unexpected(failed("read", file, e));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>{std::move(text)};
}

}  // namespace campus::rules
