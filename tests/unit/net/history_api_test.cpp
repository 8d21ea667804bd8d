// GET /api/history through the real server: a fake store on its own thread stands in for the
// database (the backends have their own tests); here what matters is the HTTP side — the
// query handed over, the JSON and CSV answers, and the deferred reply on a kept-alive
// connection.
#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "fake_history_store.hpp"
#include "server_fixture.hpp"

namespace campus::net::test {
namespace {

constexpr std::int64_t nov1 = 1793491200000;  // 2026-11-01T00:00:00Z

// Two buckets of gas readings whatever is asked, or an error for metric "broken".
history::query_result gas_answer(const history::series_query& q) {
  if (q.metric == "broken") return std::unexpected(std::string("database is locked"));
  history::series s{q.device, q.metric, q.subject, q.metric == "door" ? "" : "%LEL", {}};
  if (q.metric == "door") {
    s.buckets.push_back({q.from, std::nullopt, std::nullopt, std::nullopt, 2});
  } else if (q.metric != "quiet") {
    s.buckets.push_back({q.from, 1.5, 2.5, 3.5, 6});
    s.buckets.push_back({q.from + q.step, 4.0, 4.0, 4.0, 1});
  }
  return s;
}

class history_api_test : public server_fixture {
 protected:
  history_api_test() { server_->set_history(&store_); }
  ~history_api_test() override {
    // Sessions may still hold the store until the io_context stops; detach it first.
    server_->set_history(nullptr);
  }

  fake_history_store store_{gas_answer};
};

using history_without_store = server_fixture;

// A connection kept open across requests (and the pipelined ones the server must answer in
// order).
class connection {
 public:
  explicit connection(unsigned short port) {
    stream_.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
  }
  void send(const std::string& target) {
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(stream_, req);
  }
  http::response<http::string_body> receive() {
    http::response<http::string_body> res;
    http::read(stream_, buffer_, res);
    return res;
  }
  beast::tcp_stream& stream() { return stream_; }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_{io_};
  beast::flat_buffer buffer_;
};

TEST_F(history_without_store, answers_503_when_history_is_not_configured) {
  auto res = get("/api/history?device=s1-gas&metric=lel_pct");
  EXPECT_EQ(res.result(), http::status::service_unavailable);
  EXPECT_EQ(body_json(res), (json::object{{"error", "history is not configured"}}));
}

TEST_F(history_api_test, hands_the_query_to_the_store_and_answers_json) {
  auto res =
      get("/api/history?device=s1-gas&metric=lel_pct&subject=&from=2026-11-01T00:00:00Z"
          "&to=2026-11-01T01:00:00Z&step=5m");
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(res[http::field::content_type], "application/json");

  const auto queries = store_.queries();
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(queries[0].device, "s1-gas");
  EXPECT_EQ(queries[0].metric, "lel_pct");
  EXPECT_EQ(queries[0].subject, "");
  EXPECT_EQ(queries[0].from, core::from_epoch_ms(nov1));
  EXPECT_EQ(queries[0].to, core::from_epoch_ms(nov1 + 3'600'000));
  EXPECT_EQ(queries[0].step, std::chrono::minutes(5));

  auto j = body_json(res);
  EXPECT_EQ(j.at("device"), "s1-gas");
  EXPECT_EQ(j.at("metric"), "lel_pct");
  EXPECT_EQ(j.at("subject"), "");
  EXPECT_EQ(j.at("unit"), "%LEL");
  EXPECT_EQ(j.at("from").as_int64(), nov1);
  EXPECT_EQ(j.at("to").as_int64(), nov1 + 3'600'000);
  EXPECT_EQ(j.at("step").as_int64(), 300'000);
  const auto& points = j.at("points").as_array();
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].at("t").as_int64(), nov1);
  EXPECT_DOUBLE_EQ(points[0].at("min").as_double(), 1.5);
  EXPECT_DOUBLE_EQ(points[0].at("mean").as_double(), 2.5);
  EXPECT_DOUBLE_EQ(points[0].at("max").as_double(), 3.5);
  EXPECT_EQ(points[0].at("count").as_int64(), 6);
  EXPECT_EQ(points[1].at("t").as_int64(), nov1 + 300'000);
  EXPECT_EQ(counter("campus_http_history_queries_total"), 1);
}

TEST_F(history_api_test, states_come_back_with_null_values_and_an_empty_range_with_no_points) {
  auto doors = body_json(get("/api/history?device=s1-cab&metric=door"));
  const auto& p = doors.at("points").at(0);
  EXPECT_TRUE(p.at("min").is_null() && p.at("mean").is_null() && p.at("max").is_null());
  EXPECT_EQ(p.at("count").as_int64(), 2);
  EXPECT_EQ(doors.at("unit"), "");

  auto quiet = body_json(get("/api/history?device=s1-gas&metric=quiet"));
  EXPECT_TRUE(quiet.at("points").as_array().empty());
}

TEST_F(history_api_test, defaults_to_the_last_24_hours_in_5_minute_steps) {
  const auto before = core::system_clock{}.now();
  ASSERT_EQ(get("/api/history?device=s1-gas&metric=lel_pct").result(), http::status::ok);
  const auto after = core::system_clock{}.now();
  const auto q = store_.queries().at(0);
  EXPECT_GE(q.to, before);
  EXPECT_LE(q.to, after);
  EXPECT_EQ(q.to - q.from, std::chrono::hours(24));
  EXPECT_EQ(q.step, std::chrono::minutes(5));
}

TEST_F(history_api_test, exports_csv_as_an_attachment) {
  auto res =
      get("/api/history?device=s1-gas&metric=lel_pct&from=1793491200000"
          "&to=1793494800000&step=5m&format=csv");
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(res[http::field::content_type], "text/csv; charset=utf-8");
  EXPECT_EQ(res[http::field::content_disposition],
            "attachment; filename=\"s1-gas_lel_pct_20261101T000000Z_20261101T010000Z.csv\"");
  EXPECT_EQ(res.body(),
            "time,min,mean,max,count\r\n"
            "2026-11-01T00:00:00Z,1.5,2.5,3.5,6\r\n"
            "2026-11-01T00:05:00Z,4,4,4,1\r\n");
}

TEST_F(history_api_test, refuses_bad_queries_before_asking_the_store) {
  auto unknown = get("/api/history?device=nowhere&metric=lel_pct");
  EXPECT_EQ(unknown.result(), http::status::not_found);
  EXPECT_EQ(body_json(unknown).at("error"), "unknown device 'nowhere'");

  auto too_many =
      get("/api/history?device=s1-gas&metric=lel_pct&from=2025-11-01T00:00:00Z"
          "&to=2026-11-01T00:00:00Z&step=10m");
  EXPECT_EQ(too_many.result(), http::status::bad_request);
  EXPECT_EQ(body_json(too_many).at("error"), "too many points: 52,560 > 10,000; use a larger step");

  auto typo = get("/api/history?device=s1-gas&metric=lel_pct&form=csv");
  EXPECT_EQ(typo.result(), http::status::bad_request);
  EXPECT_NE(body_json(typo).at("error").as_string().find("unknown query parameter 'form'"),
            json::string::npos);

  EXPECT_EQ(get("/api/history?device=s1-gas").result(), http::status::bad_request);
  auto post = request(http::verb::post, "/api/history?device=s1-gas&metric=lel_pct", "{}");
  EXPECT_EQ(post.result(), http::status::method_not_allowed);
  EXPECT_EQ(post[http::field::allow], "GET");

  EXPECT_TRUE(store_.queries().empty());
  EXPECT_EQ(counter("campus_http_history_queries_total"), 0);
}

TEST_F(history_api_test, a_store_error_is_a_503_naming_it) {
  auto res = get("/api/history?device=s1-gas&metric=broken");
  EXPECT_EQ(res.result(), http::status::service_unavailable);
  EXPECT_EQ(body_json(res).at("error"), "history query failed: database is locked");
  EXPECT_EQ(counter("campus_http_history_query_failures_total"), 1);
}

TEST_F(history_api_test, a_late_reply_comes_before_the_next_request_on_a_kept_alive_connection) {
  store_.hold();
  connection c(port_);
  // Pipelined: the second request is already in the socket while the query is in flight.
  c.send("/api/history?device=s1-gas&metric=lel_pct&from=1793491200000&to=1793494800000");
  c.send("/healthz");
  store_.wait_for_queries(1);
  store_.release();  // answered now, from the store's thread

  auto first = c.receive();
  ASSERT_EQ(first.result(), http::status::ok) << first.body();
  EXPECT_TRUE(first.keep_alive());
  EXPECT_EQ(body_json(first).at("points").as_array().size(), 2u);
  auto second = c.receive();
  EXPECT_EQ(body_json(second), (json::object{{"status", "ok"}}));

  // And the connection keeps working for further history queries, held or not.
  store_.hold();
  c.send("/api/history?device=s1-gas&metric=lel_pct&format=csv");
  store_.wait_for_queries(2);
  store_.release();
  auto third = c.receive();
  EXPECT_EQ(third.result(), http::status::ok);
  EXPECT_EQ(third.body().rfind("time,min,mean,max,count\r\n", 0), 0u);
  c.send("/api/history?device=s1-gas&metric=door");
  EXPECT_EQ(c.receive().result(), http::status::ok);
  EXPECT_EQ(store_.queries().size(), 3u);
}

TEST_F(history_api_test, a_store_that_does_not_answer_in_time_gets_a_504_and_its_late_reply_is_dropped) {
  server_->set_reply_timeout(std::chrono::milliseconds(50));
  store_.hold();
  connection c(port_);
  c.send("/api/history?device=s1-gas&metric=lel_pct");
  auto res = c.receive();  // the store is still holding the query
  EXPECT_EQ(res.result(), http::status::gateway_timeout);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(body_json(res).at("error"),
            "the query took too long; try a shorter range or a larger step");
  beast::error_code ec;
  http::response<http::string_body> after;
  beast::flat_buffer buffer;
  http::read(c.stream(), buffer, after, ec);
  EXPECT_EQ(ec, http::error::end_of_stream);

  store_.release();  // the late reply finds its session has moved on
  store_.wait_for_queries(1);
  server_->set_reply_timeout(std::chrono::seconds(60));
  EXPECT_EQ(get("/api/history?device=s1-gas&metric=lel_pct").result(), http::status::ok);
}

TEST_F(history_api_test, a_client_that_leaves_before_its_reply_does_not_disturb_the_server) {
  store_.hold();
  {
    connection c(port_);
    c.send("/api/history?device=s1-gas&metric=lel_pct");
    store_.wait_for_queries(1);
    beast::error_code ec;
    c.stream().socket().shutdown(tcp::socket::shutdown_both, ec);
    c.stream().close();
  }
  store_.release();  // the reply goes to a closed connection
  auto res = get("/api/history?device=s1-gas&metric=lel_pct");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(store_.queries().size(), 2u);
}

}  // namespace
}  // namespace campus::net::test
