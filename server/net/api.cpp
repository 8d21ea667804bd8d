#include "net/api.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "net/messages.hpp"

namespace campus::net {

namespace json = boost::json;

string_response api::handle(const request& req, const request_target& target,
                            const auth::principal& who) const {
  using handler = string_response (api::*)(const request&, const request_target&,
                                           const auth::principal&) const;
  handler h = nullptr;
  if (target.path() == "/api/sites") h = &api::sites;
  else if (target.path() == "/api/devices") h = &api::devices;
  else if (target.path() == "/api/alerts") h = &api::alerts;
  if (!h) return json_error(req, http::status::not_found, "no such API endpoint: " + target.path());
  if (req.method() != http::verb::get) {
    auto res = json_error(req, http::status::method_not_allowed,
                          "method " + std::string(req.method_string()) + " not allowed; use GET");
    res.set(http::field::allow, "GET");
    return res;
  }
  return (this->*h)(req, target, who);
}

string_response api::sites(const request& req, const request_target& target,
                           const auth::principal& who) const {
  if (auto bad = target.unknown_param({})) return json_error(req, http::status::bad_request, *bad);
  const auto& d = state_.district();
  return json_response(req, http::status::ok,
                       json::object{{"district", messages::district_json(d)},
                                    {"sites", messages::sites_json(d, &who)}});
}

string_response api::devices(const request& req, const request_target& target,
                             const auth::principal& who) const {
  if (auto bad = target.unknown_param({"site"})) {
    return json_error(req, http::status::bad_request, *bad);
  }
  const std::string* site = target.param("site");
  if (site && (!state_.district().find_site(*site) || !who.may_see(*site))) {
    return json_error(req, http::status::not_found, "unknown site '" + *site + "'");
  }
  json::array devices;
  for (const auto& d : state_.devices_of([&](std::string_view s) {
         return (!site || s == *site) && who.may_see(s);
       })) {
    devices.push_back(messages::device_json(d));
  }
  return json_response(req, http::status::ok, json::object{{"devices", std::move(devices)}});
}

string_response api::alerts(const request& req, const request_target& target,
                            const auth::principal& who) const {
  if (auto bad = target.unknown_param({"state", "site"})) {
    return json_error(req, http::status::bad_request, *bad);
  }
  // Only active alerts are kept in step 1 (the default); other states (acknowledged, closed,
  // ...) arrive with the alert store and will be named here.
  const std::string* state = target.param("state");
  if (state && *state != "active") {
    return json_error(req, http::status::bad_request,
                      "unsupported alert state '" + *state + "'; allowed values: active");
  }
  const std::string* site = target.param("site");
  if (site && (!state_.district().find_site(*site) || !who.may_see(*site))) {
    return json_error(req, http::status::not_found, "unknown site '" + *site + "'");
  }
  json::array alerts;
  for (const auto& a : state_.active_alerts()) {
    if ((site && a.site != *site) || !who.may_see(a.site)) continue;
    alerts.push_back(messages::alert_json(a));
  }
  return json_response(req, http::status::ok, json::object{{"alerts", std::move(alerts)}});
}

}  // namespace campus::net
