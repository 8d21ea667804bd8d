#include "campus_server.hpp"

#include <boost/json.hpp>

#include <stdexcept>

#include "auth/role.hpp"
#include "auth/user_store.hpp"
#include "support/free_port.hpp"
#include "support/wait_until.hpp"

namespace campus::test {

namespace {

std::filesystem::path with_users(const std::filesystem::path& data_dir,
                                 const std::vector<test_user>& users) {
  std::filesystem::create_directories(data_dir);
  auto store = auth::user_store::open((data_dir / "users.db").string(),
                                      auth::password_cost::minimum());
  if (!store) throw std::runtime_error("test users.db: " + store.error());
  auto known = (*store)->list();
  if (!known) throw std::runtime_error("test users.db: " + known.error());
  for (const auto& u : users) {
    bool present = false;
    for (const auto& k : *known) present = present || k.name == u.name;
    if (present) continue;
    auth::user_record r;
    r.name = u.name;
    r.display_name = u.display_name.empty() ? u.name : u.display_name;
    r.level = auth::parse_role(u.role).value_or(auth::role::viewer);
    r.sites = u.sites;
    auto added = (*store)->add_user(r, campus_server::password_of(u.name));
    if (!added) throw std::runtime_error("test user " + u.name + ": " + added.error());
  }
  return data_dir;
}

}  // namespace

campus_server::campus_server(const std::filesystem::path& config, int broker_port,
                             const std::filesystem::path& dir, const std::vector<test_user>& users)
    : port_(free_port()),
      data_dir_(with_users(dir / "data", users)),
      process_({CAMPUS_SHIELD_BINARY, "serve", "--config", config.string(), "--listen",
                "127.0.0.1:" + std::to_string(port_), "--mqtt",
                "127.0.0.1:" + std::to_string(broker_port), "--data-dir", data_dir_.string()},
               dir / "campus-shield.log") {}

bool campus_server::wait_until_connected() {
  return wait_until([&] { return metric("campus_mqtt_connected") == 1; });
}

double campus_server::metric(const std::string& series) {
  auto r = http_get(port_, "/metrics");
  if (!r || r->status != 200) return -1;
  return metric_value(r->body, series).value_or(-1);
}

std::string campus_server::token(const std::string& user) {
  if (auto it = tokens_.find(user); it != tokens_.end()) return it->second;
  const std::string body = boost::json::serialize(
      boost::json::object{{"user", user}, {"password", password_of(user)}});
  auto r = http_post(port_, "/api/login", body);
  if (!r || r->status != 200) return {};
  std::string t(boost::json::parse(r->body).at("token").as_string());
  tokens_[user] = t;
  return t;
}

std::optional<http_reply> campus_server::get(const std::string& target, const std::string& user) {
  return http_get(port_, target, token(user));
}

std::optional<http_reply> campus_server::post(const std::string& target, const std::string& body,
                                              const std::string& user) {
  return http_post(port_, target, body, token(user));
}

bool campus_server::connect(ws_client& ws, const std::string& user) {
  return ws.connect(port_, std::chrono::seconds(5), token(user));
}

}  // namespace campus::test
