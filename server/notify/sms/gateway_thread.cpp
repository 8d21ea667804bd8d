#include "notify/sms/gateway_thread.hpp"

#include <exception>

#include "core/log.hpp"

namespace campus::notify::sms {

gateway_thread::gateway_thread(std::string name)
    : name_(std::move(name)), work_(ioc_.get_executor()), thread_([this] { run(); }) {}

gateway_thread::~gateway_thread() { stop(); }

void gateway_thread::stop() {
  if (!thread_.joinable()) return;
  work_.reset();
  ioc_.stop();
  thread_.join();
}

void gateway_thread::run() {
  // A handler that throws is a bug in this module; log it and keep the gateway alive rather
  // than lose every later message to the same phone list.
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      core::log(core::log_level::error, "sms gateway {}: handler threw: {}", name_, e.what());
    }
  }
}

}  // namespace campus::notify::sms
