// Typed access to a YAML document that records every problem with its location instead of
// stopping at the first, so a configuration check lists all errors at once.
//
// Mistakes a person makes in a file are named as such: a key written twice in a mapping is an
// error naming both lines (yaml-cpp keeps both entries and its lookups find the first, so the
// second `port:` would be ignored without a word); an unknown key close to a known one gets
// "did you mean `threshold`?", and the key it stands for is then not reported missing as well.
#pragma once

#include <yaml-cpp/yaml.h>

#include <boost/json/value.hpp>

#include <initializer_list>
#include <expected>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <utility>
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
  // Parses a whole document; a syntax error is recorded (with its line) and gives nullopt. A
  // key repeated in any mapping is recorded too ("duplicate key `port` at line 12 (first at
  // line 9)"); the document is still returned, so the rest is checked as well.
  std::optional<YAML::Node> load(const std::string& text);
  std::vector<config_error> take_errors() { return std::move(errors_); }
  bool ok() const { return errors_.empty(); }
  const std::string& file() const { return file_; }

  // Reports keys of `map` that are not in `known` (catches typos such as "thresold"). A key
  // within a few edits of a known key that `map` lacks is reported as "did you mean
  // `threshold`?" and remembered: missing() then says nothing more about `threshold` there.
  // Call it before reading the mapping's values.
  void check_keys(const YAML::Node& map, const std::string& path,
                  std::initializer_list<const char*> known);

  // Reports that `key`, required in `map`, is absent (`setting`: `message`), unless
  // check_keys already reported a misspelling of it in that mapping: one mistake, one error.
  void missing(const YAML::Node& map, const char* key, const std::string& setting,
               const std::string& message);
  // True when check_keys took an unknown key of `map` for `key`.
  bool misspelt(const YAML::Node& map, const char* key) const;

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
  // Every mapping under `node` (at `path`), at any depth: each key once.
  void check_duplicate_keys(const YAML::Node& node, const std::string& path);

  struct misspelling {
    YAML::Node map;     // the mapping holding the unknown key
    std::string known;  // the known key it was taken for
  };

  std::string file_;
  std::vector<config_error> errors_;
  std::vector<misspelling> misspellings_;
  std::set<std::pair<int, int>> duplicates_seen_;  // line, column: an aliased mapping once
};

std::string join_path(const std::string& path, const std::string& key);
std::string index_path(const std::string& path, std::size_t i);

}  // namespace campus::config
