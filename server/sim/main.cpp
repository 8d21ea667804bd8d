// campus-sim: publishes realistic telemetry for a district's devices and injects scenarios.
// Everything it publishes comes from campus_sim (district_simulator, plan_scenario); this file
// only parses the command line, keeps time and hands messages to the broker. --backfill goes
// to backfill_command.cpp instead (history store, no broker).
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <mosquitto.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <functional>
#include <optional>
#include <random>
#include <thread>

#include "broker/credentials_file.hpp"
#include "config/loader.hpp"
#include "core/clock.hpp"
#include "sim/district_generator.hpp"
#include "sim/district_simulator.hpp"
#ifdef CAMPUS_SIM_BACKFILL
#include "sim/backfill_command.hpp"
#endif
#include "sim/mqtt_publisher.hpp"
#include "sim/mute_control.hpp"
#include "sim/scenario.hpp"
#include "sim/sim_options.hpp"

namespace {

using namespace campus;
using steady = std::chrono::steady_clock;

std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int) { stop_requested = true; }

// Sleeps until `until` in short slices, so SIGINT / SIGTERM stop the run promptly.
// Returns false when a stop was requested.
bool sleep_until(steady::time_point until) {
  while (!stop_requested) {
    const auto now = steady::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(
        std::min<steady::duration>(until - now, std::chrono::milliseconds{100}));
  }
  return false;
}

core::time_point wall_now() { return core::system_clock{}.now(); }

// How long background simulators stay silent for a scenario's devices: the scenario's length
// plus a margin (clock skew, a late start); for devices it leaves in the incident state, long
// enough to look at the incident.
constexpr core::duration scenario_margin{5000};
constexpr core::duration incident_mute{60 * 60 * 1000};
// The normal run loop looks at the control queue at least this often.
constexpr core::duration control_poll{100};

std::string utc_clock(core::time_point t) {
  return fmt::format("{:%H:%M:%S} UTC", std::chrono::floor<std::chrono::seconds>(t));
}

// Hands messages to the broker (or stdout with --dry-run), counting them for --count.
class outlet {
 public:
  outlet(sim::mqtt_publisher* broker, const sim::sim_options& o) : broker_(broker), options_(o) {}

  // False once --count is reached; the caller stops.
  bool send(const sim::sim_message& m) {
    if (options_.count && sent_ >= *options_.count) return false;
    if (broker_ == nullptr) {
      fmt::print("{} {}{}\n", m.topic, m.payload, m.retain ? " (retained)" : "");
    } else if (auto ok = broker_->publish(m, options_.qos); !ok) {
      ++refused_;
      if (refused_ <= 10 || refused_ % 1000 == 0) {
        fmt::print(stderr, "campus-sim: publish to {} refused ({} so far): {}\n", m.topic, refused_,
                   ok.error());
      }
    }
    ++sent_;
    return !options_.count || sent_ < *options_.count;
  }

  bool send_all(const std::vector<sim::sim_message>& messages) {
    for (const auto& m : messages) {
      if (!send(m)) return false;
    }
    return true;
  }

  std::uint64_t sent() const { return sent_; }

 private:
  sim::mqtt_publisher* broker_;
  const sim::sim_options& options_;
  std::uint64_t sent_ = 0;
  std::uint64_t refused_ = 0;
};

// A control message goes straight to the broker with QoS 1 (printed with --dry-run); it is not
// device traffic, so --count does not count it.
void send_control(sim::mqtt_publisher* broker, const sim::sim_message& m) {
  if (broker == nullptr) {
    fmt::print("{} {}{}\n", m.topic, m.payload.empty() ? "<empty>" : m.payload,
               m.retain ? " (retained)" : "");
  } else if (auto ok = broker->publish(m, 1); !ok) {
    fmt::print(stderr, "campus-sim: control message to {} refused: {}\n", m.topic, ok.error());
  }
}

bool left_in_incident(const sim::scenario_plan& plan, const std::string& device) {
  return std::find(plan.muted_devices.begin(), plan.muted_devices.end(), device) !=
         plan.muted_devices.end();
}

// Before the first step: background simulators (campus-sim without --scenario on the same
// broker) go silent for the scenario's devices, or their normal values would undo it.
void mute_background(const sim::scenario_plan& plan, sim::mqtt_publisher* broker) {
  const auto now = wall_now();
  for (const auto& id : plan.devices) {
    const bool stays = left_in_incident(plan, id);
    const auto until = now + (stays ? incident_mute : plan.length() + scenario_margin);
    send_control(broker, sim::mute_message(id, until));
    fmt::print("background simulators stay silent for {} until {}{}\n", id, utc_clock(until),
               stays ? fmt::format(" (left in the incident state; to resume it sooner: "
                                   "mosquitto_pub -r -n -t {})",
                                   sim::control_topic(id))
                     : std::string{});
  }
}

// After a scenario that recovered (or was stopped): its devices resume in the background at
// once. The empty retained payload also deletes the retained mute.
void release_background(const sim::scenario_plan& plan, sim::mqtt_publisher* broker) {
  for (const auto& id : plan.devices) {
    if (!left_in_incident(plan, id)) send_control(broker, sim::unmute_message(id));
  }
}

// Applies the control messages the network thread queued (mqtt_publisher::take_received):
// here on the run loop's thread, so district_simulator, which has no lock, is only ever used
// by one thread. Returns true when this simulator's own sync marker came back.
bool apply_controls(sim::district_simulator& sim, sim::mqtt_publisher& broker,
                    std::string_view client_id) {
  bool synced = false;
  for (const auto& m : broker.take_received()) {
    if (m.topic == sim::control_prefix) {
      synced = synced || m.payload == client_id;  // others' markers are not for us
      continue;
    }
    auto c = sim::parse_mute_control(m.topic, m.payload);
    if (!c) {
      fmt::print(stderr, "campus-sim: ignored control message: {}\n", c.error());
      continue;
    }
    if (sim.find(c->device) == nullptr) continue;  // another school's device: not ours
    if (c->until) {
      sim.mute_until(c->device, *c->until);
      if (*c->until > wall_now()) {
        fmt::print("control: {} silent until {}\n", c->device, utc_clock(*c->until));
      }
    } else {
      sim.unmute(c->device);
      fmt::print("control: {} resumes\n", c->device);
    }
    std::fflush(stdout);
  }
  return synced;
}

// Subscribes to the control channel and applies the retained mutes before the first status is
// published, so a device a scenario left offline is not announced `online`. The broker sends
// retained messages right after the SUBACK; the sync marker published afterwards comes back
// behind them. False when stopped meanwhile.
bool listen_for_controls(sim::district_simulator& sim, sim::mqtt_publisher& broker,
                         const std::string& client_id) {
  if (auto ok = broker.subscribe(sim::control_subscription(), std::chrono::seconds{5}); !ok) {
    fmt::print(stderr, "campus-sim: {}; scenarios in other processes cannot mute devices here\n",
               ok.error());
    return !stop_requested;
  }
  if (auto ok = broker.publish({std::string(sim::control_prefix), client_id, false}, 1); !ok) {
    fmt::print(stderr, "campus-sim: control sync refused: {}\n", ok.error());
    return !stop_requested;
  }
  const auto deadline = steady::now() + std::chrono::seconds{2};
  while (!apply_controls(sim, broker, client_id)) {
    if (steady::now() >= deadline) {
      fmt::print(stderr, "campus-sim: control sync did not come back; starting anyway\n");
      break;
    }
    if (!sleep_until(steady::now() + std::chrono::milliseconds{10})) return false;
  }
  return !stop_requested;
}

// Replays a scenario plan on time, one stdout line per step. False when stopped early.
bool run_scenario(const sim::scenario_plan& plan, outlet& out,
                  std::optional<steady::time_point> end) {
  fmt::print("scenario {} at {}: {} steps\n", plan.name, plan.site, plan.steps.size());
  for (const auto& note : plan.notes) fmt::print("note: {}\n", note);
  std::fflush(stdout);
  const auto start = steady::now();
  for (const auto& step : plan.steps) {
    const auto at = start + step.at;
    if (end && at > *end) return false;
    if (!sleep_until(at)) return false;
    fmt::print("[+{:6.1f}s] {}\n", std::chrono::duration<double>(step.at).count(),
               step.description);
    std::fflush(stdout);
    if (!out.send_all(step.messages)) return false;
  }
  return true;
}

// Normal running: every device on its own jittered schedule until stopped. With a broker it
// also wakes at least every control_poll to apply mutes from scenarios in other processes.
void run_normal(sim::district_simulator& sim, outlet& out, std::optional<steady::time_point> end,
                sim::mqtt_publisher* broker, const std::string& client_id) {
  if (!out.send_all(sim.start(wall_now()))) return;
  while (!stop_requested) {
    if (broker != nullptr) apply_controls(sim, *broker, client_id);
    const auto now = wall_now();
    if (sim.next_due() <= now) {
      if (!out.send_all(sim.take_due(now))) return;
      continue;
    }
    // Sleep toward the next due sample on the wall clock the timestamps use.
    auto wait = sim.next_due() - now;
    if (broker != nullptr) wait = std::min(wait, control_poll);
    auto until = steady::now() + wait;
    if (end && until > *end) until = *end;
    if (!sleep_until(until)) return;
    if (end && steady::now() >= *end) return;
  }
}

int fail_usage(const std::string& message) {
  fmt::print(stderr, "campus-sim: {}\n\n{}", message, sim::sim_usage());
  return 2;
}

// --generate-district: writes the file, loads it back with the server's loader, and says what
// it holds. Exit 0, or 1 when the sample cannot be read or the file cannot be written.
int generate_district(const sim::sim_options& o) {
  sim::district_settings settings;
  settings.devices = o.devices ? *o.devices : *o.schools * sim::devices_per_school;
  settings.absence_period = o.absence_period;
  // A generated district keeps its state (ledger, history) apart from the demo's var/.
  settings.data_dir = o.data_dir.empty()
                          ? o.generate_district.stem().string() + "-data"
                          : o.data_dir.string();
  const std::filesystem::path sample =
      o.sample.empty() ? std::filesystem::path(CAMPUS_SOURCE_DIR "/config/district.yaml") : o.sample;
  auto generated = sim::generate_district_yaml(sample, settings);
  if (!generated) {
    fmt::print(stderr, "campus-sim: {}\n", generated.error());
    return 1;
  }
  auto loaded = sim::write_and_load(o.generate_district, generated->yaml);
  if (!loaded) {
    fmt::print(stderr, "campus-sim: {}\n", loaded.error());
    return 1;
  }
  fmt::print("wrote {}: {} schools, {} devices (data_dir {})\n", o.generate_district.string(),
             loaded->sites.size(), generated->devices.size(), settings.data_dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  auto options = sim::parse_sim_options(args);
  if (!options) return fail_usage(options.error());
  if (options->help) {
    fmt::print("{}", sim::sim_usage());
    return 0;
  }
  if (options->generating()) return generate_district(*options);
  const auto started = steady::now();
  std::optional<steady::time_point> end;
  if (options->duration) end = started + *options->duration;

  auto district = campus::config::load_file(options->config);
  if (!district) {
    for (const auto& e : district.error()) fmt::print(stderr, "{}\n", e.to_string());
    return fail_usage(fmt::format("cannot load {}", options->config.string()));
  }
  const std::uint64_t seed = options->seed.value_or(std::random_device{}());
  if (options->backfilling()) {
#ifdef CAMPUS_SIM_BACKFILL
    return sim::run_backfill(*options, std::move(*district), seed);
#else
    fmt::print(stderr, "campus-sim: this build has no history store, so no --backfill\n");
    return 1;
#endif
  }
  sim::simulator_settings settings;
  settings.seed = seed;
  settings.interval = options->interval;
  settings.site = options->site;
  auto sim = sim::district_simulator::make(*district, settings);
  if (!sim) return fail_usage(sim.error());
  for (const auto& s : sim->skipped()) fmt::print(stderr, "campus-sim: not simulated: {}\n", s);

  std::optional<sim::scenario_plan> plan;
  if (!options->scenario.empty()) {
    sim::scenario_settings scenario;
    scenario.site = options->site;
    scenario.hold = options->hold;
    scenario.recover = options->recover;
    scenario.fast = options->fast;
    auto p = sim::plan_scenario(options->scenario, *district, scenario, wall_now());
    if (!p) return fail_usage(p.error());
    plan = std::move(*p);
  }

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);

  mosquitto_lib_init();
  std::unique_ptr<sim::mqtt_publisher> broker;
  const std::string client_id =
      options->client_id.empty() ? fmt::format("campus-sim-{}", ::getpid()) : options->client_id;
  if (!options->dry_run) {
    sim::mqtt_publisher::settings broker_settings;
    broker_settings.host = options->host;
    broker_settings.port = options->port;
    broker_settings.client_id = client_id;
    if (!options->credentials.empty()) {
      const std::string username =
          options->username.empty() ? std::string(broker::simulator_username) : options->username;
      auto login = broker::read_credential(options->credentials, username);
      if (!login) {
        fmt::print(stderr, "campus-sim: {}\n", login.error());
        mosquitto_lib_cleanup();
        return 2;
      }
      broker_settings.username = login->username;
      broker_settings.password = login->password;
    }
    auto connected = sim::mqtt_publisher::connect(broker_settings);
    if (!connected) {
      fmt::print(stderr, "campus-sim: {}\n", connected.error());
      mosquitto_lib_cleanup();
      return 1;
    }
    broker = std::move(*connected);
  }

  outlet out(broker.get(), *options);
  bool go_on = true;
  if (plan) {
    mute_background(*plan, broker.get());
    go_on = run_scenario(*plan, out, end) && options->keep_running;
    release_background(*plan, broker.get());
    for (const auto& id : plan->muted_devices) sim->mute(id);
  }
  if (go_on && !stop_requested) {
    fmt::print("simulating {} devices (seed {}, interval {} ms){}\n", sim->device_ids().size(),
               seed, options->interval.count(), options->dry_run ? ", dry run" : "");
    std::fflush(stdout);
    if (!broker || listen_for_controls(*sim, *broker, client_id)) {
      run_normal(*sim, out, end, broker.get(), client_id);
    }
  }

  int status = 0;
  if (broker) {
    // QoS 1: wait for the broker's acknowledgements so --count / scenarios deliver everything.
    if (const auto left = broker->drain(std::chrono::seconds{10}); left > 0) {
      fmt::print(stderr, "campus-sim: {} messages not acknowledged by {}:{} (broker gone?)\n", left,
                 options->host, options->port);
      status = 1;
    }
    broker.reset();
  }
  mosquitto_lib_cleanup();
  fmt::print(stderr, "campus-sim: {} messages published\n", out.sent());
  return status;
}
