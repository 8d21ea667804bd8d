#include "sample_district.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <iostream>

#include "config/loader.hpp"

namespace campus::sim::testing {

const config::district& sample_district() {
  static const config::district district = [] {
    auto loaded = config::load_file(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
    if (!loaded) {
      for (const auto& e : loaded.error()) std::cerr << e.to_string() << "\n";
      std::abort();  // every test here needs it; a broken sample config is not a sim failure
    }
    return *loaded;
  }();
  return district;
}

boost::json::object parse_object(const sim_message& m) {
  boost::system::error_code ec;
  auto v = boost::json::parse(m.payload, ec);
  EXPECT_FALSE(ec) << m.topic << ": " << m.payload;
  if (ec || !v.is_object()) {
    ADD_FAILURE() << m.topic << " payload is not a JSON object: " << m.payload;
    return {};
  }
  return v.get_object();
}

topic_parts split_topic(const std::string& topic) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto slash = topic.find('/', start);
    parts.push_back(topic.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (parts.size() != 5 || parts[0] != "campus") return {};
  return {parts[1], parts[2], parts[3], parts[4]};
}

double number(const boost::json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  ADD_FAILURE() << "not a number: " << boost::json::serialize(v);
  return 0;
}

}  // namespace campus::sim::testing
