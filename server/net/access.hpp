// Access checks shared by the routes and the WebSocket upgrade: the session token a request
// carries, whether its Origin is this server, and the answers for "log in" and "not yours".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.hpp"
#include "net/responses.hpp"

namespace campus::net::access {

inline constexpr std::string_view cookie_name = "campus_session";

// The token of `Authorization: Bearer <token>`, else of the `campus_session` cookie.
std::optional<std::string> session_token(const request& req);

// False when the request names an Origin that is not this server (scheme-less comparison of
// the Origin's host[:port] with the Host header); true when it names none (non-browser
// clients) or the same host.
bool same_origin(const request& req);

// The principal used when the server runs without an authenticator (the net module's own
// tests): every school, every role. The application always has an authenticator.
auth::principal open_access();

string_response login_required(const request& req);
string_response forbidden(const request& req, std::string_view why);

}  // namespace campus::net::access
