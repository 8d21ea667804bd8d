// Wires the modules together for `campus-shield serve`: one io_context, run by one thread,
// carries the MQTT client, the ingest pipeline, the rule timers and every HTTP/WebSocket
// session (each on its own strand), so no blocking call and no lock sits on the hot path.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <filesystem>
#include <memory>

#include "app/history_feed.hpp"
#include "app/ingest_throttle.hpp"
#include "bureau/district_figures.hpp"
#include "config/district.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/readiness.hpp"
#include "alerts/alert_ledger.hpp"
#include "auth/authenticator.hpp"
#include "history/history_store.hpp"
#include "incident/incident_desk.hpp"
#include "journal/message_journal.hpp"
#include "ingest/live_state.hpp"
#include "ingest/pipeline.hpp"
#include "mqtt/mqtt_client.hpp"
#include "net/server.hpp"
#include "notice/notice_board.hpp"
#include "notice/notice_sender.hpp"
#include "notify/duty/duty_config.hpp"
#include "notify/duty/roster.hpp"
#include "notify/sms/sms_gateway.hpp"
#include "notify/sms/sms_settings.hpp"
#include "rules/rule_engine.hpp"
#include "storage/serial_worker.hpp"

namespace campus::app {

class application {
 public:
  // `duty` may be an error (a file without a duty section: nobody is on duty); `sms` is the
  // file's sms section, already checked.
  application(config::district d, notify::duty::duty_result duty, notify::sms::sms_settings sms);
  ~application();

  // Runs until SIGINT or SIGTERM, then writes or spools all history still in memory.
  // Returns the process exit code.
  int run();

 private:
  void schedule_tick();
  // Opens the ledger, the SMS gateway and the incident desk, and restores the open entries;
  // an error says which part could not start.
  std::expected<void, std::string> open_incidents();
  // Opens notices.db and the notice sender (through the desk's SMS outbox). Notices are not
  // needed for alerts: when the file cannot be opened, this is logged and /api/notices
  // answers 503.
  void open_notices(incident::sms_outbox* outbox, notify::sms::sms_language language);
  // Opens the crash journal in <data_dir>/journal, replays what it holds through the pipeline
  // and sets its barriers (history, the desk); after the desk has restored, before MQTT starts.
  // A journal that cannot be opened is reported (readiness part "journal"), not fatal.
  void open_journal();
  // The rule engine's pending durations (docs/reliability.md, "Restart"): taken up from
  // <data_dir>/rule_state after the ledger's active conditions; a missing file is a first
  // start, an unreadable or corrupt one is logged and the engine starts afresh.
  void load_rule_state();
  // Every rule_state_every ticks: serialised on the loop (the engine is not thread-safe),
  // written by rule_state_writer_; skipped while the last save is still being written.
  void save_rule_state();

  config::district district_;
  // The duty and sms sections, read by main with the rest of the file, before anything sized
  // by the district is built (see main.cpp: the heap is compacted after the parsing).
  notify::duty::duty_result duty_;
  notify::sms::sms_settings sms_;
  core::system_clock clock_;
  core::metrics metrics_;
  // What /readyz reports: the ledger, history and the broker connection say when they fail.
  core::readiness readiness_{clock_, metrics_};
  std::unique_ptr<history::history_store> history_;  // null when it could not be opened
  std::unique_ptr<auth::authenticator> auth_;         // null when users.db could not be opened
  std::string auth_error_;
  std::string history_error_;
  std::unique_ptr<history_feed> history_feed_;
  // Each MQTT message is written here before the pipeline sees it (journal/message_journal.hpp);
  // null when it could not be opened. Its barriers' callbacks hold only its own shared state.
  std::unique_ptr<journal::message_journal> journal_;
  std::unique_ptr<notify::duty::roster> roster_;    // null when the file has no duty section
  boost::asio::io_context io_{1};
  ingest::live_state state_;
  rules::rule_engine engine_;
  ingest::pipeline pipeline_;
  static constexpr int rule_state_every = 5;  // ticks (seconds) between two saves
  const std::filesystem::path rule_state_file_ =
      std::filesystem::path(district_.data_dir) / "rule_state";
  int rule_state_ticks_ = 0;
  std::atomic<bool> rule_state_writing_{false};  // a save is with the writer
  bool rule_state_failing_ = false;              // the writer's thread only: log changes once
  // The thread that writes the file (temp file, fdatasync, rename), so the loop never waits
  // for the disk. After what its tasks touch: destroyed, and joined, before them.
  storage::serial_worker rule_state_writer_;
  net::server http_;
  std::unique_ptr<mqtt::mqtt_client> mqtt_;
  std::unique_ptr<ingest_throttle> throttle_;  // null without history (then run() refuses)
  // Declared after io_ so they go first: a ledger or gateway answer may still be posted to the
  // io_context while they stop. The gateway goes before the desk (its answers use the desk's
  // outbox), the desk before the ledger.
  // Before the ledger and the desk it reads: stopped (its thread joined) before they go.
  std::unique_ptr<bureau::district_figures> figures_;
  std::unique_ptr<alerts::alert_ledger> ledger_;
  std::unique_ptr<incident::incident_desk> desk_;
  incident::sms_outbox* outbox_ = nullptr;  // the desk's; told the dashboard's address once bound
  std::unique_ptr<notify::sms::sms_gateway> gateway_;
  std::string incidents_error_;
  // Declared after the desk and the gateway so they go first: the board's worker stops (its
  // last callbacks reach the sender and the hub), then the sender, which uses the desk's
  // outbox.
  std::unique_ptr<notice::notice_sender> notice_sender_;
  std::unique_ptr<notice::notice_board> notices_;  // null when notices.db could not be opened
  boost::asio::steady_timer tick_;
  boost::asio::signal_set signals_;
};

}  // namespace campus::app
