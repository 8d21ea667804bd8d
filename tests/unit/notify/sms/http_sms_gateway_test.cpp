// The HTTP gateway against a small Beast server on 127.0.0.1, port 0, answering from a script.
#include "notify/sms/http_sms_gateway.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <deque>
#include <mutex>
#include <thread>

#include "delivery_log.hpp"

namespace campus::notify::sms {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using testing::delivery_log;

// A provider stand-in: answers each request with the next scripted reply; status 0 means
// "read the request and never answer" (the gateway must time out).
class provider {
 public:
  struct reply {
    unsigned status;
    std::string body;
  };
  struct seen {
    std::string target, authorization, content_type, body;
  };

  explicit provider(std::vector<reply> script)
      : script_(script.begin(), script.end()),
        acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { serve(); });
  }
  ~provider() {
    beast::error_code ec;
    acceptor_.close(ec);
    ioc_.stop();
    // Wake a blocking accept() by connecting once.
    asio::io_context c;
    tcp::socket s(c);
    s.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
  }
  unsigned short port() const { return port_; }
  std::vector<seen> requests() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  void serve() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec || !acceptor_.is_open()) return;
      beast::flat_buffer buffer;
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) continue;
      reply r{200, "{}"};
      {
        std::lock_guard lock(mutex_);
        seen_.push_back({std::string(req.target()), std::string(req[http::field::authorization]),
                         std::string(req[http::field::content_type]), req.body()});
        if (!script_.empty()) {
          r = script_.front();
          script_.pop_front();
        }
      }
      if (r.status == 0) {
        stalled_.push_back(std::move(socket));  // kept open, never answered
        continue;
      }
      http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
      res.body() = r.body;
      res.prepare_payload();
      http::write(socket, res, ec);
    }
  }

  std::mutex mutex_;
  std::deque<reply> script_;
  std::vector<seen> seen_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  unsigned short port_ = acceptor_.local_endpoint().port();
  std::vector<tcp::socket> stalled_;
  std::thread thread_;
};

http_sms_settings settings_for(const provider& p) {
  http_sms_settings s;
  s.url = "http://127.0.0.1:" + std::to_string(p.port()) + "/v1/sms";
  s.headers = {{"Authorization", "Bearer secret-token"}};
  s.body_template = R"({"mobile":"{to_digits}","content":"{text}","ref":"{id}"})";
  s.timeout = 300ms;
  s.backoff = 10ms;
  s.max_attempts = 3;
  return s;
}

TEST(http_sms_gateway, success_posts_the_templated_json) {
  provider p({{200, R"({"code":0})"}});
  auto gw = http_sms_gateway::open(settings_for(p));
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  const std::string text = "【红色预警】\"食堂\"\n燃气 25%LEL";
  (*gw)->send({"A-17", "+8613800000000", text}, log.callback());
  auto r = log.wait_final("A-17");
  EXPECT_EQ(r.back().status, delivery_status::sent) << r.back().reason;
  auto seen = p.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/v1/sms");
  EXPECT_EQ(seen[0].authorization, "Bearer secret-token");
  EXPECT_EQ(seen[0].content_type, "application/json; charset=utf-8");
  auto body = boost::json::parse(seen[0].body).as_object();
  EXPECT_EQ(body.at("mobile").as_string(), "8613800000000");
  EXPECT_EQ(body.at("content").as_string(), text);
  EXPECT_EQ(body.at("ref").as_string(), "A-17");
}

TEST(http_sms_gateway, server_error_is_retried_then_sent) {
  provider p({{500, "busy"}, {200, "ok"}});
  auto gw = http_sms_gateway::open(settings_for(p));
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  (*gw)->send({"m", "+8613800000000", "x"}, log.callback());
  EXPECT_EQ(log.wait_final("m").back().status, delivery_status::sent);
  EXPECT_EQ(p.requests().size(), 2u);
}

TEST(http_sms_gateway, client_error_fails_at_once_with_the_body) {
  provider p({{400, R"({"error":"invalid mobile"})"}, {200, "ok"}});
  auto gw = http_sms_gateway::open(settings_for(p));
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  (*gw)->send({"m", "+8613800000000", "x"}, log.callback());
  auto r = log.wait_final("m");
  EXPECT_EQ(r.back().status, delivery_status::failed);
  EXPECT_EQ(r.back().reason, R"(HTTP 400: {"error":"invalid mobile"})");
  EXPECT_EQ(p.requests().size(), 1u);
}

TEST(http_sms_gateway, timeouts_are_retried_then_failed) {
  provider p({{0, ""}, {0, ""}});
  auto s = settings_for(p);
  s.max_attempts = 2;
  auto gw = http_sms_gateway::open(s);
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  (*gw)->send({"m", "+8613800000000", "x"}, log.callback());
  auto r = log.wait_final("m");
  EXPECT_EQ(r.back().status, delivery_status::failed);
  EXPECT_EQ(r.back().reason, "after 2 attempts: no answer within 300 ms");
  EXPECT_EQ(p.requests().size(), 2u);
}

TEST(http_sms_gateway, persistent_server_errors_fail_after_the_last_attempt) {
  provider p({{503, "down"}, {503, "down"}, {503, "still down"}, {200, "late"}});
  auto gw = http_sms_gateway::open(settings_for(p));
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  (*gw)->send({"m", "+8613800000000", "x"}, log.callback());
  auto r = log.wait_final("m");
  EXPECT_EQ(r.back().status, delivery_status::failed);
  EXPECT_EQ(r.back().reason, "after 3 attempts: HTTP 503: still down");
  EXPECT_EQ(p.requests().size(), 3u);
}

TEST(http_sms_gateway, refused_connection_fails_and_bad_number_never_leaves) {
  unsigned short closed_port;
  {
    asio::io_context c;
    tcp::acceptor a(c, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = a.local_endpoint().port();
  }
  http_sms_settings s;
  s.url = "http://127.0.0.1:" + std::to_string(closed_port) + "/";
  s.backoff = 1ms;
  s.max_attempts = 2;
  auto gw = http_sms_gateway::open(s);
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  (*gw)->send({"m", "+8613800000000", "x"}, log.callback());
  (*gw)->send({"bad", "13800000000", "x"}, log.callback());
  auto r = log.wait_final("m");
  EXPECT_EQ(r.back().status, delivery_status::failed);
  EXPECT_TRUE(r.back().reason.starts_with("after 2 attempts: connect:")) << r.back().reason;
  EXPECT_NE(log.wait_final("bad").back().reason.find("E.164"), std::string::npos);
}

TEST(http_sms_gateway, many_messages_all_get_an_answer) {
  provider p({});
  auto s = settings_for(p);
  s.max_in_flight = 2;
  auto gw = http_sms_gateway::open(s);
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  for (int i = 0; i < 10; ++i)
    (*gw)->send({"m" + std::to_string(i), "+8613800000000", "x"}, log.callback());
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(log.wait_final("m" + std::to_string(i)).back().status, delivery_status::sent);
  EXPECT_EQ(p.requests().size(), 10u);
}

TEST(http_sms_gateway, open_rejects_bad_settings) {
  http_sms_settings s;
  s.url = "https://sms.example.cn/send";
  EXPECT_FALSE(http_sms_gateway::open(s).has_value());
  s.url = "http://127.0.0.1:1/";
  s.max_attempts = 0;
  auto r = http_sms_gateway::open(s);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("max_attempts"), std::string::npos);
}

}  // namespace
}  // namespace campus::notify::sms
