// The WebSocket messages (server/net/messages, ledger_messages): what the hub serialises once
// per event before fanning it out, and the snapshot each client gets when it connects.
//   ws/reading          one gas reading
//   ws/alert            the rule engine's alert event (a real one: lel_pct 30 → red)
//   ws/ledger_alert     the ledger entry message sent after the change is committed, with its
//                       escalation and one-hour report, and its `raised` transition
//   ws/snapshot/<n>     the snapshot of the scaled district, every device with its last values
//                       and a bureau user's view (every school), with 20 open ledger entries
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <functional>
#include <memory>
#include <stdexcept>

#include "auth/principal.hpp"
#include "core/clock.hpp"
#include "ingest/live_state.hpp"
#include "ingest/pipeline.hpp"
#include "net/ledger_messages.hpp"
#include "net/messages.hpp"
#include "rules/rule_engine.hpp"
#include "tests/bench/benchmarks.hpp"

namespace campus::bench {

namespace {

core::reading gas_reading(const bench_district& d, double lel) {
  for (auto r : d.payload("gas_detector").readings) {
    if (r.metric != "lel_pct") continue;
    r.value = lel;
    return r;
  }
  throw std::runtime_error("the gas detector payload has no lel_pct");
}

rules::alert_event raised_alert(const bench_district& d) {
  core::manual_clock clock(d.now());
  rules::rule_engine engine(d.sample().rules, ingest::device_profiles(d.sample()), clock);
  for (auto& e : engine.on_reading(gas_reading(d, 30.0))) {
    if (e.what == rules::alert_event::kind::raised) return e;
  }
  throw std::runtime_error("lel_pct 30 raised no alert with the sample district's rules");
}

incident::entry_view entry_of(const rules::alert& a, std::int64_t id) {
  incident::entry_view v;
  alerts::ledger_entry& e = v.entry;
  e.id = id;
  e.alert_ids = {a.id};
  e.site = a.site;
  e.zone = a.zone;
  e.device = a.device;
  e.family = "gas_detector";
  e.rule = a.rule;
  e.rule_name = a.rule_name;
  e.rule_name_en = a.rule_name_en;
  e.metric = a.metric;
  e.severity = e.max_severity = a.severity;
  e.value = a.value;
  e.threshold = a.threshold;
  e.raised_at = e.updated_at = a.raised_at;
  v.unit = "%LEL";
  incident::escalation_view esc;
  notify::duty::notification told;
  told.alert_id = a.id;
  told.severity = a.severity;
  told.role = "duty_leader";
  told.who = {"u-wangfang", "王芳", "+8613800000000", {"duty_leader"}, {a.site}};
  told.via = notify::duty::channel::sms;
  told.at = a.raised_at;
  esc.told.push_back(told);
  esc.next = notify::duty::next_escalation{1, a.severity, a.raised_at + std::chrono::minutes{5},
                                           {"safety_director"},
                                           {notify::duty::channel::sms,
                                            notify::duty::channel::dashboard}};
  v.escalation = std::move(esc);
  v.report = incident::report_view{a.raised_at + std::chrono::hours{1}, {}, {}, false, false};
  return v;
}

// The district's live state after every device has sent its telemetry once.
struct district_picture {
  ingest::live_state state;
  std::vector<incident::entry_view> open;

  explicit district_picture(const bench_district& d) : state(d.scaled()) {
    for (std::size_t i = 0; i < d.scaled().devices.size(); ++i) {
      for (const auto& r : d.readings_of(i)) state.apply(r, d.now());
    }
  }
};

void serialise(const char* name, std::function<std::string()> make,
               benchmark::TimeUnit unit = benchmark::kNanosecond) {
  benchmark::RegisterBenchmark(name, [make](benchmark::State& st) {
    std::int64_t bytes = 0;
    for (auto _ : st) {
      std::string text = make();
      bytes += static_cast<std::int64_t>(text.size());
      benchmark::DoNotOptimize(text);
    }
    st.SetItemsProcessed(st.iterations());
    st.SetBytesProcessed(bytes);
    if (st.iterations() > 0) st.counters["msg_bytes"] = static_cast<double>(bytes / st.iterations());
  })->Unit(unit);
}

}  // namespace

void register_message_benchmarks(const bench_district& d) {
  const core::reading reading = gas_reading(d, 0.4);
  const rules::alert_event alert = raised_alert(d);
  const incident::entry_view entry = entry_of(alert.current, 123);
  const std::vector<alerts::ledger_transition> raised{
      {4567, 123, alert.current.raised_at, "", alerts::transition_kind::raised, "", "red", ""}};

  serialise("ws/reading", [reading] { return net::messages::reading_message(reading); });
  serialise("ws/alert", [alert] { return net::messages::alert_message(alert); });
  serialise("ws/ledger_alert", [entry, raised] {
    return net::messages::entry_message(entry, "raised", raised);
  });

  auto picture = std::make_shared<district_picture>(d);
  for (std::int64_t i = 0; i < 20; ++i) picture->open.push_back(entry_of(alert.current, 100 + i));
  auto bureau = std::make_shared<auth::principal>();
  bureau->user = "bureau";
  bureau->level = auth::role::bureau;
  bureau->all_sites = true;
  const std::string name = fmt::format("ws/snapshot/{}_devices", d.scaled().devices.size());
  serialise(name.c_str(), [picture, bureau] {
    return net::messages::snapshot_message(picture->state, picture->open, bureau.get());
  }, benchmark::kMillisecond);
}

}  // namespace campus::bench
