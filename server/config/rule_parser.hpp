// Reads the `rules:` list of a district file into rule definitions, checking each rule's
// settings for its kind and that what it matches (families, zone types, sites, devices) exists.
#pragma once

#include <yaml-cpp/yaml.h>

#include <vector>

#include "config/district.hpp"
#include "config/yaml_reader.hpp"
#include "rules/rule.hpp"

namespace campus::config {

class rule_parser {
 public:
  // `d` holds the sites and devices already read; problems go to `r`.
  rule_parser(yaml_reader& r, const district& d) : r_(r), district_(d) {}

  void parse(const YAML::Node& list, std::vector<rules::rule_def>& out);

 private:
  void parse_rule(const YAML::Node& n, const std::string& path, rules::rule_def& out);
  void parse_levels(const YAML::Node& n, const std::string& path, rules::rule_def& out);
  void parse_windows(const YAML::Node& n, const std::string& path, rules::rule_def& out);
  // `clear_after` of threshold and dwell rules: 0s (clear at once) … 1h, default
  // rules::default_clear_after; an error on any other kind.
  void parse_clear_after(const YAML::Node& n, const std::string& path, rules::rule_def& out);

  static constexpr core::duration max_clear_after{std::chrono::hours{1}};

  yaml_reader& r_;
  const district& district_;
};

}  // namespace campus::config
