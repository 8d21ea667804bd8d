// The golden-file test of every device family: each folder adapters/<family>/testdata/<case>/
// holds a raw `payload`, an optional `case.json` ({"stream","options","now"}) and an
// `expected.json` ({"readings":[...]} in emission order, or {"rejected":"<reason>"} with an
// optional "detail_contains"). A new case is a new folder; this file does not change.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/registry.hpp"

namespace campus::adapters {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path adapters_dir = fs::path(CAMPUS_SOURCE_DIR) / "adapters";
constexpr std::int64_t default_now_ms = 1763860000000;

struct golden_case {
  std::string family;
  std::string name;
  fs::path dir;
};

// Printed by GoogleTest instead of a byte dump when a case fails.
void PrintTo(const golden_case& c, std::ostream* os) { *os << c.family << "/" << c.name; }

std::vector<golden_case> discover_cases() {
  std::vector<golden_case> cases;
  std::error_code ec;
  for (const auto& family : fs::directory_iterator(adapters_dir, ec)) {
    const fs::path testdata = family.path() / "testdata";
    if (!fs::is_directory(testdata)) continue;
    for (const auto& c : fs::directory_iterator(testdata, ec)) {
      cases.push_back({family.path().filename().string(), c.path().filename().string(), c.path()});
    }
  }
  std::sort(cases.begin(), cases.end(), [](const golden_case& a, const golden_case& b) {
    return std::tie(a.family, a.name) < std::tie(b.family, b.name);
  });
  return cases;
}

bool is_case_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Parses a JSON object file of the test's own (trusted) data; a failure names the file.
::testing::AssertionResult read_json_object(const fs::path& p, json::object& out) {
  json::error_code ec;
  json::value v = json::parse(read_bytes(p), ec);
  if (ec) return ::testing::AssertionFailure() << p << ": not JSON: " << ec.message();
  if (!v.is_object()) return ::testing::AssertionFailure() << p << ": must hold a JSON object";
  out = std::move(v.get_object());
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult only_keys(const json::object& o, const fs::path& p,
                                     std::initializer_list<std::string_view> known) {
  for (const auto& kv : o) {
    if (std::find(known.begin(), known.end(), kv.key()) == known.end()) {
      return ::testing::AssertionFailure() << p << ": unknown key \"" << kv.key() << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

class adapter_golden : public ::testing::TestWithParam<golden_case> {};

TEST_P(adapter_golden, payload) {
  const golden_case& c = GetParam();
  SCOPED_TRACE(c.dir.string());

  // The folder's layout: a name usable as a test name, and exactly the known files.
  ASSERT_TRUE(fs::is_directory(c.dir)) << "testdata entries must be case folders";
  ASSERT_TRUE(is_case_name(c.name)) << "case folder names use [a-z0-9_] only";
  for (const auto& f : fs::directory_iterator(c.dir)) {
    const std::string n = f.path().filename().string();
    ASSERT_TRUE(n == "payload" || n == "case.json" || n == "expected.json")
        << "unexpected file " << f.path();
  }
  ASSERT_TRUE(fs::is_regular_file(c.dir / "payload")) << "missing payload";
  ASSERT_TRUE(fs::is_regular_file(c.dir / "expected.json")) << "missing expected.json";

  json::object setup;
  if (fs::exists(c.dir / "case.json")) {
    ASSERT_TRUE(read_json_object(c.dir / "case.json", setup));
    ASSERT_TRUE(only_keys(setup, c.dir / "case.json", {"stream", "options", "now"}));
  }
  json::object options;
  if (const auto* o = setup.if_contains("options")) {
    ASSERT_TRUE(o->is_object()) << "case.json options must be an object";
    options = o->get_object();
  }
  std::string stream = "telemetry";
  if (const auto* s = setup.if_contains("stream")) {
    ASSERT_TRUE(s->is_string()) << "case.json stream must be a string";
    stream = s->get_string();
  }
  std::int64_t now_ms = default_now_ms;
  if (const auto* n = setup.if_contains("now")) {
    ASSERT_TRUE(n->is_int64()) << "case.json now must be an integer (epoch ms)";
    now_ms = n->get_int64();
  }

  json::object expected;
  ASSERT_TRUE(read_json_object(c.dir / "expected.json", expected));
  ASSERT_TRUE(only_keys(expected, c.dir / "expected.json",
                        {"readings", "rejected", "detail_contains"}));
  ASSERT_NE(expected.contains("readings"), expected.contains("rejected"))
      << "expected.json holds either \"readings\" or \"rejected\"";

  auto made = builtin_registry().make(c.family, options);
  ASSERT_TRUE(made.has_value()) << "options refused: " << made.error();

  const std::string payload = read_bytes(c.dir / "payload");
  const context ctx{.site = "golden-site",
                    .zone = "golden-zone",
                    .device = "golden-device",
                    .stream = stream,
                    .now = core::from_epoch_ms(now_ms)};
  const parse_result got = (*made)->parse(payload, ctx);

  if (const auto* rejected = expected.if_contains("rejected")) {
    ASSERT_TRUE(rejected->is_string()) << "\"rejected\" must be a reason code";
    ASSERT_FALSE(got.has_value()) << "expected a rejection, got " << got->size() << " readings";
    EXPECT_EQ(got.error().reason, std::string(rejected->get_string())) << "detail: " << got.error().detail;
    EXPECT_FALSE(got.error().detail.empty());
    EXPECT_LT(got.error().detail.size(), 400u) << "details quote values truncated";
    if (const auto* part = expected.if_contains("detail_contains")) {
      ASSERT_TRUE(part->is_string());
      EXPECT_NE(got.error().detail.find(part->get_string()), std::string::npos)
          << "detail: " << got.error().detail;
    }
    return;
  }

  ASSERT_FALSE(expected.contains("detail_contains")) << "detail_contains goes with \"rejected\"";
  ASSERT_TRUE(got.has_value()) << "rejected: " << got.error().reason << ": " << got.error().detail;
  const auto* want_list = expected.at("readings").if_array();
  ASSERT_NE(want_list, nullptr) << "\"readings\" must be an array";
  ASSERT_EQ(got->size(), want_list->size()) << "number of readings";
  for (std::size_t i = 0; i < want_list->size(); ++i) {
    SCOPED_TRACE("reading " + std::to_string(i));
    ASSERT_TRUE((*want_list)[i].is_object());
    const json::object& want = (*want_list)[i].get_object();
    ASSERT_TRUE(only_keys(want, c.dir / "expected.json",
                          {"metric", "subject", "value", "unit", "ts"}));
    ASSERT_TRUE(want.contains("metric") && want.contains("value") && want.contains("ts"))
        << "each expected reading names metric, value and ts";
    const core::reading& r = (*got)[i];

    EXPECT_EQ(r.site, "golden-site");
    EXPECT_EQ(r.zone, "golden-zone");
    EXPECT_EQ(r.device, "golden-device");
    EXPECT_EQ(r.metric, std::string(want.at("metric").as_string()));
    const auto* subject = want.if_contains("subject");
    EXPECT_EQ(r.subject, subject ? std::string(subject->as_string()) : std::string());
    const auto* unit = want.if_contains("unit");
    EXPECT_EQ(r.unit, unit ? std::string(unit->as_string()) : std::string());
    EXPECT_EQ(core::to_epoch_ms(r.ts), want.at("ts").to_number<std::int64_t>());

    const json::value& value = want.at("value");
    if (value.is_string()) {
      ASSERT_FALSE(r.is_number()) << "expected state \"" << value.get_string() << "\"";
      EXPECT_EQ(r.state(), std::string(value.get_string()));
    } else {
      ASSERT_TRUE(value.is_number()) << "expected values are numbers or strings";
      ASSERT_TRUE(r.is_number()) << "expected a number, got state \"" << r.state() << "\"";
      const double v = value.to_number<double>();
      EXPECT_NEAR(r.number(), v, 1e-9 * std::max(1.0, std::abs(v)));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(golden, adapter_golden, ::testing::ValuesIn(discover_cases()),
                         [](const ::testing::TestParamInfo<golden_case>& info) {
                           // GoogleTest names allow [A-Za-z0-9_]; other characters are caught
                           // by the test itself (is_case_name) rather than aborting listing.
                           std::string n = info.param.family + "__" + info.param.name;
                           for (char& ch : n) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

// Every registered family is covered, and every folder with cases is a registered family.
TEST(adapter_golden_layout, every_family_has_cases) {
  const auto cases = discover_cases();
  for (const std::string& family : builtin_registry().families()) {
    const auto n = std::count_if(cases.begin(), cases.end(),
                                 [&](const golden_case& c) { return c.family == family; });
    EXPECT_GT(n, 0) << "adapters/" << family << "/testdata/ has no cases";
    EXPECT_TRUE(fs::is_regular_file(adapters_dir / family / "README.md")) << family;
    EXPECT_TRUE(fs::is_regular_file(adapters_dir / family / "sample.yaml")) << family;
  }
  for (const golden_case& c : cases) {
    EXPECT_TRUE(builtin_registry().contains(c.family))
        << c.dir << " belongs to no registered family";
  }
}

}  // namespace
}  // namespace campus::adapters
