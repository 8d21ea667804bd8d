// The rule engine's pending state on disk (rule_engine::save_pending / load_pending): one small
// text file in the data directory, replaced whole on every save. Blocking file calls: the
// application writes from a thread of its own, never from the loop.
#pragma once

#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace campus::rules {

// Replaces `file` with `text`: written to `file`.new, fdatasync'ed, renamed over `file`, and
// the directory fsync'ed, so a crash or a power cut leaves the old file or the new one, never
// half of one. On failure the temporary file is removed; the error names the call and path.
std::expected<void, std::string> write_rule_state(const std::filesystem::path& file,
                                                  std::string_view text);

// The file's text; nullopt when it does not exist (a first start). An error names the path.
std::expected<std::optional<std::string>, std::string> read_rule_state(
    const std::filesystem::path& file);

}  // namespace campus::rules
