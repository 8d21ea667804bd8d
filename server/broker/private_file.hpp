// Writing a file that holds secrets: created with mode 0600 from the first byte (never
// world-readable, whatever the umask), written to a temporary name in the same directory and
// renamed over the old one, so a reader sees the old file or the new one, never half of it.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace campus::broker {

// Writes `content` to `file` as described; `mode` is applied exactly (0600 by default). The
// error names the file and the system's reason.
std::expected<void, std::string> write_private_file(const std::filesystem::path& file,
                                                    std::string_view content,
                                                    unsigned mode = 0600);

}  // namespace campus::broker
