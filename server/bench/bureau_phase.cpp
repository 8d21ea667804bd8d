#include "bench/bureau_phase.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "bench/alert_probe.hpp"
#include "bench/bench_process.hpp"
#include "bench/load_publisher.hpp"
#include "bench/process_sample.hpp"
#include "bench/server_link.hpp"
#include "bench/ws_fleet.hpp"

namespace campus::bench {
namespace {

using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* bureau_password = "campus-bench-bureau-password";

void say(const std::string& what) { std::cerr << "campus-bench: " << what << std::endl; }

milliseconds ms_of(double seconds) { return milliseconds(static_cast<long>(seconds * 1000)); }

// "YYYY-MM" now in Asia/Shanghai (the generated schools' zone, UTC+8 without DST).
std::string this_month() {
  const auto local = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() +
                                                           std::chrono::hours{8});
  const std::chrono::year_month_day d{local};
  return fmt::format("{:04}-{:02}", int(d.year()), unsigned(d.month()));
}

// The server's resident memory, sampled every 100 ms on a thread of its own; peak() gives the
// highest sample since the previous call.
class rss_watch {
 public:
  explicit rss_watch(pid_t pid)
      : thread_([this, pid] {
          while (!stop_) {
            const double now = rss_mib(pid).value_or(0);
            double seen = peak_.load();
            while (now > seen && !peak_.compare_exchange_weak(seen, now)) {
            }
            std::this_thread::sleep_for(milliseconds{100});
          }
        }) {}
  ~rss_watch() {
    stop_ = true;
    thread_.join();
  }
  double peak() { return peak_.exchange(0); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<double> peak_{0};
  std::thread thread_;
};

// Bureau user i's own loopback address: officers work at different machines, and the server
// limits each address's request rate (net/address_guard).
std::string address_of(int user) { return fmt::format("127.0.2.{}", 1 + user % 250); }

// Latencies of GET requests by route (milliseconds), the requests the server's per-address
// rate limit refused (429: the server shedding load, not a failure of the route), and the
// requests that failed otherwise.
class route_timings {
 public:
  void get(int port, const std::string& route, const std::string& target, const std::string& token,
           const std::string& source) {
    const auto t0 = steady::now();
    const auto r = http_request(port, "GET", target, {}, token, source);
    const double ms = std::chrono::duration<double, std::milli>(steady::now() - t0).count();
    std::lock_guard lock(mutex_);
    if (r && r->status == 200) {
      samples_[route].push_back(ms);
    } else if (r && r->status == 429) {
      ++limited_;
    } else {
      ++failed_;
      if (first_failure_.empty())
        first_failure_ = r ? fmt::format("{} answered {}", target, r->status)
                           : fmt::format("{}: no answer", target);
    }
  }
  std::vector<double> samples(const std::string& route) {
    std::lock_guard lock(mutex_);
    return samples_[route];
  }
  int failed() {
    std::lock_guard lock(mutex_);
    return failed_;
  }
  int limited() {
    std::lock_guard lock(mutex_);
    return limited_;
  }
  std::string first_failure() {
    std::lock_guard lock(mutex_);
    return first_failure_;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<double>> samples_;
  int failed_ = 0;
  int limited_ = 0;
  std::string first_failure_;
};

double processed(int port) { return metric_sum(read_metrics(port), "campus_mqtt_messages_total"); }

}  // namespace

std::expected<void, std::string> bureau_phase::add_users(const std::filesystem::path& data_dir) {
  std::filesystem::create_directories(data_dir);
  for (int i = 1; i <= s_.users; ++i) {
    const auto name = fmt::format("bureau-{}", i);
    auto added = bench_process::run({server_binary_.string(), "user", "add", name, "--role",
                                     "bureau", "--display", name, "--data-dir", data_dir.string()},
                                    std::string(bureau_password) + "\n", data_dir / "users.log");
    if (!added || *added != 0) {
      return std::unexpected(fmt::format("campus-shield user add {} --role bureau failed{}", name,
                                         added ? " (see " + (data_dir / "users.log").string() + ")"
                                               : ": " + added.error()));
    }
  }
  return {};
}

std::expected<int, std::string> bureau_phase::false_offline_alerts(int port,
                                                                   const std::string& token) const {
  std::set<std::string> absence_rules;
  for (const auto& r : district_.district.rules)
    if (r.kind == rules::rule_kind::absence) absence_rules.insert(r.id);
  int found = 0;
  for (std::int64_t offset = 0, total = 1; offset < total; offset += 1000) {
    auto r = http_request(port, "GET", fmt::format("/api/alerts?limit=1000&offset={}", offset), {},
                          token);
    if (!r || r->status != 200) return std::unexpected("GET /api/alerts failed");
    boost::system::error_code ec;
    const auto v = boost::json::parse(r->body, ec);
    if (ec || !v.is_object()) return std::unexpected("GET /api/alerts: not JSON");
    const auto* t = v.as_object().if_contains("total");
    const auto* list = v.as_object().if_contains("alerts");
    if (!t || !list || !list->is_array()) return std::unexpected("GET /api/alerts: no alerts/total");
    total = t->to_number<std::int64_t>();
    for (const auto& e : list->as_array()) {
      const auto* rule = e.as_object().if_contains("rule");
      const auto* site = e.as_object().if_contains("site");
      if (rule && rule->is_string() && absence_rules.count(std::string(rule->as_string())) &&
          !(site && site->is_string() && site->as_string() == bench_district::probe_site))
        ++found;
    }
    if (list->as_array().empty()) break;
  }
  return found;
}

std::expected<void, std::string> bureau_phase::run() {
  const int schools = static_cast<int>(district_.district.sites.size());
  say(fmt::format("bureau: {} bureau users and {} bureau pages on a district of {} schools, "
                  "{} msg/s of readings; overview every {} s for {} s, then hammered for {} s",
                  s_.users, s_.clients, schools, s_.rate, s_.interval_s, s_.refresh_s,
                  s_.window_s));
  const auto data_dir = dir_ / "bureau";
  if (auto ok = add_users(data_dir); !ok) return ok;
  auto server = stack_.start_server(district_.file, data_dir);
  if (!server) return std::unexpected(server.error());
  const int port = server->port;
  std::vector<std::string> tokens;
  for (int i = 1; i <= s_.users; ++i) {
    auto t = log_in(port, fmt::format("bureau-{}", i), bureau_password);
    if (!t) return std::unexpected(fmt::format("bureau-{} could not log in", i));
    tokens.push_back(*t);
  }
  report_.add({"bureau", "schools", static_cast<double>(schools), "schools", "", std::nullopt,
               std::nullopt, fmt::format("{} devices", district_.district.devices.size())});

  rss_watch rss(server->process->pid());
  auto pub = load_publisher::connect({"127.0.0.1", stack_.broker_port(), s_.qos, s_.rate, 2000}, deck_);
  if (!pub) return std::unexpected(pub.error());
  (*pub)->start();
  // Every device heard once before measuring (a round of the deck), and at least 2 s of warm-up.
  const auto warm_until = steady::now() + milliseconds{2000};
  while (!(*pub)->covered_deck() && steady::now() < warm_until + ms_of(120))
    std::this_thread::sleep_for(milliseconds{50});
  std::this_thread::sleep_for(std::max(milliseconds{0},
      std::chrono::duration_cast<milliseconds>(warm_until - steady::now())));

  // 1. Background only.
  auto t0 = steady::now();
  double m0 = processed(port);
  std::this_thread::sleep_for(ms_of(s_.window_s));
  const double baseline = (processed(port) - m0) / std::chrono::duration<double>(steady::now() - t0).count();
  const double rss_background = rss.peak();
  report_.add({"bureau", "ingest, background only", baseline, "msg/s", "", std::nullopt,
               std::nullopt, fmt::format("{:.0f} msg/s sent", s_.rate)});

  // 2. Refresh: the pages open, each user asking for the overview every interval.
  ws_fleet fleet(port, tokens.front(), s_.clients, [](int, std::string_view, bool, steady::time_point) {});
  const int ready = fleet.open(milliseconds{60000});
  report_.add({"bureau", "bureau pages connected (/ws)", static_cast<double>(ready), "clients",
               std::to_string(s_.clients), std::nullopt, ready == s_.clients,
               fmt::format("{} failed to connect", fleet.failed())});
  route_timings refresh;
  const auto ws0 = fleet.messages();
  t0 = steady::now();
  m0 = processed(port);
  const auto refresh_end = t0 + ms_of(s_.refresh_s);
  {
    std::vector<std::thread> users;
    for (int i = 0; i < s_.users; ++i) {
      users.emplace_back([&, i] {
        // Staggered: K pages opened at different moments, each on its own 30 s timer.
        auto next = t0 + ms_of(s_.interval_s * i / s_.users);
        while (next < refresh_end) {
          std::this_thread::sleep_until(next);
          refresh.get(port, "/api/overview", "/api/overview", tokens[i], address_of(i));
          next += ms_of(s_.interval_s);
        }
      });
    }
    for (auto& u : users) u.join();
  }
  std::this_thread::sleep_until(refresh_end);
  const double refresh_span = std::chrono::duration<double>(steady::now() - t0).count();
  const double ingest_refresh = (processed(port) - m0) / refresh_span;
  const double ws_per_client =
      ready > 0 ? static_cast<double>(fleet.messages() - ws0) / refresh_span / ready : 0;
  const double rss_refresh = rss.peak();
  auto overview = refresh.samples("/api/overview");
  const auto n_overview = overview.size();
  report_.add({"bureau", "/api/overview p50, refresh", quantile(overview, 0.5), "ms", "",
               std::nullopt, std::nullopt,
               fmt::format("{} requests, {} users every {} s", n_overview, s_.users, s_.interval_s)});
  const double p99 = quantile(overview, 0.99);
  report_.add({"bureau", "/api/overview p99, refresh", p99, "ms", "≤ 200 ms", std::nullopt,
               n_overview > 0 && p99 <= 200, ""});
  report_.add({"bureau", "failed requests, refresh",
               static_cast<double>(refresh.failed() + refresh.limited()), "requests", "0",
               std::nullopt, refresh.failed() + refresh.limited() == 0, refresh.first_failure()});
  report_.add({"bureau", "server RSS peak, refresh", rss_refresh, "MiB", "≤ 256 MiB", std::nullopt,
               rss_refresh > 0 && rss_refresh <= 256,
               fmt::format("{:.0f} MiB with the background only", rss_background)});
  report_.add({"bureau", "ingest, refresh", ingest_refresh, "msg/s", "",
               baseline > 0 ? std::optional<double>(ingest_refresh / baseline) : std::nullopt,
               std::nullopt, "ratio: of the background only"});
  report_.add({"bureau", "messages per bureau page", ws_per_client, "msg/s", "a few (≤ 10)",
               std::nullopt, ready > 0 && ws_per_client <= 10,
               fmt::format("mean of {} pages; {} closed by the server", ready, fleet.closed())});

  // 3. Hammer: every user calls the bureau's routes back to back.
  const auto month = this_month();
  const std::vector<std::pair<std::string, std::string>> routes{
      {"/api/overview", "/api/overview"},
      {"/api/compliance", "/api/compliance"},
      {"/api/compliance/daily", "/api/compliance/daily"},
      {"/api/reports/monthly", "/api/reports/monthly?month=" + month}};
  route_timings hammer;
  t0 = steady::now();
  m0 = processed(port);
  const auto hammer_end = t0 + ms_of(s_.window_s);
  {
    std::vector<std::thread> users;
    for (int i = 0; i < s_.users; ++i) {
      users.emplace_back([&, i] {
        for (std::size_t k = static_cast<std::size_t>(i); steady::now() < hammer_end; ++k) {
          const auto& [route, target] = routes[k % routes.size()];
          hammer.get(port, route, target, tokens[i], address_of(i));
        }
      });
    }
    for (auto& u : users) u.join();
  }
  const double hammer_span = std::chrono::duration<double>(steady::now() - t0).count();
  const double ingest_hammer = (processed(port) - m0) / hammer_span;
  const double rss_hammer = rss.peak();
  for (const auto& [route, target] : routes) {
    auto v = hammer.samples(route);
    const auto n = v.size();
    report_.add({"bureau", route + " p50, hammer", quantile(v, 0.5), "ms", "", std::nullopt,
                 std::nullopt, fmt::format("{} requests", n)});
    report_.add({"bureau", route + " p99, hammer", quantile(v, 0.99), "ms", "", std::nullopt,
                 std::nullopt, ""});
  }
  report_.add({"bureau", "failed requests, hammer", static_cast<double>(hammer.failed()),
               "requests", "0", std::nullopt, hammer.failed() == 0, hammer.first_failure()});
  report_.add({"bureau", "refused by the per-address rate limit, hammer",
               static_cast<double>(hammer.limited()), "requests", "", std::nullopt, std::nullopt,
               "429: each user's address may make 50 requests a second"});
  report_.add({"bureau", "server RSS peak, hammer", rss_hammer, "MiB", "", std::nullopt,
               std::nullopt, ""});
  const auto ratio = baseline > 0 ? std::optional<double>(ingest_hammer / baseline) : std::nullopt;
  report_.add({"bureau", "ingest, hammer", ingest_hammer, "msg/s", "≥ 95 % of background only",
               ratio, ratio && *ratio >= 0.95, "ratio: of the background only"});

  (*pub)->stop();
  (*pub)->drain(milliseconds{60000});
  auto offline = false_offline_alerts(port, tokens.front());
  if (!offline) return std::unexpected(offline.error());
  report_.add({"bureau", "false offline alerts", static_cast<double>(*offline), "alerts", "0",
               std::nullopt, *offline == 0, "ledger entries of absence rules, background devices"});
  server->process->stop(std::chrono::seconds{60});
  return {};
}

}  // namespace campus::bench
