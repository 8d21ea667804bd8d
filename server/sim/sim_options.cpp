#include "sim/sim_options.hpp"

#include <fmt/format.h>

#include <charconv>

namespace campus::sim {
namespace {

template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::expected<void, std::string> parse_broker(std::string_view text, sim_options& o) {
  const auto colon = text.rfind(':');
  const std::string_view host = colon == std::string_view::npos ? text : text.substr(0, colon);
  if (host.empty())
    return std::unexpected(fmt::format("--broker needs HOST:PORT, got \"{}\"", text));
  o.host = std::string(host);
  if (colon == std::string_view::npos) return {};
  const auto port = parse_number<int>(text.substr(colon + 1));
  if (!port || *port < 1 || *port > 65535) {
    return std::unexpected(fmt::format("--broker port must be 1..65535, got \"{}\"", text));
  }
  o.port = *port;
  return {};
}

}  // namespace

std::expected<core::duration, std::string> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const auto n = parse_number<long>(text.substr(0, digits));
  const std::string_view unit = text.substr(digits);
  long ms_per = 0;
  if (unit == "ms")
    ms_per = 1;
  else if (unit == "s" || unit.empty())
    ms_per = 1000;
  else if (unit == "m")
    ms_per = 60'000;
  else if (unit == "h")
    ms_per = 3'600'000;
  else if (unit == "d")
    ms_per = 86'400'000;
  if (!n || ms_per == 0 || *n > 1'000'000'000L) {
    return std::unexpected(fmt::format("bad duration \"{}\" (use e.g. 500ms, 2s, 10m, 1h)", text));
  }
  return core::duration{*n * ms_per};
}

std::expected<std::chrono::year_month_day, std::string> parse_date(std::string_view text) {
  const auto bad = [&] {
    return std::unexpected(fmt::format("bad date \"{}\" (use YYYY-MM-DD, e.g. 2026-10-01)", text));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  const auto y = parse_number<int>(text.substr(0, 4));
  const auto m = parse_number<unsigned>(text.substr(5, 2));
  const auto d = parse_number<unsigned>(text.substr(8, 2));
  if (!y || !m || !d) return bad();
  const std::chrono::year_month_day date{std::chrono::year{*y}, std::chrono::month{*m},
                                         std::chrono::day{*d}};
  if (!date.ok()) return bad();
  return date;
}

std::expected<sim_options, std::string> parse_sim_options(std::span<const std::string_view> args) {
  sim_options o;
  bool step_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    // Options that take a value accept "--name value" and "--name=value".
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    auto value = [&]() -> std::expected<std::string_view, std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return std::unexpected(fmt::format("{} needs a value", name));
      return args[++i];
    };
    auto duration_of = [&]() -> std::expected<core::duration, std::string> {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      auto d = parse_duration(*v);
      if (!d) return std::unexpected(fmt::format("{}: {}", name, d.error()));
      return d;
    };
    auto count_of = [&]() -> std::expected<std::uint64_t, std::string> {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      auto n = parse_number<std::uint64_t>(*v);
      if (!n)
        return std::unexpected(fmt::format("{} must be a whole number, got \"{}\"", name, *v));
      return *n;
    };
    std::expected<void, std::string> ok;
    const bool is_flag = !inline_value;

    if (name == "--help" || name == "-h") {
      o.help = true;
    } else if (name == "--continue" && is_flag) {
      o.keep_running = true;
    } else if (name == "--no-recover" && is_flag) {
      o.recover = false;
    } else if (name == "--fast" && is_flag) {
      o.fast = true;
    } else if (name == "--no-ledger" && is_flag) {
      o.ledger = false;
    } else if (name == "--backfill-from") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      auto date = parse_date(*v);
      if (!date) return std::unexpected(fmt::format("--backfill-from: {}", date.error()));
      o.backfill_from = *date;
    } else if (name == "--dry-run" && is_flag) {
      o.dry_run = true;
    } else if (name == "--config") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      o.config = std::string(*v);
    } else if (name == "--broker") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      ok = parse_broker(*v, o);
    } else if (name == "--backfill" || name == "--backfill-step") {
      auto d = duration_of();
      if (!d) return std::unexpected(d.error());
      if (*d <= core::duration{0}) return std::unexpected(fmt::format("{} must be positive", name));
      if (name == "--backfill") {
        o.backfill = *d;
      } else {
        o.backfill_step = *d;
        step_given = true;
      }
    } else if (name == "--generate-district" || name == "--sample") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      if (v->empty()) return std::unexpected(fmt::format("{} must not be empty", name));
      (name == "--sample" ? o.sample : o.generate_district) = std::string(*v);
    } else if (name == "--devices" || name == "--schools") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      const auto n = parse_number<int>(*v);
      const int most = name == "--devices" ? max_generated_devices
                                           : max_generated_devices / 13;
      if (!n || *n < 1 || *n > most) {
        return std::unexpected(
            fmt::format("{} must be a whole number from 1 to {}, got \"{}\"", name, most, *v));
      }
      (name == "--devices" ? o.devices : o.schools) = *n;
    } else if (name == "--absence-period") {
      auto d = duration_of();
      if (!d) return std::unexpected(d.error());
      if (*d < std::chrono::seconds{1})
        return std::unexpected("--absence-period must be at least 1s");
      o.absence_period = *d;
    } else if (name == "--data-dir") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      if (v->empty()) return std::unexpected("--data-dir must not be empty");
      o.data_dir = std::string(*v);
    } else if (name == "--interval" || name == "--duration" || name == "--hold") {
      auto d = duration_of();
      if (!d) return std::unexpected(d.error());
      if (*d <= core::duration{0} && name != "--hold") {
        return std::unexpected(fmt::format("{} must be positive", name));
      }
      if (name == "--interval")
        o.interval = *d;
      else if (name == "--duration")
        o.duration = *d;
      else
        o.hold = *d;
    } else if (name == "--qos") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      const auto q = parse_number<int>(*v);
      if (!q || (*q != 0 && *q != 1)) {
        return std::unexpected(fmt::format("--qos must be 0 or 1, got \"{}\"", *v));
      }
      o.qos = *q;
    } else if (name == "--count" || name == "--seed") {
      auto n = count_of();
      if (!n) return std::unexpected(n.error());
      if (name == "--count")
        o.count = *n;
      else
        o.seed = *n;
    } else if (name == "--credentials" || name == "--username") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      if (v->empty()) return std::unexpected(fmt::format("{} must not be empty", name));
      if (name == "--credentials")
        o.credentials = std::string(*v);
      else
        o.username = std::string(*v);
    } else if (name == "--site" || name == "--client-id" || name == "--scenario") {
      auto v = value();
      if (!v) return std::unexpected(v.error());
      if (v->empty()) return std::unexpected(fmt::format("{} must not be empty", name));
      (name == "--site"        ? o.site
       : name == "--client-id" ? o.client_id
                               : o.scenario) = std::string(*v);
    } else {
      return std::unexpected(fmt::format("unknown option \"{}\"", arg));
    }
    if (!ok) return std::unexpected(ok.error());
  }
  if (o.help) return o;
  if (o.generating()) {
    if (o.devices.has_value() == o.schools.has_value())
      return std::unexpected("--generate-district needs one of --devices N or --schools N");
    if (!o.config.empty() || !o.scenario.empty() || o.dry_run || o.count || o.duration ||
        o.backfilling() || !o.site.empty()) {
      return std::unexpected(
          "--generate-district writes a file and exits: give it --devices or --schools, and "
          "optionally --sample, --absence-period and --data-dir (not --config, --scenario, "
          "--site, --dry-run, --count, --duration or --backfill)");
    }
    return o;
  }
  if (o.devices || o.schools || !o.sample.empty() || o.absence_period)
    return std::unexpected("--devices, --schools, --sample and --absence-period need --generate-district");
  if (o.config.empty()) return std::unexpected("--config FILE is required");
  if (!o.username.empty() && o.credentials.empty())
    return std::unexpected("--username needs --credentials FILE (where its password is)");
  if (o.count && *o.count == 0) return std::unexpected("--count must be at least 1");
  if (o.backfill && o.backfill_from) {
    return std::unexpected("--backfill D and --backfill-from DATE are alternatives: give one");
  }
  if (o.backfill_from) {
    if (o.backfill_step < std::chrono::seconds{1}) {
      return std::unexpected("--backfill-step must be at least 1s and at most the --backfill span");
    }
    if (!o.scenario.empty() || o.dry_run || o.count || o.duration) {
      return std::unexpected(
          "--backfill-from writes history and exits: no --scenario, --dry-run, "
          "--count or --duration with it");
    }
  } else if (o.backfill) {
    if (*o.backfill > max_backfill) {
      return std::unexpected("--backfill covers at most 400d (the history retention)");
    }
    if (o.backfill_step < std::chrono::seconds{1} || o.backfill_step > *o.backfill) {
      return std::unexpected("--backfill-step must be at least 1s and at most the --backfill span");
    }
    if (!o.scenario.empty() || o.dry_run || o.count || o.duration) {
      return std::unexpected(
          "--backfill writes history and exits: no --scenario, --dry-run, "
          "--count or --duration with it");
    }
  } else if (step_given || !o.data_dir.empty() || !o.ledger) {
    return std::unexpected("--backfill-step, --data-dir and --no-ledger need --backfill");
  }
  if (o.scenario.empty() && (o.keep_running || o.fast || !o.recover || o.hold)) {
    return std::unexpected("--continue, --hold, --no-recover and --fast need --scenario");
  }
  return o;
}

std::string sim_usage() {
  return R"(usage: campus-sim --config FILE [options]

Publishes realistic telemetry for the devices of a CampusShield district to an MQTT broker,
on topics campus/<site>/<zone>/<device>/{telemetry,event,status}, and injects scenarios.

  --config FILE        district configuration (required)
  --broker HOST:PORT   MQTT broker (default 127.0.0.1:1883)
  --interval D         telemetry period of each sensor, jittered (default 2s); cameras beat
                       every 10s and alarm inputs report every 30-60s regardless
  --qos 0|1            publish QoS (default 1)
  --duration D         stop after D (default: run until SIGINT / SIGTERM)
  --count N            stop after publishing N messages
  --seed N             deterministic values and schedule (default: random, printed)
  --site ID            simulate only this school
  --client-id ID       MQTT client id (default campus-sim-<pid>)
  --credentials FILE   log in as campus-sim with the login in FILE (broker-config's
                       credentials.yaml); --username NAME: that file's login for NAME
  --dry-run            print messages as "topic payload" instead of publishing

History backfill (no broker), then exit:
  --backfill D         write plausible history for the last D (up to 400d) straight to the
                       configured history store (SQLite or InfluxDB), with a few incidents
  --backfill-from DATE instead of --backfill: from local midnight of DATE (YYYY-MM-DD, the
                       first site's time zone) until now
  --backfill-step D    sampling period of each device (default 1m)
  --no-ledger          history only; by default the alerts the rules raise on the backfilled
                       readings, and their simulated handling, go into the data dir's ledger.db
  --data-dir DIR       overrides the configuration's data_dir (as campus-shield serve does)
  (--site and --seed apply too)

A generated district (no broker), then exit:
  --generate-district FILE
                       write a district of generated schools to FILE: the sample's settings,
                       rules and compliance section, each school a copy of the sample school's
                       six zones and 13 devices (10,000 devices: 769 full schools and one of 3);
                       no duty roster and no SMS. `campus-shield check-config FILE` accepts it
  --devices N          how many devices (1 to 1,000,000)
  --schools N          instead of --devices: N full schools (13 devices each)
  --sample FILE        the district to copy settings and rules from (default: the source
                       tree's config/district.yaml)
  --absence-period D   the period of every absence ("device offline") rule, instead of the
                       sample's 5m / 2m
  --data-dir DIR       the file's data_dir, relative to FILE (default: FILE's name without
                       .yaml, plus "-data")

Scenarios (for --site ID, default the first site), run once, then exit:
  --scenario NAME      gas-leak | cabinet-door-night | pond-intrusion | camera-offline |
                       one-key-alarm
  --continue           keep the normal simulation running after the scenario
  --hold D             how long the incident lasts (gas-leak 10s, cabinet-door-night the
                       door rule's `for` + 1m, pond-intrusion 40s, one-key-alarm latched)
  --no-recover         leave the device in the incident state (no all-clear message)
  --fast               cabinet-door-night: four readings in 2 s instead of 3 minutes
                       (shows the state; too short for the rule to fire)

Durations: 500ms, 2s, 10m, 1h, 30d. Exit status: 0 ok, 1 broker unreachable (backfill: the
history store cannot be opened or written, or ledger.db already holds entries), 2 bad arguments.
)";
}

}  // namespace campus::sim
