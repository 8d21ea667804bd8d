// Reads the `compliance:` section of a district file (docs/bureau.md): the district's target,
// the reporting window, and which device families each zone type must have.
#pragma once

#include <yaml-cpp/yaml.h>

#include "config/district.hpp"
#include "config/yaml_reader.hpp"

namespace campus::config {

class compliance_parser {
 public:
  explicit compliance_parser(yaml_reader& r) : r_(r) {}

  // `n` is the section (absent or null: the defaults). Reports an unknown zone type, an
  // unknown family, a target outside 1–100 % and a window under one minute, each located.
  void parse(const YAML::Node& n, compliance_settings& out);

 private:
  void parse_target(const YAML::Node& n, compliance_settings& out);
  void parse_required(const YAML::Node& n, compliance_settings& out);

  yaml_reader& r_;
};

}  // namespace campus::config
