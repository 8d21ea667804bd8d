#include "net/session_api.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <charconv>

#include "net/access.hpp"

namespace campus::net {

namespace json = boost::json;

namespace {

string_response method_not_allowed(const request& req, std::string_view allowed) {
  auto res = json_error(req, http::status::method_not_allowed,
                        fmt::format("method {} not allowed; use {}", req.method_string(), allowed));
  res.set(http::field::allow, allowed);
  return res;
}

std::string cookie(std::string_view token, std::chrono::seconds max_age, bool secure) {
  return fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}", access::cookie_name,
                     token, max_age.count(), secure ? "; Secure" : "");
}

}  // namespace

bool session_api::serves(std::string_view path) {
  return path == "/api/login" || path == "/api/logout" || path == "/api/me" ||
         path == "/api/audit";
}

json::object session_api::user_json(const auth::principal& p) {
  json::array sites;
  for (const auto& s : p.sites) sites.push_back(json::string(s));
  return {{"name", p.user},
          {"display_name", p.display_name},
          {"role", auth::to_string(p.level)},
          {"sites", std::move(sites)},
          {"all_sites", p.all_sites}};
}

route_result session_api::handle(request&& req, const request_target& target,
                                 const request_context& ctx) const {
  const std::string& path = target.path();
  if (path == "/api/audit") return audit(std::move(req), target, ctx);
  if (auto bad = target.unknown_param({})) return json_error(req, http::status::bad_request, *bad);
  if (path == "/api/me") {
    if (req.method() != http::verb::get) return method_not_allowed(req, "GET");
    if (!ctx.who) return access::login_required(req);
    return json_response(req, http::status::ok, json::object{{"user", user_json(*ctx.who)}});
  }
  if (req.method() != http::verb::post) return method_not_allowed(req, "POST");
  if (!access::same_origin(req)) return access::forbidden(req, "cross-site request refused");
  if (path == "/api/logout") return logout(std::move(req), ctx);
  auth::authenticator* a = auth_.load();
  if (!a) return json_error(req, http::status::not_found, "this server runs without logins");
  return login(std::move(req), ctx, *a);
}

route_result session_api::login(request&& req, const request_context& ctx,
                                auth::authenticator& a) const {
  boost::system::error_code ec;
  json::value body = json::parse(req.body(), ec);
  if (ec || !body.is_object()) {
    return json_error(req, http::status::bad_request,
                      R"(the body must be a JSON object {"user":"…","password":"…"})");
  }
  const auto* user = body.as_object().if_contains("user");
  const auto* password = body.as_object().if_contains("password");
  if (!user || !user->is_string() || !password || !password->is_string()) {
    return json_error(req, http::status::bad_request, "'user' and 'password' are required strings");
  }
  return deferred_response([&a, req = std::move(req), address = ctx.address, secure = ctx.secure,
                            name = std::string(user->as_string()),
                            pw = std::string(password->as_string())](
                               const boost::asio::any_io_executor& strand,
                               reply_handler reply) mutable {
    a.login(std::move(name), std::move(pw), address,
            [strand, reply = std::move(reply), req,
             secure](std::expected<auth::session, auth::auth_error> r) {
              // On the authenticator's worker: carry the answer to the session's strand.
              boost::asio::post(strand, [reply, req, secure, r = std::move(r)] {
                if (!r) {
                  using code = auth::auth_error::code;
                  switch (r.error().what) {
                    case code::rate_limited: {
                      auto res = json_error(req, http::status::too_many_requests,
                                            "too many failed logins; try again later");
                      res.set(http::field::retry_after,
                              std::to_string(std::max<long>(1, r.error().retry_after.count())));
                      return reply(std::move(res));
                    }
                    case code::invalid_argument:
                      return reply(json_error(req, http::status::bad_request, r.error().message));
                    case code::storage:
                    case code::stopped:
                      return reply(json_error(req, http::status::service_unavailable,
                                              "logins are unavailable; try again"));
                    case code::bad_credentials:
                    case code::disabled:
                      // The same answer for an unknown name, a wrong password and a disabled
                      // user: the reply must not tell which names exist.
                      return reply(json_error(req, http::status::unauthorized,
                                              "wrong user name or password"));
                  }
                }
                const auto now = core::time_point(std::chrono::duration_cast<core::duration>(
                    std::chrono::system_clock::now().time_since_epoch()));
                const auto max_age =
                    std::chrono::duration_cast<std::chrono::seconds>(r->expires_at - now);
                auto res = json_response(
                    req, http::status::ok,
                    json::object{{"user", session_api::user_json(r->who)},
                                 {"token", r->token},
                                 {"expires_at", core::to_epoch_ms(r->expires_at)}});
                res.set(http::field::set_cookie,
                        cookie(r->token, std::max(max_age, std::chrono::seconds(0)), secure));
                res.set(http::field::cache_control, "no-store");
                reply(std::move(res));
              });
            });
  });
}

route_result session_api::logout(request&& req, const request_context& ctx) const {
  auth::authenticator* a = auth_.load();
  auto token = access::session_token(req);
  if (!a || !token) {
    string_response res{http::status::no_content, req.version()};
    res.keep_alive(req.keep_alive());
    res.set(http::field::set_cookie, cookie("", std::chrono::seconds(0), ctx.secure));
    return res;
  }
  return deferred_response([a, req = std::move(req), token = *token, address = ctx.address,
                            secure = ctx.secure](const boost::asio::any_io_executor& strand,
                                                 reply_handler reply) {
    a->logout(token, address, [strand, reply, req, secure] {
      boost::asio::post(strand, [reply, req, secure] {
        string_response res{http::status::no_content, req.version()};
        res.keep_alive(req.keep_alive());
        res.set(http::field::set_cookie, cookie("", std::chrono::seconds(0), secure));
        reply(std::move(res));
      });
    });
  });
}

route_result session_api::audit(request&& req, const request_target& target,
                                const request_context& ctx) const {
  if (req.method() != http::verb::get) return method_not_allowed(req, "GET");
  if (!ctx.who) return access::login_required(req);
  if (!ctx.who->at_least(auth::role::admin)) {
    return access::forbidden(req, "the audit log is for administrators");
  }
  if (auto bad = target.unknown_param({"limit"})) {
    return json_error(req, http::status::bad_request, *bad);
  }
  int limit = 100;
  if (const std::string* text = target.param("limit")) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc{} || end != text->data() + text->size() || limit < 1 || limit > 1000) {
      return json_error(req, http::status::bad_request, "'limit' must be 1 to 1000");
    }
  }
  auth::authenticator* a = auth_.load();
  if (!a) return json_response(req, http::status::ok, json::object{{"events", json::array{}}});
  return deferred_response([a, limit, req = std::move(req)](
                               const boost::asio::any_io_executor& strand, reply_handler reply) {
    a->recent_audit(limit, [strand, reply, req](auto events) {
      boost::asio::post(strand, [reply, req, events = std::move(events)] {
        if (!events) {
          return reply(json_error(req, http::status::service_unavailable, events.error()));
        }
        json::array out;
        for (const auto& e : *events) {
          out.push_back(json::object{{"at", core::to_epoch_ms(e.at)},
                                     {"who", e.who},
                                     {"what", e.what},
                                     {"address", e.address},
                                     {"detail", e.detail}});
        }
        reply(json_response(req, http::status::ok, json::object{{"events", std::move(out)}}));
      });
    });
  });
}

}  // namespace campus::net
