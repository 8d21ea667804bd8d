#include "notify/sms/log_sms_gateway.hpp"

#include <date/date.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "notify/sms/phone_number.hpp"

namespace campus::notify::sms {

std::expected<std::unique_ptr<log_sms_gateway>, std::string> log_sms_gateway::open(
    const std::string& path) {
  std::error_code ec;
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  std::FILE* f = std::fopen(path.c_str(), "ae");
  if (!f)
    return std::unexpected(fmt::format("sms log: cannot open {}: {}", path, std::strerror(errno)));
  return std::unique_ptr<log_sms_gateway>(new log_sms_gateway(f, path));
}

log_sms_gateway::log_sms_gateway(std::FILE* file, std::string path)
    : file_(file), path_(std::move(path)) {}

log_sms_gateway::~log_sms_gateway() {
  thread_.stop();  // join first: writes run on that thread
  std::fclose(file_);
}

std::string log_sms_gateway::format_line(core::time_point at, const sms_message& m) {
  std::string text;
  for (char c : m.text) {
    if (c == '\n')
      text += "\\n";
    else if (c == '\r')
      text += "\\r";
    else if (c == '\t')
      text += "\\t";
    else if (c == '\\')
      text += "\\\\";
    else
      text.push_back(c);
  }
  return fmt::format("{}\t{}\t{}\t{}\n", date::format("%FT%TZ", at), m.id, m.to, text);
}

void log_sms_gateway::send(sms_message message, delivery_callback on_result) {
  boost::asio::post(thread_.context(),
                    [this, m = std::move(message), cb = std::move(on_result)] { write(m, cb); });
}

void log_sms_gateway::write(const sms_message& m, const delivery_callback& on_result) {
  auto now = core::system_clock{}.now();
  // The same check as the real gateways, so a demo shows the failure a bad number would cause.
  if (!is_e164(m.to)) {
    if (on_result)
      on_result(
          {m.id, delivery_status::failed, fmt::format("not an E.164 number: '{}'", m.to), now});
    return;
  }
  auto line = format_line(now, m);
  bool ok = std::fputs(line.c_str(), file_) >= 0 && std::fflush(file_) == 0;
  core::log(core::log_level::info, "sms (log gateway) {} to {}: {}", m.id, m.to, m.text);
  if (!on_result) return;
  if (ok)
    on_result({m.id, delivery_status::sent, "written to " + path_, now});
  else
    on_result({m.id, delivery_status::failed,
               fmt::format("cannot write {}: {}", path_, std::strerror(errno)), now});
}

}  // namespace campus::notify::sms
