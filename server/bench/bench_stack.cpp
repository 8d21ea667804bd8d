#include "bench/bench_stack.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "bench/server_link.hpp"

namespace campus::bench {
namespace {

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

template <class Ready>
bool wait_for(Ready ready, std::chrono::seconds limit, bench_process& p) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ready()) {
    if (!p.running() || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return true;
}

constexpr const char* bench_password = "campus-bench-password";

}  // namespace

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto a = loopback(0);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

bool port_accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  auto a = loopback(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

std::expected<int, std::string> bench_stack::start_broker() {
  broker_port_ = free_port();
  const auto conf = dir_ / "mosquitto.conf";
  {
    std::ofstream c(conf);
    // As scripts/lib.sh writes it (queues raised so QoS 1 is never dropped for a subscriber
    // behind a burst; sessions saved every 5 s, so the figures include what persistence
    // costs the broker), but anonymous: see docs/benchmarks.md.
    c << "listener " << broker_port_ << " 127.0.0.1\n"
      << "allow_anonymous true\npersistence true\n"
      << "persistence_location " << (dir_.string() + "/") << "\nautosave_interval 5\n"
      << "max_queued_messages 1000000\nmax_queued_bytes 0\n"
      << "log_dest file " << (dir_ / "mosquitto.log").string() << "\n";
    if (::geteuid() == 0) c << "user root\n";
  }
  auto p = bench_process::start({"/usr/sbin/mosquitto", "-c", conf.string()},
                                dir_ / "mosquitto.out");
  if (!p) return std::unexpected(p.error());
  broker_.emplace(std::move(*p));
  if (!wait_for([&] { return port_accepts(broker_port_); }, std::chrono::seconds{10}, *broker_))
    return std::unexpected("mosquitto did not start:\n" + broker_->log_tail());
  return broker_port_;
}

std::expected<std::string, std::string> bench_stack::start_influxd() {
  const int http = free_port();
  int rpc = free_port();
  while (rpc == http) rpc = free_port();
  const auto d = (dir_ / "influxdb").string();
  std::filesystem::create_directories(d);
  const auto conf = dir_ / "influxdb.conf";
  {
    std::ofstream c(conf);
    c << "reporting-disabled = true\nbind-address = \"127.0.0.1:" << rpc << "\"\n"
      << "[meta]\n  dir = \"" << d << "/meta\"\n"
      << "[data]\n  dir = \"" << d << "/data\"\n  wal-dir = \"" << d << "/wal\"\n"
      << "  query-log-enabled = false\n"
      << "[http]\n  enabled = true\n  bind-address = \"127.0.0.1:" << http << "\"\n"
      << "  auth-enabled = false\n  log-enabled = false\n"
      << "[monitor]\n  store-enabled = false\n"
      << "[continuous_queries]\n  enabled = false\n";
  }
  auto p = bench_process::start({"/usr/bin/influxd", "-config", conf.string()},
                                dir_ / "influxd.log");
  if (!p) return std::unexpected(p.error());
  influxd_.emplace(std::move(*p));
  auto ping = [&] {
    if (!port_accepts(http)) return false;
    auto r = http_request(http, "GET", "/ping");
    return r && r->status == 204;
  };
  if (!wait_for(ping, std::chrono::seconds{60}, *influxd_))
    return std::unexpected("influxd did not start:\n" + influxd_->log_tail());
  return fmt::format("http://127.0.0.1:{}", http);
}

std::expected<running_server, std::string> bench_stack::start_server(
    const std::filesystem::path& config, const std::filesystem::path& data_dir) {
  std::filesystem::create_directories(data_dir);
  const auto log = data_dir / "campus-shield.log";
  // A viewer of the probe school: its dashboards get the probes' alerts and readings, and the
  // hub still checks every background reading against each session's schools.
  auto added = bench_process::run({server_binary_.string(), "user", "add", user, "--role",
                                   "viewer", "--sites", "bench-probe", "--data-dir",
                                   data_dir.string()},
                                  std::string(bench_password) + "\n", log);
  if (!added || *added != 0)
    return std::unexpected("campus-shield user add failed (see " + log.string() + ")" +
                           (added ? "" : ": " + added.error()));
  running_server s;
  s.port = free_port();
  const auto started = std::chrono::steady_clock::now();
  auto p = bench_process::start(
      {server_binary_.string(), "serve", "--config", config.string(), "--listen",
       fmt::format("127.0.0.1:{}", s.port), "--mqtt", fmt::format("127.0.0.1:{}", broker_port_),
       "--data-dir", data_dir.string(), "--log-level", "warn"},
      log);
  if (!p) return std::unexpected(p.error());
  s.process.emplace(std::move(*p));
  auto connected = [&] {
    if (!port_accepts(s.port)) return false;
    return metric_sum(read_metrics(s.port), "campus_mqtt_connected") == 1;
  };
  if (!wait_for(connected, std::chrono::seconds{1800}, *s.process))
    return std::unexpected("campus-shield did not come up:\n" + s.process->log_tail());
  s.start_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto token = log_in(s.port, user, bench_password);
  if (!token) return std::unexpected("the bench user could not log in");
  s.token = *token;
  return s;
}

}  // namespace campus::bench
