// The set of live WebSocket clients, and the ingest pipeline's sink that broadcasts to them.
//
// on_reading / on_alert are called on the ingest strand: each event is serialised once into a
// shared string; the client list is copied (as weak pointers) under the mutex and the sends
// happen outside it, each session posting to its own strand. Nothing here blocks.
//
// Snapshot consistency: a session joins before it takes its snapshot of live_state, so the
// ingest pipeline must apply an event to live_state BEFORE handing it to this sink. Then an
// event is either in the snapshot or delivered live (possibly both; never neither).
#pragma once

#include <boost/beast/websocket/rfc6455.hpp>

#include <cstddef>
#include <mutex>
#include <unordered_set>

#include "core/metrics.hpp"
#include "ingest/event_sink.hpp"

namespace campus::net {

class websocket_session;

class hub final : public ingest::event_sink {
 public:
  explicit hub(core::metrics& metrics);

  // Called by a session once its handshake is done, and from its destructor.
  void join(websocket_session& s);
  void leave(websocket_session& s);
  std::size_t size() const;

  void on_reading(const core::reading& r) override;
  void on_alert(const rules::alert_event& e) override;

  // Asks every client to close (server shutting down).
  void close_all(boost::beast::websocket::close_reason reason);

 private:
  void broadcast(const std::shared_ptr<const std::string>& message,
                 const std::shared_ptr<const std::string>& coalesce_key);

  mutable std::mutex mutex_;
  std::unordered_set<websocket_session*> sessions_;
  core::metrics::counter& clients_gauge_;
};

}  // namespace campus::net
