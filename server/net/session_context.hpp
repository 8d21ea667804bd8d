// What every session shares: the hub, the routes and the counters. Held by shared_ptr in each
// session (as Beast's chat example holds its shared_state) so that it outlives the last
// session even when the server object is destroyed before the io_context's pending handlers.
// The live_state and metrics it refers to must outlive the io_context's handlers.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/authenticator.hpp"
#include "bureau/school_tally.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "incident/incident_desk.hpp"
#include "ingest/live_state.hpp"
#include "net/address_guard.hpp"
#include "net/hub.hpp"
#include "net/routes.hpp"

namespace campus::net {

struct session_context {
  session_context(ingest::live_state& state, core::metrics& metrics,
                  std::filesystem::path dashboards_dir, std::size_t ws_queue_limit,
                  address_guard::limits limits = {});

  ingest::live_state& state;
  core::metrics& metrics;
  net::hub clients;
  net::address_guard guard;
  net::routes http_routes;
  // The incident desk whose open entries make the snapshot's alerts; null: live_state's.
  std::atomic<incident::incident_desk*> incidents{nullptr};
  // Who may log in; null: the server runs open (every request as auth::role::admin) — only
  // the net module's own tests do that, the application always sets one.
  std::atomic<auth::authenticator*> authenticator{nullptr};
  std::size_t ws_queue_limit;
  // Every school's tally (the bureau's district_figures::tallies(), any thread), for the
  // snapshot's "schools"; unset: none. Set by the application; read by each new session.
  void set_school_tallies(std::function<std::vector<bureau::school_tally>()> source);
  std::vector<bureau::school_tally> school_tallies() const;
  // Devices configured per site (the district does not change while serving): what a watch
  // of those schools costs, and whether a site exists.
  const std::unordered_map<std::string, std::size_t> site_devices;
  // What one client may watch (readings of; docs/alerts.md "/ws"). A client whose schools hold
  // at most this many devices watches them all from the start; one of a larger district
  // watches none until it asks.
  static constexpr std::size_t watch_device_limit = 500;
  static constexpr std::size_t watch_site_limit = 256;
  // The server's certificate when the port speaks TLS (http.tls); null: plain HTTP. Set by
  // server::start before the first connection is accepted, never changed afterwards.
  std::shared_ptr<boost::asio::ssl::context> tls;
  // How long a deferred reply (a history query) may take before the session answers 504.
  std::atomic<std::chrono::milliseconds> reply_timeout{std::chrono::seconds(60)};
  core::metrics::counter& ws_messages_sent;
  core::metrics::counter& ws_slow_clients_closed;
  // Keyed messages (readings, school summaries) not queued: the client's queue held its
  // limit of them (send_queue::push_result::dropped).
  core::metrics::counter& ws_messages_dropped;
  // Site ids of watch requests ignored (unknown, or not the user's) or refused (over the
  // limits); logged at a bounded rate.
  core::metrics::counter& ws_watch_ignored;
  core::log_rate_limiter watch_log;
  core::metrics::counter& http_requests;
  core::metrics::counter& tls_handshake_failures;
  // A scanner speaking plain HTTP to the TLS port fails at every connection: counted always,
  // logged at a bounded rate.
  core::log_rate_limiter tls_failure_log;

 private:
  mutable std::mutex tallies_mutex_;
  std::function<std::vector<bureau::school_tally>()> tallies_;  // under tallies_mutex_
};

}  // namespace campus::net
