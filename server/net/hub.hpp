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

#include <atomic>
#include <cstddef>
#include <mutex>
#include <unordered_set>

#include "bureau/school_tally.hpp"
#include "core/metrics.hpp"
#include "incident/incident_listener.hpp"
#include "ingest/event_sink.hpp"
#include "notice/notice_listener.hpp"

namespace campus::net {

class websocket_session;

// Alerts: once the incident desk announces through this hub (announce_from_ledger()), the
// engine's raw alert events are not broadcast; the ledger's committed entries are, so that a
// dashboard never shows what the ledger has not recorded. Without a desk (the net module on
// its own), engine alert events are broadcast as they come (the step-1 shape).
class hub final : public ingest::event_sink,
                  public incident::incident_listener,
                  public notice::notice_listener {
 public:
  explicit hub(core::metrics& metrics);

  // Called by a session once its handshake is done, and from its destructor.
  void join(websocket_session& s);
  void leave(websocket_session& s);
  std::size_t size() const;

  void on_reading(const core::reading& r) override;
  void on_alert(const rules::alert_event& e) override;
  void on_entry(const incident::entry_view& view, std::string_view event,
                const std::vector<alerts::ledger_transition>& transitions) override;
  void announce_from_ledger() { engine_alerts_.store(false); }

  // Schools whose tally changed (the bureau's district_figures, on its thread, once a second
  // at most): each is serialised once and sent to every client that may see the school,
  // whatever it watches, coalesced per school: a client's queue holds at most the latest
  // summary of each school.
  void on_schools(const std::vector<bureau::school_tally>& changed);

  // Bureau notices (called on the notice board's thread, after the commit): a new notice goes
  // to the users of its schools (without receipts) and to bureau and admin users (with
  // them); a read receipt and an SMS outcome go to bureau and admin users only.
  void on_notice(const notice::notice& n) override;
  void on_notice_read(const notice::notice& n,
                      const std::vector<notice::notice_reader>& fresh) override;
  void on_notice_sms(const notice::notice& n, const notice::notice_sms& outcome) override;

  // Asks every client to close (server shutting down).
  void close_all(boost::beast::websocket::close_reason reason);

 private:
  // The live clients that may see `site` (none: the caller builds no message); with
  // `watching`, only those that watch it (readings go only to the schools a client shows).
  std::vector<std::shared_ptr<websocket_session>> takers(std::string_view site,
                                                         bool watching = false) const;
  static void send_all(const std::vector<std::shared_ptr<websocket_session>>& targets,
                       const std::shared_ptr<const std::string>& message,
                       const std::shared_ptr<const std::string>& coalesce_key,
                       bool key_bounded = false);

  // To every client whose user is bound to one of `sites` (not bureau and admin users).
  void broadcast_to_schools(const std::shared_ptr<const std::string>& message,
                            const std::vector<std::string>& sites);
  // To every client whose user sees every school (bureau and admin).
  void broadcast_to_district(const std::shared_ptr<const std::string>& message);
  std::vector<std::shared_ptr<websocket_session>> live_sessions() const;

  std::atomic<bool> engine_alerts_{true};
  mutable std::mutex mutex_;
  std::unordered_set<websocket_session*> sessions_;
  core::metrics::counter& clients_gauge_;
};

}  // namespace campus::net
