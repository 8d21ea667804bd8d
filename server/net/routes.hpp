// Where an HTTP request goes: /healthz, /metrics, the JSON API under /api/ (some routes answer
// later), and otherwise the dashboards' static files. (The /ws upgrade is taken by
// http_session before this.) The static files, /healthz, /metrics and /api/login are public;
// every other /api/ route needs a session (ctx.who) and shows or changes only the schools of
// its user (docs/security.md).
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <boost/beast/http/message_generator.hpp>

#include <filesystem>

#include "core/metrics.hpp"
#include "core/readiness.hpp"
#include "history/history_store.hpp"
#include "ingest/live_state.hpp"
#include "net/alerts_api.hpp"
#include "net/api.hpp"
#include "net/bureau_api.hpp"
#include "net/denial_log.hpp"
#include "net/history_api.hpp"
#include "net/notices_api.hpp"
#include "net/responses.hpp"
#include "net/request_context.hpp"
#include "net/roster_api.hpp"
#include "net/session_api.hpp"
#include "net/static_files.hpp"

namespace campus::net {

class routes {
 public:
  routes(const ingest::live_state& state, core::metrics& metrics,
         std::filesystem::path dashboards_dir);

  // Answers any request, now or (a history query) later; never throws for bad input. Safe to
  // call from several threads at once.
  route_result handle(request&& req, const request_context& ctx) const;
  // Records a refusal of a site the user may not see (asked by `site=` or `device=`), before
  // the route answers it.
  void note_other_school(const request& req, const request_target& target,
                         const request_context& ctx) const;

  // See history_api::set_store.
  void set_history(history::history_store* store) {
    history_.set_store(store);
    bureau_.set_history(store);
  }
  // See session_api::set_authenticator.
  void set_authenticator(auth::authenticator* a) {
    sessions_.set_authenticator(a);
    denials_.set_authenticator(a);
  }
  // See alerts_api::set_desk.
  void set_incidents(incident::incident_desk* desk) {
    alerts_.set_desk(desk);
  }
  // The ledger the bureau's reports read, the escalation policy they judge by and the live
  // figures (overview, compliance) (see bureau_api); before the server starts.
  void set_bureau(alerts::alert_ledger* ledger, notify::duty::escalation_policy policy,
                  bureau::district_figures* figures) {
    bureau_.set_ledger(ledger);
    bureau_.set_policy(std::move(policy));
    bureau_.set_figures(figures);
  }
  // See notices_api::set_board.
  void set_notices(notice::notice_board* board) { notices_.set_board(board); }
  // See roster_api::set_roster.
  void set_roster(const notify::duty::roster* r) { roster_.set_roster(r); }
  // What /readyz and /healthz report; before the server starts. Without it both say "ok".
  void set_readiness(const core::readiness* r) { readiness_ = r; }

 private:
  // One thread for answers too big to build on the loop (a district's devices, its daily
  // compliance and monthly reports): before the apis that post to it.
  route_result devices_off_loop(request&& req, const request_target& target,
                                const auth::principal& who) const;

  std::shared_ptr<boost::asio::thread_pool> work_ = std::make_shared<boost::asio::thread_pool>(1);
  denial_log denials_;  // before the apis that record into it
  api api_;
  session_api sessions_;
  alerts_api alerts_;
  history_api history_;
  notices_api notices_;
  bureau_api bureau_;
  roster_api roster_;
  static_files files_;
  core::metrics& metrics_;
  const core::readiness* readiness_ = nullptr;
};

}  // namespace campus::net
