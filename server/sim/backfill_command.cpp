#include "sim/backfill_command.hpp"

#include <date/tz.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>
#include <filesystem>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "history/open_history.hpp"
#include "notify/duty/duty_config.hpp"
#include "sim/backfill_generator.hpp"
#include "sim/backfill_writer.hpp"
#include "sim/ledger_replay.hpp"

namespace campus::sim {
namespace {

std::string utc(core::time_point t) {
  return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", std::chrono::floor<std::chrono::seconds>(t));
}

// Local midnight of `day` in the district's time zone (the first site's), as an instant.
std::expected<core::time_point, std::string> local_midnight(const config::district& district,
                                                            std::chrono::year_month_day day) {
  const std::string zone =
      district.sites.empty() ? "Asia/Shanghai" : district.sites.front().time_zone;
  try {
    const auto* tz = date::locate_zone(zone);
    const date::local_days local{date::year{static_cast<int>(day.year())} /
                                 date::month{static_cast<unsigned>(day.month())} /
                                 date::day{static_cast<unsigned>(day.day())}};
    // A midnight that a clock change skips or repeats: the earlier instant.
    return std::chrono::time_point_cast<core::duration>(tz->to_sys(local, date::choose::earliest));
  } catch (const std::exception& e) {
    return std::unexpected(fmt::format("time zone {}: {}", zone, e.what()));
  }
}

// The span of the backfill, [from, now): --backfill D or --backfill-from DATE.
std::expected<core::time_point, std::string> span_start(const sim_options& options,
                                                        const config::district& district,
                                                        core::time_point now) {
  if (options.backfill) return now - *options.backfill;
  auto from = local_midnight(district, *options.backfill_from);
  if (!from) return from;
  if (*from >= now) return std::unexpected("--backfill-from must be a day in the past");
  if (now - *from > max_backfill) {
    return std::unexpected("--backfill-from goes back at most 400 days (the history retention)");
  }
  if (options.backfill_step > now - *from) {
    return std::unexpected("--backfill-step must be at most the backfilled span");
  }
  return from;
}

// The duty roster for the people's names; none (fixed names per school) without a usable
// duty section.
std::unique_ptr<notify::duty::roster> load_roster(const config::district& district) {
  if (district.source_file.empty()) return nullptr;
  auto duty = notify::duty::load_duty_file(district.source_file, district);
  if (!duty) {
    fmt::print(stderr,
               "campus-sim: the duty section cannot be read ({}): fixed names in the ledger\n",
               duty.error().front().to_string());
    return nullptr;
  }
  return std::make_unique<notify::duty::roster>(std::move(duty->plan));
}

}  // namespace

int run_backfill(const sim_options& options, config::district district, std::uint64_t seed) {
  if (!options.data_dir.empty()) district.data_dir = options.data_dir.string();
  const core::system_clock clock;
  const auto now = std::chrono::floor<std::chrono::seconds>(clock.now());
  backfill_settings settings;
  const auto from = span_start(options, district, now);
  if (!from) {
    fmt::print(stderr, "campus-sim: {}\n", from.error());
    return 2;
  }
  settings.from = *from;
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

  // The ledger first: one that already holds entries stops the backfill before any history
  // is written, so a rerun never leaves history without its alerts.
  std::unique_ptr<notify::duty::roster> roster;
  std::unique_ptr<ledger_replay> replay;
  const auto ledger_path = (std::filesystem::path(district.data_dir) / "ledger.db").string();
  if (options.ledger) {
    roster = load_roster(district);
    ledger_replay_settings ls;
    ls.from = settings.from;
    ls.to = settings.to;
    ls.step = settings.step;
    ls.seed = seed;
    ls.site = settings.site;
    auto opened = ledger_replay::open(ledger_path, district, gen->device_ids(), roster.get(), ls);
    if (!opened) {
      fmt::print(stderr, "campus-sim: {}\n", opened.error());
      return 1;
    }
    replay = std::move(*opened);
    fmt::print(
        "ledger: {} (alerts from the rules on the backfilled readings, handled by "
        "simulated people{})\n",
        ledger_path, roster ? ", names from the duty roster" : "");
    if (!replay->left_out().empty()) {
      fmt::print(
          "ledger: absence rules left out at a {} s step (a sample gap would look like "
          "an outage): {}\n",
          std::chrono::duration_cast<std::chrono::seconds>(settings.step).count(),
          fmt::join(replay->left_out(), ", "));
    }
    std::fflush(stdout);
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
  const auto summary = writer.run(
      *gen,
      [](const backfill_progress& p) {
        fmt::print("  {:5.1f} %  at {}  {} readings  {:.1f} s\n", 100.0 * p.fraction,
                   utc(p.position), p.readings, p.wall.count());
        std::fflush(stdout);
      },
      [&replay](const std::vector<core::reading>& chunk) {
        if (replay) replay->feed(chunk);
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
  if (replay) {
    const auto l = replay->finish();
    fmt::print(
        "ledger: {}: {} entries written ({} sensor, {} manual) from {} alert events, {} left open "
        "({} overdue); at the end {} acknowledged and {} reported late\n",
        ledger_path, l.sensor_entries + l.manual_entries, l.sensor_entries, l.manual_entries,
        l.alert_events, l.open_entries, l.overdue_entries, l.end_acknowledged, l.end_reported);
    if (l.refused > 0 || l.clock_clamped > 0) {
      // A planning slip of the simulated people, not lost data: say so, the rest stands.
      fmt::print(stderr,
                 "campus-sim: the ledger refused {} simulated changes (last: {}); {} out "
                 "of order\n",
                 l.refused, l.last_refusal, l.clock_clamped);
    }
  }
  if (const auto lost = dropped.value() + rejected.value(); lost > 0) {
    fmt::print(stderr, "campus-sim: the history store dropped or refused {} readings (see above)\n",
               lost);
    return 1;
  }
  return 0;
}

}  // namespace campus::sim
