// SMS through smstools' smsd and a GSM modem on site, by its spool directories.
//
// A message becomes a file in outgoing/, written atomically: it is written and fsync'ed in a
// private staging directory on the same filesystem, then rename(2)d into outgoing/, so smsd
// never sees a half-written file (it polls outgoing/ and takes any name not starting with a dot
// or "LOCKED" and not ending in ".LOCK"). The file name carries our message id. The outcome
// is learnt by checking, on a timer, whether smsd has moved that name into sent/ or failed/
// (smsd keeps file names by default: keep_filename = yes), and reading the headers it added.
// Everything runs on the gateway's own thread.
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "notify/sms/gateway_thread.hpp"
#include "notify/sms/sms_gateway.hpp"

namespace campus::notify::sms {

struct smstools_settings {
  std::string spool_dir = "/var/spool/sms";
  std::string outgoing_dir;  // default <spool_dir>/outgoing
  std::string sent_dir;      // default <spool_dir>/sent
  std::string failed_dir;    // default <spool_dir>/failed
  std::string staging_dir;   // default <spool_dir>/campus-staging; created if missing; must be
                             // on the same filesystem as outgoing/ (rename(2) is atomic only there)
  std::chrono::milliseconds poll_interval{1000};
  // A message neither sent nor failed by then is reported failed (smsd stopped, modem gone).
  // smsd may still send it later: the reason says so.
  std::chrono::milliseconds give_up_after{std::chrono::minutes{30}};
  std::size_t max_pending = 10000;  // beyond it, send() reports failed at once
};

class smstools_gateway final : public sms_gateway {
 public:
  // Checks that outgoing/, sent/ and failed/ exist, that outgoing/ is writable, creates the
  // staging directory and checks it shares outgoing/'s filesystem; an error names the
  // directory and the problem. Starts the gateway thread.
  static std::expected<std::unique_ptr<smstools_gateway>, std::string> open(
      smstools_settings settings);

  // Stops the thread; messages still pending get no further callback (their files stay in
  // the spool and smsd still sends them).
  ~smstools_gateway() override;

  void send(sms_message message, delivery_callback on_result) override;
  std::string_view name() const override { return "smstools"; }

  // Messages written to outgoing/ whose outcome is not known yet.
  std::size_t pending() const { return pending_count_.load(); }

  const smstools_settings& settings() const { return settings_; }

 private:
  struct pending_message {
    std::string id;
    delivery_callback on_result;
    std::chrono::steady_clock::time_point queued_at;
  };

  explicit smstools_gateway(smstools_settings settings);
  void write(sms_message message, delivery_callback on_result);
  std::expected<void, std::string> write_atomically(const std::string& file_name,
                                                    const std::string& content);
  void arm_timer();
  void scan();
  // The outcome, once smsd has put `file_name` in sent/ or failed/ (and released its lock).
  std::optional<delivery_result> check_outcome(const std::string& file_name,
                                               const pending_message& p);

  smstools_settings settings_;
  std::int64_t stamp_;          // start time in ms: keeps file names unique across restarts
  std::uint64_t next_seq_ = 0;  // gateway thread only
  std::map<std::string, pending_message> pending_;  // by file name; gateway thread only
  std::atomic<std::size_t> pending_count_{0};
  std::atomic<std::size_t> accepted_{0};  // counted in send() to enforce max_pending early
  gateway_thread thread_{"smstools"};
  boost::asio::steady_timer timer_{thread_.context()};
};

}  // namespace campus::notify::sms
