// The district configuration loader on arbitrary YAML text: it answers with a district or with
// located errors, never a crash or an exception. A district it accepts must start: every
// device's adapter builds, and the live state, rule engine and ingest pipeline construct
// (the pipeline aborts, and the rule engine throws, on what the loader should have refused).
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/registry.hpp"
#include "config/loader.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "fuzz_check.hpp"
#include "ingest/live_state.hpp"
#include "ingest/pipeline.hpp"
#include "rules/rule_engine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace campus;
  using fuzz::check;
  static const bool quiet = (fuzz::quiet_server_logs(), true);
  (void)quiet;
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  auto loaded = config::load_string(yaml, "fuzz.yaml");
  if (!loaded) {
    check(!loaded.error().empty(), "refused without an error");
    for (const auto& e : loaded.error()) {
      check(!e.message.empty(), "an error without a message");
      check(e.line >= 0, "an error with a negative line");
      check(e.file == "fuzz.yaml", "an error naming another file: " + e.file);
    }
    return 0;
  }
  const config::district& d = *loaded;
  for (const auto& dev : d.devices) {
    auto made = adapters::builtin_registry().make(dev.family, dev.options);
    check(made.has_value(), "accepted device " + dev.id + " whose adapter does not build");
  }
  core::manual_clock clock;
  core::metrics metrics;
  ingest::live_state state(d);
  rules::rule_engine engine(d.rules, ingest::device_profiles(d), clock);
  ingest::pipeline pipeline(d, adapters::builtin_registry(), engine, state, metrics, clock);
  pipeline.on_tick();
  return 0;
}
