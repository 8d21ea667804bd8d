// Reads a district configuration (YAML) and checks it. Every error is reported, each with its
// file, line, setting and the bad value, so `campus-shield check-config` can list them all.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "config/district.hpp"

namespace campus::config {

struct config_error {
  std::string file;
  int line = 0;          // 1-based; 0 when unknown
  std::string setting;   // path of the setting, e.g. "devices[3].family"
  std::string message;

  std::string to_string() const;  // "file:line: setting: message"
};

using load_result = std::expected<district, std::vector<config_error>>;

load_result load_file(const std::filesystem::path& file);
load_result load_string(const std::string& yaml, const std::string& file_name = "<string>");

}  // namespace campus::config
