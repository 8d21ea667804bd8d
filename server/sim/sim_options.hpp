// The command line of campus-sim, parsed into a value; every mistake is an error message that
// names the option and the bad value ("--qos must be 0 or 1, got 3").
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/reading.hpp"

namespace campus::sim {

struct sim_options {
  std::filesystem::path config;    // --config FILE (required)
  std::string host = "127.0.0.1";  // --broker HOST:PORT
  int port = 1883;
  core::duration interval{2000};           // --interval
  int qos = 1;                             // --qos 0|1
  std::optional<core::duration> duration;  // --duration; default: until SIGINT / SIGTERM
  std::optional<std::uint64_t> count;      // --count N messages, then stop
  std::optional<std::uint64_t> seed;       // --seed N; default: random (printed)
  std::string site;                        // --site ID
  std::string client_id;                   // --client-id; default campus-sim-<pid>
  // --credentials FILE: a credentials.yaml from `campus-shield broker-config`; the login used
  // is --username's (default campus-sim, the simulator's own account).
  std::filesystem::path credentials;
  std::string username;                    // --username NAME (needs --credentials)
  std::string scenario;                    // --scenario NAME
  bool keep_running = false;               // --continue: normal simulation after the scenario
  std::optional<core::duration> hold;      // --hold
  bool recover = true;                     // --no-recover
  bool fast = false;                       // --fast
  bool dry_run = false;                    // --dry-run: print messages, no broker
  // --backfill D: write history for [now - D, now) straight to the history store and exit.
  std::optional<core::duration> backfill;
  // --backfill-from YYYY-MM-DD: the same, from that day's local midnight in the district's time
  // zone (the first site's) until now.
  std::optional<std::chrono::year_month_day> backfill_from;
  core::duration backfill_step{60'000};  // --backfill-step: sampling period per device
  bool ledger = true;                    // --no-ledger: history only, no ledger.db
  std::filesystem::path data_dir;        // --data-dir: overrides the configuration's data_dir
  bool help = false;                     // --help
  // --generate-district FILE: write a generated district of --devices N (or about --schools N)
  // devices to FILE and exit; --sample FILE names the district whose settings and rules it
  // copies (default: the source tree's config/district.yaml), --absence-period D shortens the
  // absence rules, --data-dir DIR sets the file's data_dir (default: FILE's name + "-data").
  std::filesystem::path generate_district;
  std::optional<int> devices;            // --devices N
  std::optional<int> schools;            // --schools N
  std::filesystem::path sample;          // --sample FILE
  std::optional<core::duration> absence_period;  // --absence-period D

  bool generating() const { return !generate_district.empty(); }
  bool backfilling() const { return backfill.has_value() || backfill_from.has_value(); }
};

// `args` excludes the program name.
std::expected<sim_options, std::string> parse_sim_options(std::span<const std::string_view> args);

std::string sim_usage();

// The most devices --generate-district writes (100,000 is the largest district benchmarked).
inline constexpr int max_generated_devices = 1'000'000;

// The longest --backfill: the SQLite backend's default retention.
inline constexpr core::duration max_backfill{400LL * 24 * 60 * 60 * 1000};

// "2026-10-01": a valid calendar date.
std::expected<std::chrono::year_month_day, std::string> parse_date(std::string_view text);

// "500ms", "2s", "10m", "1h", "1d"; a bare number is seconds.
std::expected<core::duration, std::string> parse_duration(std::string_view text);

}  // namespace campus::sim
