// Logging in and out (docs/security.md):
//   POST /api/login   {"user","password"} → the user, the token, a session cookie
//   POST /api/logout  ends the session (cookie or bearer), clears the cookie
//   GET  /api/me      the session's user, or 401
//   GET  /api/audit?limit=N   the newest audit events (logins, denials, user changes); admin
// The password check runs on the authenticator's worker (Argon2id is slow on purpose); the
// answer is formatted on the session's strand.
#pragma once

#include <atomic>

#include "auth/authenticator.hpp"
#include "net/request_context.hpp"
#include "net/request_target.hpp"
#include "net/responses.hpp"

namespace campus::net {

class session_api {
 public:
  // The authenticator must outlive the requests it is given; nullptr: the server runs open
  // (no logins; /api/me answers the open principal).
  void set_authenticator(auth::authenticator* a) { auth_.store(a); }

  static bool serves(std::string_view path);
  // Safe to call from several threads at once.
  route_result handle(request&& req, const request_target& target,
                      const request_context& ctx) const;

  // {"name","display_name","role","sites","all_sites"}
  static boost::json::object user_json(const auth::principal& p);

 private:
  route_result login(request&& req, const request_context& ctx, auth::authenticator& a) const;
  route_result logout(request&& req, const request_context& ctx) const;
  route_result audit(request&& req, const request_target& target, const request_context& ctx) const;

  std::atomic<auth::authenticator*> auth_{nullptr};
};

}  // namespace campus::net
