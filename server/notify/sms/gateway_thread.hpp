// The thread every SMS gateway runs on: its own io_context, so that disk and network I/O for
// messages never runs on (or blocks) the server's loop.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <string>
#include <thread>

namespace campus::notify::sms {

class gateway_thread {
 public:
  // Starts the thread at once; `name` appears in logs if a handler throws.
  explicit gateway_thread(std::string name);
  // Calls stop().
  ~gateway_thread();
  gateway_thread(const gateway_thread&) = delete;
  gateway_thread& operator=(const gateway_thread&) = delete;

  boost::asio::io_context& context() { return ioc_; }

  // Stops the loop and joins the thread; handlers not yet run are dropped. Owners call this
  // first in their destructor, before their timers and sockets (which use the loop) go away.
  // Idempotent; must not be called from the thread itself.
  void stop();

 private:
  void run();

  std::string name_;
  boost::asio::io_context ioc_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace campus::notify::sms
