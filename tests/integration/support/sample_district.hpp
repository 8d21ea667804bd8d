// The sample district (config/district.yaml) as a test needs it: a copy in the test's
// directory with some settings changed (a shorter escalation step, a shorter wait), and the
// lines of the log SMS gateway a server wrote.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "support/temp_dir.hpp"

namespace campus::test {

// Writes `dir`/district.yaml: the sample with each `from` replaced by its `to` (the first
// occurrence; throws std::runtime_error naming a `from` the sample lacks), and its dashboards
// folder made absolute, since the copy does not live beside them.
std::filesystem::path write_sample_district(
    const temp_dir& dir, const std::vector<std::pair<std::string, std::string>>& changes);

// The phone (third tab-separated field) of each line of a log gateway's file, in order.
std::vector<std::string> phones_in_sms_log(const std::filesystem::path& sms_log);

}  // namespace campus::test
