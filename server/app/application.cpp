#include "app/application.hpp"

#include "adapters/registry.hpp"
#include "history/open_history.hpp"
#include "notify/duty/duty_config.hpp"
#include "notify/sms/dashboard_link.hpp"
#include "notify/sms/sms_settings.hpp"
#include "rules/rule_state_file.hpp"

#include <malloc.h>

#include <filesystem>
#include "core/log.hpp"

namespace campus::app {

application::application(config::district d, notify::duty::duty_result duty,
                         notify::sms::sms_settings sms)
    : district_(std::move(d)),
      duty_(std::move(duty)),
      sms_(std::move(sms)),
      state_(district_),
      engine_(district_.rules, ingest::device_profiles(district_), clock_),
      pipeline_(district_, adapters::builtin_registry(), engine_, state_, metrics_, clock_),
      http_(io_, district_.http, district_.http.dashboards_dir, state_, metrics_),
      tick_(io_),
      signals_(io_, SIGINT, SIGTERM) {
  if (auto opened = history::open_history(district_, metrics_, clock_)) {
    history_ = std::move(*opened);
    history_feed_ = std::make_unique<history_feed>(*history_);
    pipeline_.add_sink(*history_feed_);  // before the dashboards: history first, then display
  } else {
    history_error_ = opened.error();
  }
  pipeline_.add_sink(http_.sink());
  http_.set_readiness(&readiness_);
  // Everyone logs in (docs/security.md): users.db in the data directory, made with
  // `campus-shield user add`.
  {
    std::error_code ec;
    std::filesystem::create_directories(district_.data_dir, ec);
    const auto users = (std::filesystem::path(district_.data_dir) / "users.db").string();
    if (auto opened = auth::authenticator::open(users, clock_, metrics_)) {
      auth_ = std::move(*opened);
      http_.set_authenticator(auth_.get());
    } else {
      auth_error_ = users + ": " + opened.error();
    }
  }
  http_.set_history(history_.get());
  if (auto opened = open_incidents(); !opened) incidents_error_ = opened.error();
  // The MQTT client calls back on the io_context's one thread, the pipeline's only caller.
  mqtt_ = std::make_unique<mqtt::mqtt_client>(
      io_, district_.mqtt,
      [this](std::string_view topic, std::string_view payload) {
        // Journaled before it is handled: libmosquitto has already sent its PUBACK.
        const auto now = clock_.now();
        const bool journaled = journal_ && journal_->append(topic, payload, now);
        // While history is behind, the journal keeps the message's readings for it.
        if (history_feed_) history_feed_->set_held(journaled && journal_->holding());
        pipeline_.on_message(topic, payload, now);
        if (history_feed_) history_feed_->set_held(false);
        if (throttle_) throttle_->after_message(journaled);
      },
      metrics_);
  // History behind: the broker keeps the backlog (docs/reliability.md, "Overload").
  if (history_) {
    throttle_ = std::make_unique<ingest_throttle>(io_, *history_, *mqtt_, readiness_, metrics_,
                                                  district_.history.queue_high_water);
  }
}

application::~application() {
  // Its thread reads the desk and the ledger, which go before it.
  if (figures_) figures_->stop();
}

std::expected<void, std::string> application::open_incidents() {
  // The duty and sms sections were validated with the rest of the file (main.cpp); a file
  // without a duty section has no roster (every step reaches the dashboards only).
  auto policy = notify::duty::escalation_policy::seed_default();
  if (duty_) {
    roster_ = std::make_unique<notify::duty::roster>(std::move(duty_->plan));
    policy = std::move(duty_->escalation);
    http_.set_roster(roster_.get());
  }
  if (!sms_.configured) {
    core::log(core::log_level::warn,
              "no sms: section: alert text messages are only written to {} (no phone is "
              "contacted)", sms_.log_file);
  }
  auto gateway = notify::sms::open_gateway(sms_);
  if (!gateway) return std::unexpected(gateway.error());
  gateway_ = std::move(*gateway);

  std::error_code ec;
  std::filesystem::create_directories(district_.data_dir, ec);
  const auto path = (std::filesystem::path(district_.data_dir) / "ledger.db").string();
  auto ledger = alerts::alert_ledger::open(path, clock_, metrics_, [this](const rules::alert& a) {
    const auto* device = district_.find_device(a.device);
    return device ? device->family : std::string{};
  });
  if (!ledger) return std::unexpected("the alert ledger " + path + ": " + ledger.error().message);
  ledger_ = std::move(*ledger);

  desk_ = std::make_unique<incident::incident_desk>(io_, *ledger_, state_, roster_.get(),
                                                    policy, clock_, metrics_);
  desk_->set_readiness(&readiness_);  // part "ledger" while alert events wait to be recorded
  // The bureau's live figures keep a thread of their own: no overview or compliance request
  // runs on the loop that carries alarms.
  figures_ = std::make_unique<bureau::district_figures>(state_, clock_, metrics_);
  figures_->set_sources(desk_.get(), ledger_.get());
  // The schools' summaries on /ws: every school's in a new client's snapshot, those that changed
  // to the clients that may see them (the figures thread calls; the hub only posts).
  http_.set_school_tallies([f = figures_.get()] { return f->tallies(); });
  figures_->set_on_change([this](const std::vector<bureau::school_tally>& changed) {
    http_.on_schools(changed);
  });
  // The policy again (a copy): escalations in the monthly report.
  http_.set_bureau(ledger_.get(), std::move(policy), figures_.get());
  auto outbox = std::make_unique<incident::sms_outbox>(
      desk_->strand(), *gateway_, sms_.template_options, sms_.language, sms_.rate_limit, clock_,
      metrics_);
  incident::sms_outbox* shared_outbox = outbox.get();  // the bureau's notices go through it too
  outbox_ = shared_outbox;
  desk_->set_outbox(std::move(outbox));
  http_.set_incidents(desk_.get());  // before restore: the restored board is announced to none
  auto restored = desk_->restore();
  if (!restored) return std::unexpected("restoring open alerts: " + restored.error());
  core::log(core::log_level::info, "alert ledger {}: {} open entries; SMS by {}", path, *restored,
            gateway_->name());
  // The conditions of open entries were active when the process stopped: the engine takes
  // them up again, so the next reading that no longer holds clears them (and the tiles show
  // them meanwhile).
  const auto taken = engine_.restore(desk_->active_conditions());
  for (const auto& a : taken) state_.apply({rules::alert_event::kind::raised, a});
  if (!taken.empty()) {
    core::log(core::log_level::info, "{} active conditions taken up from the ledger",
              taken.size());
  }
  // Then the durations that were running (before the crash journal replays, in run()).
  load_rule_state();
  pipeline_.add_sink(*desk_);
  open_notices(shared_outbox, sms_.language);
  return {};
}

void application::open_notices(incident::sms_outbox* outbox, notify::sms::sms_language language) {
  const auto path = (std::filesystem::path(district_.data_dir) / "notices.db").string();
  auto board = notice::notice_board::open(path, clock_, metrics_);
  if (!board) {
    core::log(core::log_level::error, "bureau notices are unavailable: {}", board.error().message);
    return;
  }
  notices_ = std::move(*board);
  notice_sender_ = std::make_unique<notice::notice_sender>(
      *notices_, roster_.get(), outbox, desk_->strand(), language, clock_, metrics_);
  notices_->add_listener(notice_sender_.get());
  http_.set_notices(notices_.get());
  core::log(core::log_level::info, "bureau notices in {}", path);
}

void application::open_journal() {
  if (!district_.ingest.journal) {
    core::log(core::log_level::warn, "ingest.journal is false: a crash of the server loses the "
                                     "messages it had acknowledged and not yet stored");
    return;
  }
  journal::message_journal::options o;
  o.dir = std::filesystem::path(district_.data_dir) / "journal";
  auto opened = journal::message_journal::open(o, metrics_, &readiness_);
  if (!opened) {
    core::log(core::log_level::error, "no crash journal: {}", opened.error());
    readiness_.report("journal", opened.error() + "; messages are handled, but a crash would "
                                                  "lose those acknowledged to the broker");
    return;
  }
  journal_ = std::move(*opened);
  using kind = journal::message_journal::barrier_kind;
  journal_->add_barrier(
      [h = history_.get()](std::function<void()> done) { h->when_durable(std::move(done)); },
      kind::storage);
  journal_->add_barrier(
      [d = desk_.get()](std::function<void()> done) { d->when_recorded(std::move(done)); },
      kind::handling);
  // Still before the loop runs: the desk restored the open entries (and the engine their
  // conditions), so a replayed reading over a threshold raises nothing twice. Only messages
  // the previous run had not handled go through the pipeline again; the readings of every
  // segment left reach history from the journal, at the store's pace (history keeps one row
  // of a reading it had stored).
  journal_->replay(
      [this](const journal::journaled_message& m) {
        if (history_feed_) history_feed_->set_held(true);
        engine_.replaying(m.arrived);  // events the loaded rule state counts are not recounted
        pipeline_.on_message(m.topic, m.payload, m.arrived);
        if (history_feed_) history_feed_->set_held(false);
      },
      journal::message_journal::replay_mode::hold_for_history);
  engine_.replaying(std::nullopt);
  throttle_->set_journal(journal_.get(), [this](const journal::journaled_message& m) {
    const auto readings = pipeline_.readings_of(m.topic, m.payload, m.arrived);
    if (!readings.empty()) history_->append(readings);
  });
}

void application::schedule_tick() {
  tick_.expires_after(std::chrono::seconds(1));
  tick_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    pipeline_.on_tick();
    save_rule_state();
    // Between two messages (the loop has one thread): a segment due is sealed here.
    if (journal_) journal_->seal_if_due();
    schedule_tick();
  });
}

void application::load_rule_state() {
  auto text = rules::read_rule_state(rule_state_file_);
  if (!text) {
    core::log(core::log_level::error, "{}; pending rule durations start again", text.error());
    return;
  }
  if (!*text) return;  // a first start
  auto loaded = engine_.load_pending(**text);
  if (!loaded) {
    core::log(core::log_level::error, "rule state {}: {}; ignored, pending rule durations start "
              "again", rule_state_file_.string(), loaded.error());
    return;
  }
  core::log(core::log_level::info,
            "rule state {}: {} pending durations taken up, {} skipped (device or rule gone or "
            "changed), {} whose alert is active again; down for {} s{}",
            rule_state_file_.string(), loaded->taken, loaded->unbound, loaded->superseded,
            std::chrono::duration_cast<std::chrono::seconds>(loaded->downtime).count(),
            loaded->exact ? "" : " (a periodic save: the server did not stop cleanly)");
  if (loaded->malformed > 0) {
    core::log(core::log_level::warn, "rule state {}: {} malformed lines skipped ({})",
              rule_state_file_.string(), loaded->malformed, fmt::join(loaded->problems, "; "));
  }
}

void application::save_rule_state() {
  if (++rule_state_ticks_ < rule_state_every) return;
  if (rule_state_writing_.exchange(true)) return;  // still writing: try again next tick
  rule_state_ticks_ = 0;
  auto text = std::make_shared<const std::string>(engine_.save_pending());
  const bool posted = rule_state_writer_.post([this, text] {
    if (auto written = rules::write_rule_state(rule_state_file_, *text); !written) {
      // A file that can no longer be replaced would grow old: a restart had better start
      // afresh than resume durations from minutes ago.
      std::error_code ec;
      std::filesystem::remove(rule_state_file_, ec);
      if (!rule_state_failing_) {
        core::log(core::log_level::error, "cannot save the rule state: {}; removed it, and "
                  "retrying every {} s", written.error(), rule_state_every);
      }
      rule_state_failing_ = true;
    } else if (rule_state_failing_) {
      core::log(core::log_level::info, "rule state saved again to {}", rule_state_file_.string());
      rule_state_failing_ = false;
    }
    rule_state_writing_ = false;
  });
  if (!posted) rule_state_writing_ = false;
}

int application::run() {
  // Keeping every reading is part of the job: refuse to run without the history store.
  if (!history_) {
    core::log(core::log_level::error, "cannot open the history store: {}", history_error_);
    return 1;
  }
  // Nor open to anyone: without users.db nobody could log in, and nothing may be served
  // without a login.
  if (!auth_) {
    core::log(core::log_level::error, "cannot open the user database {}", auth_error_);
    return 1;
  }
  // Nor without the alert ledger: an alert nobody can record would be lost on restart.
  if (!desk_) {
    core::log(core::log_level::error, "cannot start alert handling: {}", incidents_error_);
    return 1;
  }
  auto bound = http_.start(district_.http.host, district_.http.port);
  if (!bound) {
    // The error names its cause: the address ("cannot bind …") or the certificate ("http.tls: …").
    core::log(core::log_level::error, "cannot start the web server on {}:{}: {}",
              district_.http.host, district_.http.port, bound.error());
    return 1;
  }
  core::log(core::log_level::info, "dashboard on {}://{}:{}/ (dashboards from {})",
            http_.secure() ? "https" : "http", bound->address().to_string(), bound->port(),
            district_.http.dashboards_dir);
  // SMS links open where the dashboard is served now, unless http.public_url says otherwise.
  const auto links =
      notify::sms::address_for_links(district_.http.public_url, http_.secure(), *bound);
  if (outbox_) outbox_->set_dashboard(links.url);
  core::log(links.caution.empty() ? core::log_level::info : core::log_level::warn,
            "SMS links open {}#alert=<id>{}{}", links.url, links.caution.empty() ? "" : ": ",
            links.caution);
  core::log(core::log_level::info, "{} sites, {} devices, {} rules; MQTT {}:{} subscription {}",
            district_.sites.size(), district_.devices.size(), district_.rules.size(),
            district_.mqtt.host, district_.mqtt.port, district_.mqtt.subscription);
  desk_->start();
  figures_->start();
  // What start-up built and dropped on the way (copies, the sites' and rules' scratch) goes
  // back to the system: glibc releases free pages inside the heap too, not only at its top.
  ::malloc_trim(0);
  open_journal();
  // Not ready until the first CONNACK: an alarm cannot reach a server the broker cannot reach.
  mqtt_->set_readiness(&readiness_);
  mqtt_->start();
  throttle_->start();
  schedule_tick();
  signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    core::log(core::log_level::info, "signal {}: stopping", signal);
    tick_.cancel();
    desk_->stop();
    mqtt_->stop();
    throttle_->stop();
    http_.stop();
    // Let the disconnect and the closing handshakes go out, then stop the loop.
    auto grace = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::milliseconds(200));
    grace->async_wait([this, grace](boost::system::error_code) { io_.stop(); });
  });
  io_.run();
  // The last save, synchronous: nothing is handled any more, so the file is exact. A periodic
  // write still running finishes first (stop() joins the writer).
  rule_state_writer_.stop();
  const auto last = engine_.save_pending(rules::rule_engine::save_moment::stopping);
  if (auto written = rules::write_rule_state(rule_state_file_, last); !written) {
    core::log(core::log_level::error, "cannot save the rule state: {}", written.error());
  }
  figures_->stop();
  // The board's last answers go nowhere now; what it was handed is committed before it stops.
  if (notices_) notices_->stop();
  // Nothing is fed any more. Messages still with the gateway stay with it (an smstools spool
  // keeps them); every change already handed to the ledger is committed before it stops.
  gateway_.reset();
  ledger_->stop();
  auth_->stop();
  // Write (or spool) what history still holds in memory.
  history_->close();
  // Its last fdatasync; the segments stay and are replayed at the next start (what was stored
  // already is stored once).
  if (journal_) journal_->close();
  core::log(core::log_level::info, "stopped");
  return 0;
}

}  // namespace campus::app
