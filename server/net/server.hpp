// The HTTP + WebSocket server in one object: dashboards (static files), the JSON API, /healthz,
// /metrics and the /ws live feed, all on one port. With http.tls set, that port speaks only
// HTTPS and WSS (TLS 1.2+); without it, only plain HTTP.
//
//   campus::net::server web(io, district.http, dashboards_dir, state, metrics);
//   auto bound = web.start("127.0.0.1", 0);        // port 0: the system chooses
//   pipeline.set_sink(web.sink());                 // readings and alert events go live
//   web.set_history(store.get());                  // GET /api/history queries the store
//
// The io_context may be run by any number of threads. `state` and `metrics` must outlive the
// io_context's pending handlers (sessions refer to them until they are destroyed).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "auth/authenticator.hpp"
#include "bureau/district_figures.hpp"
#include "bureau/school_tally.hpp"
#include "config/district.hpp"
#include "core/metrics.hpp"
#include "core/readiness.hpp"
#include "history/history_store.hpp"
#include "incident/incident_desk.hpp"
#include "ingest/event_sink.hpp"
#include "ingest/live_state.hpp"
#include "notice/notice_board.hpp"
#include "notify/duty/roster.hpp"

namespace campus::net {

struct session_context;
class listener;

class server {
 public:
  server(boost::asio::io_context& io, const config::http_settings& http, std::string dashboards_dir,
         ingest::live_state& state, core::metrics& metrics);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and starts accepting; returns the bound endpoint (port 0 → chosen port), or an error
  // naming the address. `host` is a numeric IPv4 or IPv6 address ("0.0.0.0", "::1"). With
  // http.tls, the certificate and key are loaded first: a file that cannot be loaded, a key
  // that does not match the certificate or an expired certificate is an error
  // ("http.tls: ...") and nothing is bound.
  std::expected<boost::asio::ip::tcp::endpoint, std::string> start(const std::string& host,
                                                                   int port);
  // Stops accepting and asks every WebSocket client to close (going away). Thread-safe.
  void stop();

  // The hub: feed it readings and alert events (from the ingest strand). Apply each event to
  // live_state before handing it here, so a new client's snapshot cannot miss it.
  ingest::event_sink& sink();

  // The store GET /api/history queries; nullptr (the default): it answers 503 "history is not
  // configured". The store must outlive the io_context's pending handlers (a query in flight
  // posts its answer there). May be called before or after start().
  void set_history(history::history_store* store);
  // The duty roster GET /api/roster reads; nullptr (the default): it answers 503. Call before
  // start(); the roster must outlive the server.
  void set_roster(const notify::duty::roster* r);
  // What GET /readyz and /healthz report (core/readiness.hpp); nullptr (the default): "ok".
  // Call before start(); it must outlive the server.
  void set_readiness(const core::readiness* r);
  // The incident desk: /api/alerts and /api/hazards go to it, the WebSocket snapshot takes its
  // open entries, and it announces through the hub (engine events are then not broadcast
  // raw). Call before start(); the desk must outlive the server's sessions.
  void set_incidents(incident::incident_desk* desk);
  // Who may log in: every /api/ route but /api/login and /ws then need a session, and show
  // only the user's schools. nullptr (the default): the server runs open (the net module's own
  // tests). Call before start(); it must outlive the server's sessions.
  void set_authenticator(auth::authenticator* a);
  // How long a history query may take before the client gets 504 and the connection closes
  // (default 60 s). Applies to queries started afterwards.
  void set_reply_timeout(std::chrono::milliseconds timeout);
  // The ledger the monthly report reads, the escalation policy that defines an escalation, and
  // the live figures (overview, compliance); call before start(). nullptr: those routes
  // answer 503.
  void set_bureau(alerts::alert_ledger* ledger, notify::duty::escalation_policy policy,
                  bureau::district_figures* figures);

  // The notice board: /api/notices goes to it, and the hub announces its notices and read
  // receipts on /ws. Call before start(); the board must outlive the server's sessions, and
  // its worker must be stopped before the server goes (it calls the hub).
  void set_notices(notice::notice_board* board);

  // The bureau's school tallies (district_figures): `source` gives every school's, from any
  // thread, for each new client's snapshot; on_schools() sends those that changed to the
  // clients that may see them (any thread). Call set_school_tallies before start().
  void set_school_tallies(std::function<std::vector<bureau::school_tally>()> source);
  void on_schools(const std::vector<bureau::school_tally>& changed);

  std::size_t websocket_clients() const;
  // True when the port speaks TLS (http.tls was set).
  bool secure() const { return tls_.enabled(); }

 private:
  boost::asio::io_context& io_;
  config::http_tls_settings tls_;
  std::shared_ptr<session_context> ctx_;
  std::shared_ptr<listener> listener_;
};

}  // namespace campus::net
