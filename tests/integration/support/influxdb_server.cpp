#include "support/influxdb_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "support/free_port.hpp"

namespace campus::test {
namespace {

std::string influxd_binary() {
  if (const char* b = std::getenv("CAMPUS_INFLUXD"); b && *b) return b;
  return "/usr/bin/influxd";
}

void send_all(int fd, const std::string& data) {
  std::size_t at = 0;
  while (at < data.size()) {
    ssize_t n = ::send(fd, data.data() + at, data.size() - at, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("influxdb_server: send failed");
    at += static_cast<std::size_t>(n);
  }
}

}  // namespace

influxdb_server::influxdb_server() : http_port_(free_port()), rpc_port_(free_port()) {
  while (rpc_port_ == http_port_) rpc_port_ = free_port();
  write_config();
  start();
}

influxdb_server::~influxdb_server() = default;  // child_process stops it and dumps on failure

void influxdb_server::write_config() const {
  const auto d = dir_.path().string();
  std::ofstream conf(dir_ / "influxdb.conf");
  conf << "# Written by campus::test::influxdb_server\n"
       << "reporting-disabled = true\n"
       << "bind-address = \"127.0.0.1:" << rpc_port_ << "\"\n"
       << "[meta]\n  dir = \"" << d << "/meta\"\n"
       << "[data]\n  dir = \"" << d << "/data\"\n  wal-dir = \"" << d << "/wal\"\n"
       << "  query-log-enabled = false\n"
       << "[coordinator]\n  write-timeout = \"10s\"\n"
       << "[retention]\n  enabled = false\n"
       << "[monitor]\n  store-enabled = false\n"
       << "[http]\n  enabled = true\n  bind-address = \"127.0.0.1:" << http_port_ << "\"\n"
       << "  auth-enabled = false\n  log-enabled = false\n"
       << "[[graphite]]\n  enabled = false\n"
       << "[[collectd]]\n  enabled = false\n"
       << "[[opentsdb]]\n  enabled = false\n"
       << "[[udp]]\n  enabled = false\n"
       << "[continuous_queries]\n  enabled = false\n"
       << "[subscriber]\n  enabled = false\n";
  if (!conf) throw std::runtime_error("cannot write influxdb.conf in " + d);
}

bool influxdb_server::running() const { return process_ && process_->running(); }

bool influxdb_server::ping() {
  if (!port_accepts(http_port_)) return false;
  try {
    return request("GET", "/ping").status == 204;
  } catch (const std::runtime_error&) {
    return false;  // accepted, then closed: still starting
  }
}

void influxdb_server::start() {
  if (running()) return;
  process_.reset();  // the previous, stopped process; its log file is appended to
  process_ =
      std::make_unique<child_process>(std::vector<std::string>{influxd_binary(), "run", "-config",
                                                               (dir_ / "influxdb.conf").string()},
                                      dir_ / "influxd.log");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (!ping()) {
    if (!process_->running() || std::chrono::steady_clock::now() >= deadline) {
      std::string why =
          process_->running() ? "did not answer /ping within 30 s" : "exited during start-up";
      throw std::runtime_error("influxd on port " + std::to_string(http_port_) + " " + why + "\n" +
                               log_tail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

void influxdb_server::stop() {
  if (process_) process_->stop(std::chrono::seconds{15});
}

influxdb_server::response influxdb_server::request(const std::string& method,
                                                   const std::string& target,
                                                   const std::string& body,
                                                   const std::string& content_type) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("influxdb_server: socket failed");
  timeval tv{30, 0};  // bounds a hang; never a timing assertion
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(http_port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string raw;
  try {
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("influxdb_server: connect failed");
    // HTTP/1.0: the server closes after the answer and sends no chunked encoding.
    std::string req = method + " " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\n";
    if (!body.empty() || method == "POST")
      req += "Content-Type: " + content_type +
             "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    send_all(fd, req);
    char buf[65536];
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n < 0) throw std::runtime_error("influxdb_server: recv failed");
      if (n == 0) break;
      raw.append(buf, static_cast<std::size_t>(n));
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  response r;
  if (std::sscanf(raw.c_str(), "HTTP/%*d.%*d %d", &r.status) != 1)
    throw std::runtime_error("influxdb_server: no HTTP status line");
  auto head_end = raw.find("\r\n\r\n");
  if (head_end != std::string::npos) r.body = raw.substr(head_end + 4);
  return r;
}

std::string influxdb_server::percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

void influxdb_server::create_database(const std::string& name) {
  auto r = request("POST", "/query", "q=" + percent_encode("CREATE DATABASE \"" + name + "\""));
  if (r.status != 200 || r.body.find("\"error\"") != std::string::npos)
    throw std::runtime_error("CREATE DATABASE " + name + ": HTTP " + std::to_string(r.status) +
                             " " + r.body);
}

std::string influxdb_server::query(const std::string& database, const std::string& influxql) {
  auto r = request(
      "GET", "/query?db=" + percent_encode(database) + "&epoch=ms&q=" + percent_encode(influxql));
  if (r.status != 200)
    throw std::runtime_error("query " + influxql + ": HTTP " + std::to_string(r.status) + " " +
                             r.body);
  return r.body;
}

influxdb_server::response influxdb_server::write(const std::string& database,
                                                 const std::string& lines,
                                                 const std::string& precision) {
  return request("POST", "/write?db=" + percent_encode(database) + "&precision=" + precision, lines,
                 "text/plain; charset=utf-8");
}

std::string influxdb_server::log_tail(std::size_t lines) const {
  return process_ ? process_->log_tail(lines) : std::string{};
}

}  // namespace campus::test
