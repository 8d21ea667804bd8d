#include "sim/backfill_command.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "history/open_history.hpp"
#include "sim/backfill_generator.hpp"
#include "sim/backfill_writer.hpp"

namespace campus::sim {
namespace {

std::string utc(core::time_point t) {
  return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", std::chrono::floor<std::chrono::seconds>(t));
}

}  // namespace

int run_backfill(const sim_options& options, config::district district, std::uint64_t seed) {
  if (!options.data_dir.empty()) district.data_dir = options.data_dir.string();
  const core::system_clock clock;
  const auto now = std::chrono::floor<std::chrono::seconds>(clock.now());
  backfill_settings settings;
  settings.from = now - *options.backfill;
  settings.to = now;
  settings.step = options.backfill_step;
  settings.seed = seed;
  settings.site = options.site;
  auto gen = backfill_generator::make(district, settings);
  if (!gen) {
    fmt::print(stderr, "campus-sim: {}\n", gen.error());
    return 2;
  }
  for (const auto& s : gen->skipped()) fmt::print(stderr, "campus-sim: not simulated: {}\n", s);
  fmt::print("backfill: {} devices from {} to {}, one sample every {} s per device (seed {})\n",
             gen->device_ids().size(), utc(settings.from), utc(settings.to),
             std::chrono::duration_cast<std::chrono::seconds>(settings.step).count(), seed);
  for (const auto& i : gen->incidents()) fmt::print("incident: {}\n", i.describe());
  std::fflush(stdout);

  // The store's files go in the data directory (SQLite database, InfluxDB spool).
  std::error_code ec;
  std::filesystem::create_directories(district.data_dir, ec);
  if (ec) {
    fmt::print(stderr, "campus-sim: cannot create the data directory {}: {}\n", district.data_dir,
               ec.message());
    return 1;
  }
  core::metrics metrics;
  auto store = history::open_history(district, metrics, clock);
  if (!store) {
    fmt::print(stderr, "campus-sim: cannot open the history store: {}\n", store.error());
    return 1;
  }

  // Both backends keep these for /metrics (history_store.hpp says nothing about queues).
  auto& queued = metrics.get("campus_history_queue_depth");
  auto& written = metrics.get("campus_history_points_written_total");
  auto& dropped = metrics.get("campus_history_dropped_total");
  auto& rejected = metrics.get("campus_history_points_rejected_total");
  auto& spooled = metrics.get("campus_history_spooled_bytes");
  backfill_writer writer(**store, [&queued] { return queued.value(); }, {});
  const auto summary = writer.run(*gen, [](const backfill_progress& p) {
    fmt::print("  {:5.1f} %  at {}  {} readings  {:.1f} s\n", 100.0 * p.fraction, utc(p.position),
               p.readings, p.wall.count());
    std::fflush(stdout);
  });
  if (gen->rejected() > 0) {
    fmt::print(stderr, "campus-sim: {} payloads refused by their adapter, last: {}\n",
               gen->rejected(), gen->last_rejection());
  }
  fmt::print(
      "backfill done: {} readings from {} samples, {} to {} ({:g} days), in {:.1f} s "
      "({:.0f} readings/s)\n",
      summary.readings, summary.samples, utc(settings.from), utc(settings.to),
      std::chrono::duration<double, std::ratio<86400>>(settings.to - settings.from).count(),
      summary.wall.count(), summary.readings_per_second());
  fmt::print("history store: {} readings written", written.value());
  if (spooled.value() > 0) {
    fmt::print(", {} bytes spooled in {} (campus-shield serve sends them when InfluxDB is back)",
               spooled.value(), district.spool_path());
  }
  fmt::print("\n");
  if (const auto lost = dropped.value() + rejected.value(); lost > 0) {
    fmt::print(stderr, "campus-sim: the history store dropped or refused {} readings (see above)\n",
               lost);
    return 1;
  }
  return 0;
}

}  // namespace campus::sim
