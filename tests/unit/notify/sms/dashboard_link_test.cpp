// The address SMS links open: http.public_url when set, otherwise the address the server serves
// once bound (scheme by TLS, host, the bound port) — never a constant — and an alert's link in
// the dashboard (#alert=<id>, which dashboards/session.js reads).
#include "notify/sms/dashboard_link.hpp"

#include <gtest/gtest.h>

#include "notify/sms/sms_template.hpp"

namespace campus::notify::sms {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::tcp;

tcp::endpoint at(const char* address, unsigned short port) {
  return {make_address(address), port};
}

TEST(dashboard_link, the_configured_public_url_wins_over_the_bound_address) {
  auto a = address_for_links("https://campus.example.cn/", false, at("0.0.0.0", 8080));
  EXPECT_EQ(a.url, "https://campus.example.cn/");
  EXPECT_EQ(a.caution, "");  // the district said where phones reach it
  // Behind a proxy the server may speak plain HTTP on another port: the URL is kept as written.
  EXPECT_EQ(address_for_links("https://example.cn:8443/campus/", false, at("127.0.0.1", 9090)).url,
            "https://example.cn:8443/campus/");
}

TEST(dashboard_link, without_one_the_bound_address_and_port_plain_or_tls) {
  // The port actually bound: port 0 chosen by the system, a PORT override, --listen.
  EXPECT_EQ(address_for_links("", false, at("192.0.2.7", 41234)).url, "http://192.0.2.7:41234/");
  EXPECT_EQ(address_for_links("", true, at("192.0.2.7", 8443)).url, "https://192.0.2.7:8443/");
  EXPECT_EQ(address_for_links("", false, at("192.0.2.7", 41234)).caution, "");
  // IPv6 in brackets.
  EXPECT_EQ(address_for_links("", true, at("2001:db8::5", 8443)).url, "https://[2001:db8::5]:8443/");
}

TEST(dashboard_link, every_address_is_localhost_with_a_caution_for_the_log) {
  auto any = address_for_links("", false, at("0.0.0.0", 9090));
  EXPECT_EQ(any.url, "http://localhost:9090/");
  EXPECT_NE(any.caution.find("set http.public_url"), std::string::npos) << any.caution;
  EXPECT_EQ(address_for_links("", true, at("::", 8443)).url, "https://localhost:8443/");
  auto loopback = address_for_links("", false, at("127.0.0.1", 18080));
  EXPECT_EQ(loopback.url, "http://127.0.0.1:18080/");
  EXPECT_NE(loopback.caution.find("loopback"), std::string::npos) << loopback.caution;
  EXPECT_EQ(address_for_links("", false, at("::1", 18080)).url, "http://[::1]:18080/");
}

TEST(dashboard_link, an_alerts_link_is_the_address_and_its_fragment) {
  EXPECT_EQ(alert_link("http://127.0.0.1:18080/", "A-000043"),
            "http://127.0.0.1:18080/#alert=A-000043");
  EXPECT_EQ(alert_link("https://example.cn/campus/?school=xh", "A-000043"),
            "https://example.cn/campus/?school=xh#alert=A-000043");
}

// The text a duty leader gets carries the link to the bound address.
TEST(dashboard_link, the_alert_text_carries_the_link_to_the_bound_port) {
  sms_template_options o;
  o.dashboard = address_for_links("", false, at("0.0.0.0", 9090)).url;
  alert_facts f;
  f.ledger_id = "A-000043";
  f.school = "星火小学";
  f.what = "燃气泄漏";
  f.value = 40.0;
  f.unit = "%LEL";
  f.threshold = 25.0;
  f.severity = core::severity::red;
  const auto text = sms_template(o).render(f, sms_language::zh);
  EXPECT_NE(text.find("请登录 http://localhost:9090/#alert=A-000043 确认。"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace campus::notify::sms
