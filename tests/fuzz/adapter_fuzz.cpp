// Every device family's adapter on hostile payloads: bytes → the registry's adapter → readings
// or a rejection, never a crash, an exception or undefined behaviour.
//
// Input: byte 0 picks the family (in registry order), byte 1 one of that family's option sets
// (its testdata cases' options in case-name order, then the sample district's devices of that
// family in configuration order), bit 0 of byte 2 the stream (telemetry or event); the rest is
// the payload. The device context is fixed.
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/rejections.hpp"
#include "adapters/registry.hpp"
#include "fuzz_check.hpp"
#include "sample_district.hpp"

namespace campus::fuzz {
namespace {

namespace fs = std::filesystem;

struct family_under_test {
  std::string name;
  std::vector<std::unique_ptr<adapters::adapter>> adapters;  // one per option set
};

boost::json::object case_options(const fs::path& case_json) {
  std::ifstream in(case_json, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto v = boost::json::parse(text.str(), ec);
  if (ec || !v.is_object()) fail("unreadable " + case_json.string());
  if (const auto* o = v.as_object().if_contains("options"); o && o->is_object())
    return o->as_object();
  return {};
}

std::vector<family_under_test> load_families() {
  const auto& registry = adapters::builtin_registry();
  std::vector<family_under_test> out;
  for (const auto& family : registry.families()) {
    std::vector<boost::json::object> option_sets;
    const fs::path testdata = fs::path(CAMPUS_SOURCE_DIR) / "adapters" / family / "testdata";
    std::vector<fs::path> cases;
    if (fs::is_directory(testdata)) {
      for (const auto& c : fs::directory_iterator(testdata)) cases.push_back(c.path());
    }
    std::sort(cases.begin(), cases.end());
    for (const auto& c : cases) {
      if (fs::exists(c / "case.json")) option_sets.push_back(case_options(c / "case.json"));
    }
    for (const auto& dev : sample_district().devices) {
      if (dev.family == family) option_sets.push_back(dev.options);
    }
    family_under_test f{family, {}};
    for (const auto& options : option_sets) {
      // A testdata case may hold options that are meant to be refused; it then adds nothing.
      if (auto made = registry.make(family, options)) f.adapters.push_back(std::move(*made));
    }
    check(!f.adapters.empty(), "family " + family + " has no usable option set");
    out.push_back(std::move(f));
  }
  return out;
}

bool known_reason(std::string_view r) {
  namespace reason = adapters::reason;
  for (std::string_view known :
       {reason::malformed_json, reason::not_an_object, reason::missing_field, reason::bad_type,
        reason::not_finite, reason::bad_value, reason::bad_timestamp, reason::no_readings}) {
    if (r == known) return true;
  }
  return false;
}

bool same(const adapters::parse_result& a, const adapters::parse_result& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return a.error().reason == b.error().reason && a.error().detail == b.error().detail;
  if (a->size() != b->size()) return false;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto& x = (*a)[i];
    const auto& y = (*b)[i];
    if (x.metric != y.metric || x.subject != y.subject || x.value != y.value ||
        x.unit != y.unit || x.ts != y.ts)
      return false;
  }
  return true;
}

}  // namespace
}  // namespace campus::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace campus;
  using fuzz::check;
  static const auto families = fuzz::load_families();
  if (size < 3) return -1;  // not an input of this format: keep it out of the corpus

  const auto& family = families[data[0] % families.size()];
  const auto& adapter = *family.adapters[data[1] % family.adapters.size()];
  const std::string_view stream = (data[2] & 1) ? "event" : "telemetry";
  const std::string_view payload(reinterpret_cast<const char*>(data + 3), size - 3);
  const adapters::context ctx{"xh-primary", "kitchen", "fuzz-device-1", stream,
                              core::from_epoch_ms(1763860000000)};

  const auto result = adapter.parse(payload, ctx);
  if (!result) {
    check(fuzz::known_reason(result.error().reason),
          family.name + ": rejection reason \"" + result.error().reason + "\" is not a stable code");
    check(!result.error().detail.empty(), family.name + ": rejection without a detail");
    // Details go to the log; the payload is quoted in bounded pieces only.
    check(result.error().detail.size() <= 1024, family.name + ": rejection detail too long");
  } else {
    check(!result->empty(), family.name + ": accepted a payload but gave no reading");
    for (const auto& r : *result) {
      check(r.site == ctx.site && r.zone == ctx.zone && r.device == ctx.device,
            family.name + ": a reading names another device than the context's");
      check(!r.metric.empty(), family.name + ": a reading without a metric");
      if (r.is_number())
        check(std::isfinite(r.number()), family.name + ": non-finite reading " + r.metric);
    }
  }
  // Adapters are pure: the same bytes and context give the same answer.
  check(fuzz::same(result, adapter.parse(payload, ctx)), family.name + ": parse is not pure");
  return 0;
}
