// The micro-benchmark groups of campus_microbench. Each registers its cases with Google
// Benchmark at run time, because their inputs (the district, the simulator's payloads) are only
// known once the configuration is loaded. `d` outlives the run (main owns it).
#pragma once

#include "tests/bench/bench_district.hpp"

namespace campus::bench {

// adapter/<family>: one payload → readings. ns/op, bytes/s of payload.
void register_adapter_benchmarks(const bench_district& d);
// rules/on_reading/..., rules/on_tick/...: the rule engine with the district's rules.
void register_rule_benchmarks(const bench_district& d);
// line_protocol/...: readings → InfluxDB line protocol, one point and a 5000-point batch.
void register_line_protocol_benchmarks(const bench_district& d);
// ws/...: the WebSocket messages the hub serialises once per event, and the snapshot.
void register_message_benchmarks(const bench_district& d);
// history/sqlite/...: the SQLite history store, a batch appended until it is durable.
void register_history_benchmarks(const bench_district& d);

}  // namespace campus::bench
