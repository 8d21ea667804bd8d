// The control channel's messages: what a scenario publishes and what a background simulator
// accepts. Malformed input is an error, never an exception.
#include "sim/mute_control.hpp"

#include <gtest/gtest.h>

#include "sample_district.hpp"

namespace campus::sim {
namespace {

const auto until = core::from_epoch_ms(1764302400123);

TEST(mute_control, a_mute_message_is_retained_and_reads_back_as_the_same_time) {
  const auto m = mute_message("xh-kitchen-gas-1", until);
  EXPECT_EQ(m.topic, "campus-sim/control/xh-kitchen-gas-1");
  EXPECT_EQ(m.payload, R"({"mute_until":1764302400123})");
  EXPECT_TRUE(m.retain);
  const auto c = parse_mute_control(m.topic, m.payload);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->device, "xh-kitchen-gas-1");
  EXPECT_EQ(c->until, until);
}

TEST(mute_control, an_empty_payload_unmutes_and_deletes_the_retained_mute) {
  const auto m = unmute_message("xh-kitchen-cam-1");
  EXPECT_EQ(m.topic, "campus-sim/control/xh-kitchen-cam-1");
  EXPECT_TRUE(m.payload.empty());
  EXPECT_TRUE(m.retain);  // an empty retained publish is what deletes the retained message
  const auto c = parse_mute_control(m.topic, m.payload);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->device, "xh-kitchen-cam-1");
  EXPECT_FALSE(c->until);
}

TEST(mute_control, malformed_payloads_are_errors) {
  const std::string topic = control_topic("xh-kitchen-gas-1");
  for (const char* payload : {"{", "mute", "[]", "{}", R"({"until":1})", R"({"mute_until":"soon"})",
                              R"({"mute_until":-5})", R"({"mute_until":1.5})",
                              R"({"mute_until":null})", R"({"mute_until":18446744073709551615})"}) {
    const auto c = parse_mute_control(topic, payload);
    EXPECT_FALSE(c) << payload;
    if (!c) {
      EXPECT_NE(c.error().find(topic), std::string::npos) << c.error();
    }
  }
}

TEST(mute_control, only_device_topics_under_the_prefix_are_controls) {
  for (const char* topic : {"campus-sim/control", "campus-sim/control/", "campus-sim/controlx/a",
                            "campus-sim/control/a/b", "campus/xh-primary/kitchen/gas/telemetry"}) {
    EXPECT_FALSE(parse_mute_control(topic, "")) << topic;
  }
}

TEST(mute_control, the_server_never_receives_control_messages) {
  // The server subscribes to the configured mqtt.subscription; the control channel must lie
  // outside it.
  const auto& subscription = testing::sample_district().mqtt.subscription;
  EXPECT_EQ(subscription, "campus/#");
  EXPECT_EQ(control_subscription(), "campus-sim/control/#");
  EXPECT_FALSE(control_topic("x").starts_with("campus/"));
}

}  // namespace
}  // namespace campus::sim
