// The bureau's figures over HTTP (docs/bureau.md, "HTTP API"):
//   GET /api/overview                                   one row per school
//   GET /api/compliance                                 compliance now, every point
//   GET /api/compliance/daily?from=YYYY-MM-DD&to=YYYY-MM-DD   per day (default the last 30)
//   GET /api/reports/monthly?month=YYYY-MM[&site=ID][&format=csv]
// Each shows only the user's schools. The overview and compliance now come from
// bureau::district_figures, which computes them on its own thread, shared by every request of
// the same second (the whole district's JSON is made once for all the bureau's users). The
// others are deferred: the ledger (its worker thread) and the history store (its own thread)
// are asked in parallel, each answer is posted to the session's strand, and the figures are
// computed there once both have arrived — the loop never waits on a disk. 503 when a source
// is missing or fails.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <memory>

#include "alerts/alert_ledger.hpp"
#include "bureau/district_figures.hpp"
#include "core/metrics.hpp"
#include "history/history_store.hpp"
#include "ingest/live_state.hpp"
#include "bureau/monthly_report.hpp"
#include "net/shared_answers.hpp"
#include "net/request_context.hpp"
#include "net/request_target.hpp"
#include "net/responses.hpp"
#include "notify/duty/escalation_policy.hpp"

namespace campus::net {

class bureau_api {
 public:
  // `state` and `metrics` must outlive the api and every request it defers.
  // Metrics: campus_reports_generated_total{format}.
  // `work`: the thread the daily compliance and the monthly reports are computed on.
  bureau_api(const ingest::live_state& state, core::metrics& metrics,
             std::shared_ptr<boost::asio::thread_pool> work);

  // Sources; each must outlive the requests it is given. nullptr: the routes that need it
  // answer 503. The policy (whose second step defines an escalation) is set before serving.
  void set_history(history::history_store* store) { history_.store(store); }
  void set_ledger(alerts::alert_ledger* ledger) { ledger_.store(ledger); }
  void set_figures(bureau::district_figures* figures) { figures_.store(figures); }
  void set_policy(notify::duty::escalation_policy policy) {
    policy_ = std::make_shared<const notify::duty::escalation_policy>(std::move(policy));
  }

  static bool serves(std::string_view path);

  // `ctx.who` must be set. Safe to call from several threads at once.
  route_result handle(request&& req, const request_target& target,
                      const request_context& ctx) const;

 private:
  route_result overview(request&& req, const request_target& target,
                        const auth::principal& who) const;
  route_result compliance(request&& req, const request_target& target,
                          const auth::principal& who) const;
  route_result daily(request&& req, const request_target& target,
                     const auth::principal& who) const;
  route_result monthly(request&& req, const request_target& target,
                       const auth::principal& who) const;
  using figures_call = void (bureau::district_figures::*)(bureau::figures_scope,
                                                          bureau::district_figures::json_handler);
  route_result from_figures(request&& req, const auth::principal& who, figures_call call) const;

  const ingest::live_state& state_;
  std::atomic<history::history_store*> history_{nullptr};
  std::atomic<alerts::alert_ledger*> ledger_{nullptr};
  std::atomic<bureau::district_figures*> figures_{nullptr};
  std::shared_ptr<const notify::duty::escalation_policy> policy_;
  // The thread the daily compliance and monthly reports are computed on (never the loop).
  std::shared_ptr<boost::asio::thread_pool> reports_;
  // Monthly reports and daily compliance, shared by the requests that ask the same at once.
  using report_cache = shared_answers<bureau::monthly_report>;
  using daily_cache = shared_answers<std::string>;  // the JSON body
  std::shared_ptr<report_cache> reports_cache_ = std::make_shared<report_cache>();
  std::shared_ptr<daily_cache> daily_cache_ = std::make_shared<daily_cache>();
  core::metrics::counter& reports_json_;
  core::metrics::counter& reports_csv_;
};

}  // namespace campus::net
