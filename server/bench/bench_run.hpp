// One run of campus-bench: the phases in order, each adding its figures to the report.
//   ceiling     broker + a counting subscriber only (before any server), QoS 0 and 1
//   throughput  the server with rules and history, flat out (or --rate): processed/s, CPU/msg
//   latency     probe alerts under background load at 20 % and 80 % of the ceiling
//   fanout      K dashboard clients, every probe alert to each
//   bureau      bureau users and pages on a fresh server under 1,000 msg/s (bureau_phase.hpp)
//   rss         fresh servers with 10k and 100k devices, every device heard
//   history     the InfluxDB history writer against a plain client, points/s (influxd only)
//   peer        the same load and probes against Node-RED (scripts/node-red)
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "bench/bench_district.hpp"
#include "bench/bench_options.hpp"
#include "bench/bench_report.hpp"
#include "bench/bench_stack.hpp"
#include "bench/payload_deck.hpp"

namespace campus::bench {

class bench_run {
 public:
  bench_run(bench_options options, std::filesystem::path dir);
  // Runs the phases; false when one could not run (its reason is printed and in the report).
  bool run();
  const bench_report& report() const { return report_; }

 private:
  bool ceiling();
  bool throughput();
  bool latency();
  bool fanout();
  bool bureau();
  bool rss();
  bool history();
  bool peer();
  // Waits until the server has taken `expected` MQTT messages (or made no progress for 10 s);
  // the count it reached.
  double wait_processed(double expected);
  double ceiling_of(int qos) const;
  void fail(const std::string& phase, const std::string& why);

  bench_options o_;
  std::filesystem::path dir_;
  bench_stack stack_;
  bench_report report_;
  std::optional<bench_district> district_;
  std::optional<payload_deck> deck_;
  std::optional<running_server> server_;
  std::string influx_url_;
  bool ok_ = true;
};

}  // namespace campus::bench
