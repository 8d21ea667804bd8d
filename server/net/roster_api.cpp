#include "net/roster_api.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>

#include "net/utc_time.hpp"

namespace campus::net {

namespace json = boost::json;

std::string roster_api::mask_phone(std::string_view phone) {
  if (phone.size() < 8) return std::string(phone.size(), '*');
  std::string out(phone);
  for (std::size_t i = phone.size() - 8; i < phone.size() - 4; ++i) out[i] = '*';
  return out;
}

string_response roster_api::handle(const request& req, const request_target& target,
                                   const auth::principal& who) const {
  if (req.method() != http::verb::get) {
    auto res = json_error(req, http::status::method_not_allowed,
                          "method " + std::string(req.method_string()) + " not allowed; use GET");
    res.set(http::field::allow, "GET");
    return res;
  }
  if (auto bad = target.unknown_param({"site", "at"})) {
    return json_error(req, http::status::bad_request, *bad);
  }
  if (!roster_) {
    return json_error(req, http::status::service_unavailable,
                      "no duty roster is configured (the district file has no duty section)");
  }
  const std::string* site_id = target.param("site");
  if (!site_id) return json_error(req, http::status::bad_request, "'site' is required");
  const config::site* site = state_.district().find_site(*site_id);
  if (!site || !who.may_see(site->id)) {
    return json_error(req, http::status::not_found, "unknown site '" + *site_id + "'");
  }

  core::time_point at =
      std::chrono::time_point_cast<core::duration>(std::chrono::system_clock::now());
  if (const std::string* text = target.param("at")) {
    auto parsed = utc_time::parse(*text);
    if (!parsed) return json_error(req, http::status::bad_request, "'at': " + parsed.error());
    at = *parsed;
  }

  json::array on_duty;
  for (const auto& a : roster_->on_duty(site->id, at)) {
    on_duty.push_back(json::object{{"role", a.role},
                                   {"person", json::object{{"id", a.who.id},
                                                           {"name", a.who.name},
                                                           {"phone", mask_phone(a.who.phone)}}}});
  }
  return json_response(req, http::status::ok,
                       json::object{{"site", site->id},
                                    {"time_zone", site->time_zone},
                                    {"at", core::to_epoch_ms(at)},
                                    {"on_duty", std::move(on_duty)}});
}

}  // namespace campus::net
