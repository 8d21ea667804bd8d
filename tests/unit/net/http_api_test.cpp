#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace campus::net::test {
namespace {

using http_api = server_fixture;

TEST_F(http_api, healthz_answers_ok) {
  auto res = get("/healthz");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_EQ(body_json(res), (json::object{{"status", "ok"}}));
}

TEST_F(http_api, sites_list_the_district_its_sites_and_zones) {
  auto res = get("/api/sites");
  ASSERT_EQ(res.result(), http::status::ok);
  auto j = body_json(res);
  EXPECT_EQ(j.at("district"),
            (json::object{{"id", "demo"}, {"name", "示范区"}, {"name_en", "Demo district"}}));
  const auto& sites = j.at("sites").as_array();
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(sites[0].at("id"), "s1");
  EXPECT_EQ(sites[0].at("name_en"), "No. 1 Middle School");
  EXPECT_EQ(sites[0].at("time_zone"), "Asia/Shanghai");
  ASSERT_EQ(sites[0].at("zones").as_array().size(), 2u);
  EXPECT_EQ(sites[0].at("zones").at(1),
            (json::object{{"id", "store"}, {"type", "chemical_store"}, {"name", "危化品库"},
                          {"name_en", "Chemical store"}}));
}

TEST_F(http_api, devices_show_status_last_seen_and_values_optionally_by_site) {
  state_.apply(gas_reading(3.2), core::from_epoch_ms(1763860000500));

  auto all = body_json(get("/api/devices"));
  ASSERT_EQ(all.at("devices").as_array().size(), 3u);
  const auto& gas = all.at("devices").at(0).as_object();
  EXPECT_EQ(gas.at("id"), "s1-gas");
  EXPECT_EQ(gas.at("family"), "gas_detector");
  EXPECT_EQ(gas.at("status"), "online");
  EXPECT_EQ(gas.at("last_seen").as_int64(), 1763860000500);
  const auto& lel = gas.at("values").at("lel_pct").as_object();
  EXPECT_DOUBLE_EQ(lel.at("value").as_double(), 3.2);
  EXPECT_EQ(lel.at("unit"), "%LEL");
  EXPECT_EQ(lel.at("ts").as_int64(), 1763860000123);
  const auto& cabinet = all.at("devices").at(1).as_object();
  EXPECT_EQ(cabinet.at("status"), "unknown");
  EXPECT_TRUE(cabinet.at("last_seen").is_null());
  EXPECT_TRUE(cabinet.at("values").as_object().empty());

  auto s2 = body_json(get("/api/devices?site=s2"));
  ASSERT_EQ(s2.at("devices").as_array().size(), 1u);
  EXPECT_EQ(s2.at("devices").at(0).at("id"), "s2-beacon");

  auto unknown = get("/api/devices?site=nowhere");
  EXPECT_EQ(unknown.result(), http::status::not_found);
  EXPECT_EQ(body_json(unknown).at("error"), "unknown site 'nowhere'");
}

TEST_F(http_api, alerts_lists_active_alerts_and_refuses_other_states) {
  state_.apply(gas_alert("gas_high/s1-gas#1", rules::alert_event::kind::raised));
  auto active = get("/api/alerts?state=active");
  ASSERT_EQ(active.result(), http::status::ok);
  auto alerts = body_json(active).at("alerts").as_array();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].at("id"), "gas_high/s1-gas#1");
  EXPECT_EQ(alerts[0].at("severity"), "red");

  EXPECT_EQ(body_json(get("/api/alerts?state=active&site=s2")).at("alerts").as_array().size(), 0u);
  EXPECT_EQ(body_json(get("/api/alerts?site=s1")).at("alerts").as_array().size(), 1u);

  auto bad = get("/api/alerts?state=closed");
  EXPECT_EQ(bad.result(), http::status::bad_request);
  const std::string message(body_json(bad).at("error").as_string());
  EXPECT_NE(message.find("allowed values: active"), std::string::npos) << message;
  EXPECT_EQ(get("/api/alerts?state=active&site=nowhere").result(), http::status::not_found);
}

TEST_F(http_api, bad_queries_unknown_paths_and_wrong_methods_have_json_errors) {
  auto typo = get("/api/devices?sit=s1");
  EXPECT_EQ(typo.result(), http::status::bad_request);
  EXPECT_NE(body_json(typo).at("error").as_string().find("unknown query parameter 'sit'"),
            json::string::npos);
  EXPECT_EQ(get("/api/devices?site=%zz").result(), http::status::bad_request);

  auto missing = get("/api/nothing");
  EXPECT_EQ(missing.result(), http::status::not_found);
  EXPECT_TRUE(body_json(missing).contains("error"));

  auto post = request(http::verb::post, "/api/devices", "{}");
  EXPECT_EQ(post.result(), http::status::method_not_allowed);
  EXPECT_EQ(post[http::field::allow], "GET");
  EXPECT_TRUE(body_json(post).contains("error"));
}

TEST_F(http_api, an_oversized_body_is_refused) {
  auto res = request(http::verb::post, "/api/devices", std::string(100 * 1024, 'x'));
  EXPECT_EQ(res.result(), http::status::payload_too_large);
}

TEST_F(http_api, oversized_headers_are_refused) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port_});
  http::request<http::string_body> req{http::verb::get, "/healthz", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set("X-Padding", std::string(32 * 1024, 'p'));
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  EXPECT_EQ(res.result(), http::status::request_header_fields_too_large);
  EXPECT_FALSE(res.keep_alive());
}

TEST_F(http_api, metrics_render_prometheus_text_with_the_websocket_gauge) {
  auto res = get("/metrics");
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_NE(res[http::field::content_type].find("text/plain"), beast::string_view::npos);
  EXPECT_NE(res.body().find("# TYPE campus_ws_clients gauge\ncampus_ws_clients 0\n"),
            std::string::npos)
      << res.body();
  EXPECT_NE(res.body().find("campus_ws_slow_clients_closed_total 0"), std::string::npos);
}

TEST_F(http_api, a_kept_alive_connection_answers_several_requests) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port_});
  beast::flat_buffer buffer;
  for (const char* target : {"/healthz", "/api/sites", "/healthz"}) {
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    EXPECT_EQ(res.result(), http::status::ok) << target;
    EXPECT_TRUE(res.keep_alive());
  }
}

TEST_F(http_api, static_files_are_served_with_their_content_type) {
  auto index = get("/");
  ASSERT_EQ(index.result(), http::status::ok);
  EXPECT_EQ(index[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(index.body(), "<!doctype html><title>CampusShield</title>");

  auto js = get("/js/app.js");
  ASSERT_EQ(js.result(), http::status::ok);
  EXPECT_EQ(js[http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body(), "export const ok = true;\n");

  auto css = request(http::verb::head, "/css/site.css");
  EXPECT_EQ(css.result(), http::status::ok);
  EXPECT_EQ(css[http::field::content_type], "text/css; charset=utf-8");
  EXPECT_EQ(css[http::field::content_length], "15");

  EXPECT_EQ(get("/missing.html").result(), http::status::not_found);
  EXPECT_EQ(request(http::verb::delete_, "/index.html").result(),
            http::status::method_not_allowed);
}

TEST_F(http_api, path_traversal_is_refused) {
  for (const char* target : {"/../secret.txt", "/js/../../secret.txt", "/%2e%2e/secret.txt",
                             "/..%2fsecret.txt"}) {
    auto res = get(target);
    EXPECT_EQ(res.result(), http::status::bad_request) << target;
    EXPECT_EQ(res.body().find("do not serve"), std::string::npos) << target;
  }
}

}  // namespace
}  // namespace campus::net::test
