// The bureau phase (docs/benchmarks.md, "Bureau at district scale"): a fresh server with the
// run's generated district and K bureau users, under a steady background of readings.
//   1. background only: the server's ingest rate (campus_mqtt_messages_total per second);
//   2. refresh: N bureau WebSocket clients connected (messages each receives per second) and
//      each bureau user asking GET /api/overview every `interval` (staggered, as K open pages
//      would): its latency, failures, the server's RSS peak;
//   3. hammer: every bureau user calling /api/overview, /api/compliance, /api/compliance/daily
//      and /api/reports/monthly back to back: their latencies, the RSS peak, and the ingest
//      rate against step 1's (it should not move);
// and at the end the false offline alerts: ledger entries of an absence rule for a device of
// the background, which is heard every few seconds throughout.
#pragma once

#include <expected>
#include <filesystem>
#include <string>

#include "bench/bench_district.hpp"
#include "bench/bench_report.hpp"
#include "bench/bench_stack.hpp"
#include "bench/payload_deck.hpp"

namespace campus::bench {

struct bureau_settings {
  int users = 10;            // bureau users, each logged in with its own session
  int clients = 10;          // bureau WebSocket clients (/ws with a bureau session)
  double interval_s = 30;    // each user's GET /api/overview period in the refresh step
  double rate = 1000;        // background messages/s
  double refresh_s = 60;     // length of the refresh step
  double window_s = 10;      // length of the background-only and hammer steps
  int qos = 1;
};

class bureau_phase {
 public:
  bureau_phase(bench_stack& stack, const bench_district& district, payload_deck& deck,
               std::filesystem::path server_binary, std::filesystem::path dir,
               bureau_settings settings, bench_report& report)
      : stack_(stack),
        district_(district),
        deck_(deck),
        server_binary_(std::move(server_binary)),
        dir_(std::move(dir)),
        s_(settings),
        report_(report) {}

  // Adds the phase's rows; an error when it could not run (no server, nobody could log in).
  std::expected<void, std::string> run();

 private:
  std::expected<void, std::string> add_users(const std::filesystem::path& data_dir);
  // Ledger entries of absence rules for devices outside the probe school.
  std::expected<int, std::string> false_offline_alerts(int port, const std::string& token) const;

  bench_stack& stack_;
  const bench_district& district_;
  payload_deck& deck_;
  std::filesystem::path server_binary_;
  std::filesystem::path dir_;
  bureau_settings s_;
  bench_report& report_;
};

}  // namespace campus::bench
