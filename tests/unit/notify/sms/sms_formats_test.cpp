#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "notify/sms/http_body_template.hpp"
#include "notify/sms/phone_number.hpp"
#include "notify/sms/provider_url.hpp"
#include "notify/sms/smstools_spool_file.hpp"

namespace campus::notify::sms {
namespace {

TEST(phone_number, e164_to_smstools) {
  EXPECT_EQ(to_smstools_number("+8613800000000").value(), "8613800000000");
  for (const char* bad : {"8613800000000", "+86 138 0000 0000", "+0861380000", "+86", "",
                          "+861380000000000000", "+86138000000a0"})
    EXPECT_FALSE(to_smstools_number(bad).has_value()) << bad;
}

TEST(smstools_spool_file, composes_what_smsd_reads) {
  EXPECT_EQ(compose_spool_file("8613800000000", "【红色预警】测试\n第二行"),
            "To: 8613800000000\nAlphabet: UTF-8\n\n【红色预警】测试\n第二行");
}

TEST(smstools_spool_file, parses_the_headers_smsd_adds) {
  // As smsd 3.1.21 leaves a file in failed/ (taken from a real run).
  auto h = parse_spool_headers(
      "To: 8613900000009\nAlphabet: UTF-8\nFail_reason: Destination is blacklisted\n"
      "Failed: 26-11-23 12:38:47\n\nFail_reason: not a header\n");
  EXPECT_EQ(h.at("Fail_reason"), "Destination is blacklisted");
  EXPECT_EQ(h.at("Failed"), "26-11-23 12:38:47");
  EXPECT_EQ(h.at("To"), "8613900000009");
  EXPECT_EQ(h.size(), 4u);
  auto empty = parse_spool_headers("IMSI: \nno colon here\n:bad\r\nSent: 26-11-23 12:38:28\r\n");
  EXPECT_EQ(empty.at("IMSI"), "");
  EXPECT_EQ(empty.at("Sent"), "26-11-23 12:38:28");
  EXPECT_EQ(empty.size(), 2u);
}

TEST(smstools_spool_file, file_names_are_safe_and_unique) {
  EXPECT_EQ(spool_file_name(1700000000000, 7, "gas/kitchen-1#3.x"),
            "campus-1700000000000-7-gas_kitchen-1_3_x");
  EXPECT_NE(spool_file_name(1, 1, "a/b"), spool_file_name(1, 2, "a_b"));
  auto longest = spool_file_name(1, 1, std::string(500, 'z'));
  EXPECT_LT(longest.size(), 100u);
  EXPECT_FALSE(spool_file_name(1, 1, "x.LOCK").ends_with(".LOCK"));
}

TEST(http_body_template, values_are_json_escaped_once) {
  sms_message m{"A-1", "+8613800000000", "he said \"走\"\n\\ {id}\x01"};
  auto body = render_http_body(
      R"({"phone":"{to_digits}","e164":"{to}","msg":"{text}","ref":"{id}","k":"{unknown}"})", m);
  auto v = boost::json::parse(body).as_object();
  EXPECT_EQ(v.at("phone").as_string(), "8613800000000");
  EXPECT_EQ(v.at("e164").as_string(), "+8613800000000");
  EXPECT_EQ(v.at("msg").as_string(), m.text);  // {id} inside the text is not expanded
  EXPECT_EQ(v.at("ref").as_string(), "A-1");
  EXPECT_EQ(v.at("k").as_string(), "{unknown}");
}

TEST(provider_url, splits_host_port_target) {
  auto u = provider_url::parse("http://127.0.0.1:8099/api/sms?x=1").value();
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, "8099");
  EXPECT_EQ(u.target, "/api/sms?x=1");
  auto d = provider_url::parse("http://sms.example.cn").value();
  EXPECT_EQ(d.port, "80");
  EXPECT_EQ(d.target, "/");
  EXPECT_EQ(provider_url::parse("http://[::1]:81/s").value().host, "::1");
  for (const char* bad : {"https://x/", "ftp://x", "http://:80/", "http://x:0/", "http://x:99999/",
                          "http://x:abc/", "http://u:p@x/"}) {
    auto r = provider_url::parse(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_NE(r.error().find(bad), std::string::npos) << r.error();
  }
}

}  // namespace
}  // namespace campus::notify::sms
