#include "broker/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace campus::broker {

std::expected<void, std::string> write_private_file(const std::filesystem::path& file,
                                                    std::string_view content, unsigned mode) {
  auto fail = [&](const std::string& what) -> std::expected<void, std::string> {
    return std::unexpected(what + " " + file.string() + ": " + std::strerror(errno));
  };
  const std::filesystem::path temp = file.string() + ".new";
  ::unlink(temp.c_str());  // a leftover from an interrupted run; O_EXCL below needs it gone
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return fail("cannot create");
  // open() applied the umask; fchmod sets exactly `mode` (e.g. 0644 for a non-secret file).
  bool ok = ::fchmod(fd, static_cast<mode_t>(mode)) == 0;
  for (std::size_t done = 0; ok && done < content.size();) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), file.c_str()) != 0) {
    if (ok) saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    return fail("cannot write");
  }
  return {};
}

}  // namespace campus::broker
