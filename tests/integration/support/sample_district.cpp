#include "support/sample_district.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace campus::test {

namespace {

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("sample config has no '" + from + "'");
  text.replace(at, from.size(), to);
}

}  // namespace

std::filesystem::path write_sample_district(
    const temp_dir& dir, const std::vector<std::pair<std::string, std::string>>& changes) {
  std::ifstream in(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  for (const auto& [from, to] : changes) replace_once(yaml, from, to);
  replace_once(yaml, "dashboards: ../dashboards",
               "dashboards: " + std::string(CAMPUS_SOURCE_DIR) + "/dashboards");
  auto path = dir.path() / "district.yaml";
  std::ofstream(path) << yaml;
  return path;
}

std::vector<std::string> phones_in_sms_log(const std::filesystem::path& sms_log) {
  std::ifstream in(sms_log);
  std::vector<std::string> phones;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string at, id, to;
    std::getline(fields, at, '\t');
    std::getline(fields, id, '\t');
    std::getline(fields, to, '\t');
    phones.push_back(to);
  }
  return phones;
}

}  // namespace campus::test
