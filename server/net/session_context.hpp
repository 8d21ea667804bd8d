// What every session shares: the hub, the routes and the counters. Held by shared_ptr in each
// session (as Beast's chat example holds its shared_state) so that it outlives the last
// session even when the server object is destroyed before the io_context's pending handlers.
// The live_state and metrics it refers to must outlive the io_context's handlers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>

#include "auth/authenticator.hpp"
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
  // How long a deferred reply (a history query) may take before the session answers 504.
  std::atomic<std::chrono::milliseconds> reply_timeout{std::chrono::seconds(60)};
  core::metrics::counter& ws_messages_sent;
  core::metrics::counter& ws_slow_clients_closed;
  core::metrics::counter& http_requests;
};

}  // namespace campus::net
