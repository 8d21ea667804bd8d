#include "support/mosquitto_broker.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "support/free_port.hpp"

namespace campus::test {
namespace {

std::string broker_binary() {
  if (const char* b = std::getenv("CAMPUS_MOSQUITTO"); b && *b) return b;
  return CAMPUS_MOSQUITTO_BROKER;
}

}  // namespace

mosquitto_broker::mosquitto_broker() : mosquitto_broker(options{}) {}

mosquitto_broker::mosquitto_broker(options opts) : opts_(std::move(opts)), port_(free_port()) {
  write_config();
  start();
}

mosquitto_broker::~mosquitto_broker() = default;  // child_process stops it and dumps on failure

void mosquitto_broker::write_config() const {
  std::ofstream conf(config_file());
  conf << "# Written by campus::test::mosquitto_broker\n"
       << "listener " << port_ << " 127.0.0.1\n"
       << "allow_anonymous true\n";
  // As scripts/lib.sh writes it: docs/broker.md, "Persistence".
  if (opts_.persistence) {
    std::filesystem::create_directories(persistence_file().parent_path());
    conf << "persistence true\n"
         << "persistence_location " << persistence_file().parent_path().string() << "\n"
         << "autosave_interval " << shipped_autosave_interval_s << "\n";
  } else {
    conf << "persistence false\n";
  }
  // The point of these two: a subscriber behind a burst gets its messages late, not never.
  conf << "max_queued_messages " << opts_.max_queued_messages << "\n"
       << "max_queued_bytes " << opts_.max_queued_bytes << "\n"
       // Its own log goes to the same file as its stdout and stderr, and is flushed per line.
       << "log_dest file " << log_file().string() << "\n"
       << "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
       << "connection_messages true\n"
       << "log_timestamp_format %H:%M:%S\n";
  // Run as root (CI), mosquitto would switch to the `mosquitto` user and then could not open
  // its log in our 0700 directory; a test broker on 127.0.0.1 may keep the test's identity.
  if (::geteuid() == 0) conf << "user root\n";
  for (const auto& line : opts_.extra_config) conf << line << "\n";
  if (!conf) throw std::runtime_error("cannot write " + config_file().string());
}

bool mosquitto_broker::running() const { return process_ && process_->running(); }

void mosquitto_broker::start() {
  if (running()) return;
  process_.reset();  // the previous, stopped process (its log file stays and is appended to)
  process_ = std::make_unique<child_process>(
      std::vector<std::string>{broker_binary(), "-c", config_file().string()}, log_file());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (!port_accepts(port_)) {
    if (!process_->running() || std::chrono::steady_clock::now() >= deadline) {
      std::string why = process_->running() ? "did not accept connections within 10 s"
                                            : "exited during start-up";
      throw std::runtime_error("mosquitto on port " + std::to_string(port_) + " " + why +
                               "\n" + log_tail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
}

void mosquitto_broker::stop() {
  if (process_) process_->stop();
}

void mosquitto_broker::kill() {
  if (!running()) return;
  ::kill(process_->pid(), SIGKILL);
  process_->wait_exit(std::chrono::seconds{10});
}

void mosquitto_broker::restart() {
  stop();
  start();
}

std::string mosquitto_broker::log_tail(std::size_t lines) const {
  return process_ ? process_->log_tail(lines) : std::string{};
}

}  // namespace campus::test
