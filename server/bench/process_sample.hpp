// What /proc says about a process: CPU seconds used (user + system, from /proc/<pid>/stat)
// and resident memory (VmRSS from /proc/<pid>/status).
#pragma once

#include <sys/types.h>

#include <optional>

namespace campus::bench {

std::optional<double> cpu_seconds(pid_t pid);
std::optional<double> rss_mib(pid_t pid);

}  // namespace campus::bench
