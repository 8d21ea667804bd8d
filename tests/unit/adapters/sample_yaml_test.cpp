// Each family's sample.yaml is a device entry people copy into a district config: it must name
// its own family and its options must be accepted by the family's factory.
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <filesystem>

#include "adapters/registry.hpp"

namespace campus::adapters {
namespace {

namespace fs = std::filesystem;

// YAML → JSON with plain scalars typed as YAML 1.2 core would (the config loader does the
// same); quoted scalars stay strings.
boost::json::value to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    boost::json::object o;
    for (const auto& kv : n) o[kv.first.as<std::string>()] = to_json(kv.second);
    return o;
  }
  if (n.IsSequence()) {
    boost::json::array a;
    for (const auto& item : n) a.push_back(to_json(item));
    return a;
  }
  if (!n.IsScalar()) return nullptr;
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return boost::json::string(s);
  if (s == "true" || s == "false") return s == "true";
  if (s == "null" || s == "~") return nullptr;
  std::int64_t i = 0;
  if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
      ec == std::errc{} && p == s.data() + s.size()) {
    return i;
  }
  double d = 0;
  if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      ec == std::errc{} && p == s.data() + s.size() && std::isfinite(d)) {
    return d;
  }
  return boost::json::string(s);
}

TEST(adapter_sample_yaml, every_family_sample_is_a_valid_device_entry) {
  const fs::path root = fs::path(CAMPUS_SOURCE_DIR) / "adapters";
  for (const std::string& family : builtin_registry().families()) {
    SCOPED_TRACE(family);
    const fs::path file = root / family / "sample.yaml";
    ASSERT_TRUE(fs::is_regular_file(file));
    YAML::Node devices = YAML::LoadFile(file.string());
    ASSERT_TRUE(devices.IsSequence()) << file << " holds a list of devices";
    ASSERT_GT(devices.size(), 0u);
    for (const auto& d : devices) {
      for (const char* key : {"id", "family", "zone", "name", "name_en"}) {
        EXPECT_TRUE(d[key].IsScalar()) << file << ": missing " << key;
      }
      EXPECT_EQ(d["family"].as<std::string>(""), family);
      boost::json::object options;
      if (d["options"]) {
        boost::json::value v = to_json(d["options"]);
        ASSERT_TRUE(v.is_object()) << file << ": options must be a map";
        options = v.as_object();
      }
      auto made = builtin_registry().make(family, options);
      EXPECT_TRUE(made.has_value()) << file << ": " << made.error();
    }
  }
}

}  // namespace
}  // namespace campus::adapters
