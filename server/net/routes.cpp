#include "net/routes.hpp"

#include <malloc.h>

#include <boost/asio/post.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "net/access.hpp"
#include "net/utc_time.hpp"

namespace campus::net {

routes::routes(const ingest::live_state& state, core::metrics& metrics,
               std::filesystem::path dashboards_dir)
    : api_(state),
      alerts_(state.district()),
      history_(state.district(), metrics),
      notices_(state.district(), metrics),
      bureau_(state, metrics, work_),
      roster_(state),
      files_(std::move(dashboards_dir)),
      metrics_(metrics) {
  alerts_.set_denials(&denials_);
  notices_.set_denials(&denials_);
}

void routes::note_other_school(const request& req, const request_target& target,
                               const request_context& ctx) const {
  const auto& d = api_.district();
  std::string site;
  if (const std::string* s = target.param("site")) site = *s;
  if (const std::string* id = target.param("device")) {
    if (const auto* device = d.find_device(*id)) site = device->site;
  }
  if (!site.empty() && d.find_site(site) && !ctx.who->may_see(site)) {
    denials_.record(ctx, req.method_string(), req.target(), "another school");
  }
}

route_result routes::handle(request&& req, const request_context& ctx) const {
  auto target = request_target::parse(req.target());
  if (!target) return json_error(req, http::status::bad_request, target.error());
  const std::string& path = target->path();

  const bool get = req.method() == http::verb::get;
  auto only_get = [&] {
    auto res = json_error(req, http::status::method_not_allowed, "method not allowed; use GET");
    res.set(http::field::allow, "GET");
    return res;
  };

  // /healthz: the process answers (200), and says whether it is ready; /readyz: 503 while any
  // part reports a problem. Both list the problems (docs/reliability.md).
  if (path == "/healthz" || path == "/readyz") {
    if (!get) return only_get();
    const bool ready = !readiness_ || readiness_->ready();
    boost::json::object body{{"status", ready ? "ok" : "not_ready"}};
    if (!ready) {
      boost::json::array problems;
      for (const auto& p : readiness_->problems()) {
        problems.push_back(boost::json::object{
            {"part", p.part}, {"reason", p.reason}, {"since", utc_time::format(p.since)}});
      }
      body["problems"] = std::move(problems);
    }
    auto res = json_response(
        req, ready || path == "/healthz" ? http::status::ok : http::status::service_unavailable,
        std::move(body));
    res.set(http::field::cache_control, "no-store");
    return res;
  }
  if (path == "/metrics") {
    if (!get) return only_get();
    // Gauges such as campus_ws_clients are kept current where they change (the hub).
    auto res = text_response(req, http::status::ok, metrics_.render(),
                             "text/plain; version=0.0.4; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    return res;
  }
  if (session_api::serves(path)) return sessions_.handle(std::move(req), *target, ctx);
  if (path == "/api" || path.starts_with("/api/")) {
    if (!ctx.who) return access::login_required(req);
    // A change asked from another site's page is refused (the cookie is SameSite=Strict too).
    if (req.method() != http::verb::get && !access::same_origin(req)) {
      denials_.record(ctx, req.method_string(), req.target(), "cross-site request");
      return access::forbidden(req, "cross-site request refused");
    }
    note_other_school(req, *target, ctx);
    const auth::principal& who = *ctx.who;
    if (path == "/api/history") return history_.handle(std::move(req), *target, who);
    if (path == "/api/roster") return roster_.handle(req, *target, who);
    if (bureau_api::serves(path)) return bureau_.handle(std::move(req), *target, ctx);
    if (notices_api::serves(path)) return notices_.handle(std::move(req), *target, ctx);
    if (alerts_.ready() && alerts_api::serves(path)) {
      return alerts_.handle(std::move(req), *target, ctx);
    }
    if (path == "/api/devices" && req.method() == http::verb::get && !target->param("site")) {
      return devices_off_loop(std::move(req), *target, who);
    }
    return api_.handle(req, *target, who);
  }
  if (path == "/ws") {
    return json_error(req, http::status::bad_request, "/ws expects a WebSocket upgrade");
  }
  return files_.serve(req, path);
}

route_result routes::devices_off_loop(request&& req, const request_target& target,
                                      const auth::principal& who) const {
  // Every device of every school the user sees: megabytes for a district, serialised on the
  // work thread so that the loop carrying alarms never waits for it.
  return deferred_response([api = &api_, work = work_->get_executor(), req = std::move(req),
                            target, who](const boost::asio::any_io_executor& strand,
                                         reply_handler reply) {
    boost::asio::post(work, [api, req, target, who, strand, reply] {
      auto res = api->handle(req, target, who);
      // The answer's JSON tree (tens of megabytes for a district) is freed by now: hand its
      // pages back, or every thread's malloc arena keeps its high-water mark for ever.
      ::malloc_trim(0);
      boost::asio::post(strand, [reply, res = std::move(res)]() mutable { reply(std::move(res)); });
    });
  });
}

}  // namespace campus::net
