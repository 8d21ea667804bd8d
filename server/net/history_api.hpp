// GET /api/history: a device's readings of one metric, bucketed (min/mean/max/count per step),
// as JSON or CSV. Parameters and limits: history_request.hpp; shapes: history_response.hpp.
//
// Bad requests are answered at once. A good one is a deferred_response: the query runs on the
// history store's thread and its result is formatted on the session's strand.
#pragma once

#include <atomic>

#include "auth/principal.hpp"
#include "config/district.hpp"
#include "core/metrics.hpp"
#include "history/history_store.hpp"
#include "net/request_target.hpp"
#include "net/responses.hpp"

namespace campus::net {

class history_api {
 public:
  // `district` and `metrics` must outlive the api and every query it starts.
  history_api(const config::district& district, core::metrics& metrics);

  // nullptr: no history (503). The store must outlive the queries it is given; may be called
  // while requests are being served.
  void set_store(history::history_store* store) { store_.store(store); }

  // `target.path()` is "/api/history". Safe to call from several threads at once.
  // Only devices of schools `who` may see (others are unknown devices to them).
  route_result handle(request&& req, const request_target& target,
                      const auth::principal& who) const;

 private:
  const config::district& district_;
  std::atomic<history::history_store*> store_{nullptr};
  core::metrics::counter& queries_;
  core::metrics::counter& failures_;
};

}  // namespace campus::net
