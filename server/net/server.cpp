#include "net/server.hpp"

#include "core/log.hpp"
#include "net/listener.hpp"
#include "net/session_context.hpp"
#include "net/tls_context.hpp"

namespace campus::net {

namespace asio = boost::asio;

server::server(asio::io_context& io, const config::http_settings& http, std::string dashboards_dir,
               ingest::live_state& state, core::metrics& metrics)
    : io_(io),
      tls_(http.tls),
      ctx_(std::make_shared<session_context>(state, metrics, std::move(dashboards_dir),
                                             http.ws_queue_limit)) {}

server::~server() { stop(); }

std::expected<asio::ip::tcp::endpoint, std::string> server::start(const std::string& host,
                                                                  int port) {
  if (listener_) return std::unexpected("server already started");
  if (port < 0 || port > 65535) {
    return std::unexpected("port must be between 0 and 65535: " + std::to_string(port));
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return std::unexpected("listen address must be a numeric IP address: '" + host + "'");
  if (tls_.enabled() && !ctx_->tls) {
    // Loaded once, before the first accept: every session shares this context.
    auto tls = make_tls_context(tls_);
    if (!tls) return std::unexpected(tls.error());
    ctx_->tls = std::move(*tls);
  }
  auto l = std::make_shared<listener>(io_, ctx_);
  auto bound = l->open({address, static_cast<unsigned short>(port)});
  if (!bound) return std::unexpected(bound.error());
  l->run();
  listener_ = std::move(l);
  core::log(core::log_level::info, "net: listening on {}://{}:{}", ctx_->tls ? "https" : "http",
            bound->address().to_string(), bound->port());
  return bound;
}

void server::stop() {
  if (listener_) listener_->stop();
  ctx_->clients.close_all({boost::beast::websocket::close_code::going_away, "server stopping"});
}

ingest::event_sink& server::sink() { return ctx_->clients; }

void server::set_school_tallies(std::function<std::vector<bureau::school_tally>()> source) {
  ctx_->set_school_tallies(std::move(source));
}

void server::on_schools(const std::vector<bureau::school_tally>& changed) {
  ctx_->clients.on_schools(changed);
}

void server::set_history(history::history_store* store) { ctx_->http_routes.set_history(store); }

void server::set_incidents(incident::incident_desk* desk) {
  ctx_->incidents.store(desk);
  ctx_->http_routes.set_incidents(desk);
  if (desk) {
    ctx_->clients.announce_from_ledger();
    desk->set_listener(&ctx_->clients);
  }
}

void server::set_authenticator(auth::authenticator* a) {
  ctx_->authenticator.store(a);
  ctx_->http_routes.set_authenticator(a);
}

void server::set_roster(const notify::duty::roster* r) { ctx_->http_routes.set_roster(r); }

void server::set_readiness(const core::readiness* r) { ctx_->http_routes.set_readiness(r); }

void server::set_bureau(alerts::alert_ledger* ledger, notify::duty::escalation_policy policy,
                        bureau::district_figures* figures) {
  ctx_->http_routes.set_bureau(ledger, std::move(policy), figures);
}

void server::set_notices(notice::notice_board* board) {
  ctx_->http_routes.set_notices(board);
  if (board) board->add_listener(&ctx_->clients);
}

void server::set_reply_timeout(std::chrono::milliseconds timeout) {
  ctx_->reply_timeout.store(timeout);
}

std::size_t server::websocket_clients() const { return ctx_->clients.size(); }

}  // namespace campus::net
