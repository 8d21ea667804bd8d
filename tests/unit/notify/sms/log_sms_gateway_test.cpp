#include "notify/sms/log_sms_gateway.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "delivery_log.hpp"

namespace campus::notify::sms {
namespace {

using testing::delivery_log;
using testing::temp_dir;

TEST(log_sms_gateway, one_line_per_message_and_reports_sent) {
  temp_dir dir;
  auto path = (dir.path() / "logs" / "sms.log").string();
  delivery_log results;
  {
    auto gw = log_sms_gateway::open(path);
    ASSERT_TRUE(gw.has_value()) << gw.error();
    EXPECT_EQ((*gw)->name(), "log");
    (*gw)->send({"m1", "+8613800000000", "【红色预警】第一行\n第二行\t完"}, results.callback());
    (*gw)->send({"m2", "13800000000", "no plus"}, results.callback());
    auto r1 = results.wait_final("m1");
    EXPECT_EQ(r1.back().status, delivery_status::sent);
    auto r2 = results.wait_final("m2");
    EXPECT_EQ(r2.back().status, delivery_status::failed);
    EXPECT_NE(r2.back().reason.find("E.164"), std::string::npos);
  }
  std::ifstream in(path);
  std::string line, all;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    all = line;
  }
  EXPECT_EQ(lines, 1);
  EXPECT_NE(all.find("\tm1\t+8613800000000\t【红色预警】第一行\\n第二行\\t完"), std::string::npos)
      << all;
}

TEST(log_sms_gateway, open_names_the_file_it_cannot_open) {
  temp_dir dir;
  auto blocker = dir.path() / "file";
  std::ofstream(blocker) << "x";
  auto gw = log_sms_gateway::open((blocker / "sms.log").string());
  ASSERT_FALSE(gw.has_value());
  EXPECT_NE(gw.error().find("sms.log"), std::string::npos) << gw.error();
}

}  // namespace
}  // namespace campus::notify::sms
