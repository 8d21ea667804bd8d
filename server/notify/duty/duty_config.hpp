// Reads the `duty:` section of a district configuration: people, weekly shifts, dated overrides
// and the escalation policy per colour. Every problem is reported with its file, line and
// setting path (config::config_error), like the rest of the configuration.
#pragma once

#include <yaml-cpp/yaml.h>

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "config/district.hpp"
#include "config/loader.hpp"
#include "config/yaml_reader.hpp"
#include "notify/duty/duty_plan.hpp"
#include "notify/duty/escalation_policy.hpp"

namespace campus::notify::duty {

struct duty_settings {
  duty_plan plan;                 // site_time_zones filled from the district
  escalation_policy escalation;   // escalation_policy::seed_default() when not configured
};

using duty_result = std::expected<duty_settings, std::vector<config::config_error>>;

// Reads `duty` (the value of the `duty:` key; may be undefined: no people, the seed policy),
// recording errors in `reader`; the result is meaningful only if the reader gained no errors.
// For the district loader, which shares one reader across sections.
duty_settings read_duty(const YAML::Node& duty, const config::district& district,
                        config::yaml_reader& reader);

// A whole document whose top level holds `duty:` (the district file).
duty_result load_duty_string(const std::string& yaml, const config::district& district,
                             const std::string& file_name = "<string>");
duty_result load_duty_file(const std::filesystem::path& file, const config::district& district);

// "+" then 8 to 15 digits, the first not 0.
bool is_e164(std::string_view phone);

}  // namespace campus::notify::duty
