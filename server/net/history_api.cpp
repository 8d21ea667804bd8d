#include "net/history_api.hpp"

#include <boost/asio/post.hpp>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "net/history_request.hpp"
#include "net/history_response.hpp"

namespace campus::net {

namespace {

// Runs on the session's strand: the formatting of up to 10,000 points stays off the store's
// thread, which serves every query.
string_response answer(const request& req, const history_request& asked,
                       history::query_result& result, core::metrics::counter& failures) {
  if (!result) {
    failures.inc();
    core::log(core::log_level::warn, "history query for {}/{} failed: {}", asked.query.device,
              asked.query.metric, result.error());
    return json_error(req, http::status::service_unavailable,
                      "history query failed: " + result.error());
  }
  if (!asked.csv) {
    return json_response(req, http::status::ok, history_response::json(asked.query, *result));
  }
  auto res = text_response(req, http::status::ok, history_response::csv(*result),
                           "text/csv; charset=utf-8");
  res.set(http::field::content_disposition,
          "attachment; filename=\"" + history_response::csv_filename(asked.query) + "\"");
  res.set(http::field::cache_control, "no-store");
  return res;
}

}  // namespace

history_api::history_api(const config::district& district, core::metrics& metrics)
    : district_(district),
      queries_(metrics.get("campus_http_history_queries_total")),
      failures_(metrics.get("campus_http_history_query_failures_total")) {
  metrics.describe("campus_http_history_queries_total", "counter",
                   "History queries passed to the history store.");
  metrics.describe("campus_http_history_query_failures_total", "counter",
                   "History queries the history store answered with an error.");
}

route_result history_api::handle(request&& req, const request_target& target,
                                 const auth::principal& who) const {
  if (req.method() != http::verb::get) {
    auto res = json_error(req, http::status::method_not_allowed,
                          "method " + std::string(req.method_string()) + " not allowed; use GET");
    res.set(http::field::allow, "GET");
    return res;
  }
  history::history_store* store = store_.load();
  if (!store) {
    return json_error(req, http::status::service_unavailable, "history is not configured");
  }
  auto asked = history_request::parse(target, district_, core::system_clock{}.now());
  if (!asked) return json_error(req, asked.error().status, asked.error().message);
  const config::device* device = district_.find_device(asked->query.device);
  if (!device || !who.may_see(device->site)) {
    return json_error(req, http::status::not_found, "unknown device '" + asked->query.device + "'");
  }

  queries_.inc();
  core::metrics::counter& failures = failures_;
  return deferred_response([store, &failures, req = std::move(req), asked = std::move(*asked)](
                               const boost::asio::any_io_executor& strand, reply_handler reply) {
    store->query(asked.query, [strand, &failures, req, asked,
                               reply = std::move(reply)](history::query_result result) {
      // On a store thread: carry the result to the session's strand and answer there.
      boost::asio::post(strand,
                        [&failures, req, asked, reply, result = std::move(result)]() mutable {
                          reply(answer(req, asked, result, failures));
                        });
    });
  });
}

}  // namespace campus::net
