#include "net/access.hpp"

#include <boost/beast/http/field.hpp>

namespace campus::net::access {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_token(std::string_view t) {
  if (t.empty() || t.size() > 256) return false;
  for (char c : t) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> session_token(const request& req) {
  if (auto it = req.find(http::field::authorization); it != req.end()) {
    std::string_view v = trim(it->value());
    constexpr std::string_view bearer = "Bearer ";
    if (v.size() > bearer.size() && v.substr(0, bearer.size()) == bearer) {
      auto t = trim(v.substr(bearer.size()));
      if (is_token(t)) return std::string(t);
    }
    return std::nullopt;  // an Authorization header that is not ours is not a session
  }
  for (auto it = req.find(http::field::cookie); it != req.end() && it->name() == http::field::cookie;
       ++it) {
    std::string_view rest = it->value();
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      std::string_view pair = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != cookie_name) continue;
      auto t = trim(pair.substr(eq + 1));
      if (is_token(t)) return std::string(t);
    }
  }
  return std::nullopt;
}

bool same_origin(const request& req) {
  auto origin = req.find(http::field::origin);
  if (origin == req.end()) return true;
  std::string_view o = origin->value();
  const auto scheme = o.find("://");
  if (scheme == std::string_view::npos) return false;  // includes "null"
  o.remove_prefix(scheme + 3);
  if (const auto slash = o.find('/'); slash != std::string_view::npos) o = o.substr(0, slash);
  auto host = req.find(http::field::host);
  if (host == req.end()) return false;
  // Default ports may be left out on either side; host names compare without case.
  auto normal = [](std::string_view s) {
    for (std::string_view port : {":80", ":443"}) {
      if (s.size() > port.size() && s.substr(s.size() - port.size()) == port) {
        s.remove_suffix(port.size());
        break;
      }
    }
    std::string out(s);
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
  };
  return normal(o) == normal(host->value());
}

auth::principal open_access() {
  auth::principal p;
  p.user = "open";
  p.display_name = "open";
  p.level = auth::role::admin;
  p.all_sites = true;
  return p;
}

string_response login_required(const request& req) {
  auto res = json_error(req, http::status::unauthorized, "login required");
  res.set(http::field::www_authenticate, "Bearer");
  return res;
}

string_response forbidden(const request& req, std::string_view why) {
  return json_error(req, http::status::forbidden, why);
}

}  // namespace campus::net::access
