// The demo gateway: every message becomes one line in a log file (and one line in the server
// log) and is reported sent. No phone is ever contacted.
#pragma once

#include <cstdio>
#include <expected>
#include <memory>
#include <string>

#include "notify/sms/gateway_thread.hpp"
#include "notify/sms/sms_gateway.hpp"

namespace campus::notify::sms {

class log_sms_gateway final : public sms_gateway {
 public:
  // Opens `path` for appending (creating it and its directory); the error names the file.
  static std::expected<std::unique_ptr<log_sms_gateway>, std::string> open(const std::string& path);
  ~log_sms_gateway() override;

  // The line: "<UTC time ISO 8601>\t<id>\t<to>\t<text>" with newlines, tabs and backslashes
  // in the text escaped as \n, \t and \\, so that one message is always one line.
  void send(sms_message message, delivery_callback on_result) override;
  std::string_view name() const override { return "log"; }

  static std::string format_line(core::time_point at, const sms_message& m);

 private:
  explicit log_sms_gateway(std::FILE* file, std::string path);
  void write(const sms_message& m, const delivery_callback& on_result);

  std::FILE* file_;  // gateway thread only
  std::string path_;
  gateway_thread thread_{"log"};
};

}  // namespace campus::notify::sms
