// Typed access to a YAML document that records every problem with its location instead of
// stopping at the first, so a configuration check lists all errors at once.
#pragma once

#include <yaml-cpp/yaml.h>

#include <boost/json/value.hpp>

#include <initializer_list>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "core/reading.hpp"

namespace campus::config {

class yaml_reader {
 public:
  explicit yaml_reader(std::string file) : file_(std::move(file)) {}

  void error(const YAML::Node& at, const std::string& setting, const std::string& message);
  void error_at_line(int line, const std::string& setting, const std::string& message);
  // The whole text of a configuration file, or the error naming it (for the district loader
  // and the sections read from the same file by other modules).
  static std::expected<std::string, std::vector<config_error>> read_file(
      const std::filesystem::path& file);
  // Parses a whole document; a syntax error is recorded (with its line) and gives nullopt.
  std::optional<YAML::Node> load(const std::string& text);
  std::vector<config_error> take_errors() { return std::move(errors_); }
  bool ok() const { return errors_.empty(); }
  const std::string& file() const { return file_; }

  // Reports keys of `map` that are not in `known` (catches typos such as "thresold").
  void check_keys(const YAML::Node& map, const std::string& path,
                  std::initializer_list<const char*> known);

  // Each accessor reports a wrong type or a missing required value and returns nullopt.
  std::optional<std::string> string(const YAML::Node& map, const char* key,
                                    const std::string& path, bool required);
  std::optional<double> number(const YAML::Node& map, const char* key, const std::string& path,
                               bool required);
  std::optional<long long> integer(const YAML::Node& map, const char* key,
                                   const std::string& path, bool required);
  std::optional<bool> boolean(const YAML::Node& map, const char* key, const std::string& path,
                              bool required);
  // "500ms", "30s", "10m", "6h", "7d"
  std::optional<core::duration> duration(const YAML::Node& map, const char* key,
                                         const std::string& path, bool required);
  // "HH:MM" → minutes after midnight; "24:00" allowed as an end
  std::optional<int> time_of_day(const YAML::Node& map, const char* key, const std::string& path,
                                 bool required);
  std::vector<std::string> string_list(const YAML::Node& map, const char* key,
                                       const std::string& path);

  // A YAML subtree as JSON, for adapter options. Quoted scalars stay strings; plain scalars
  // become null, booleans, integers or numbers where they read as such.
  boost::json::value to_json(const YAML::Node& node);

  static std::optional<core::duration> parse_duration(const std::string& text);

 private:
  std::string file_;
  std::vector<config_error> errors_;
};

std::string join_path(const std::string& path, const std::string& key);
std::string index_path(const std::string& path, std::size_t i);

}  // namespace campus::config
