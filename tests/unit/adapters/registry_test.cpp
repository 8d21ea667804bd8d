// adapters/registry: the built-in families and how unknown ones are reported.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>

#include "adapters/registry.hpp"

namespace campus::adapters {
namespace {

TEST(adapter_registry, builtin_has_exactly_the_six_families) {
  EXPECT_EQ(builtin_registry().families(),
            (std::vector<std::string>{"alarm_input", "gas_detector", "hazmat_cabinet", "json_map",
                                      "kitchen_camera", "water_beacon"}));
  for (const char* f : {"gas_detector", "hazmat_cabinet", "kitchen_camera", "water_beacon",
                        "alarm_input", "json_map"}) {
    EXPECT_TRUE(builtin_registry().contains(f)) << f;
  }
}

TEST(adapter_registry, unknown_family_is_named) {
  auto made = builtin_registry().make("gas_detecter", {});
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error(), "unknown device family \"gas_detecter\"");
  EXPECT_FALSE(builtin_registry().contains("gas_detecter"));
}

TEST(adapter_registry, families_without_options_refuse_unknown_keys) {
  for (const char* f : {"gas_detector", "hazmat_cabinet", "water_beacon"}) {
    EXPECT_TRUE(builtin_registry().make(f, {}).has_value()) << f;
    auto made = builtin_registry().make(f, {{"lel_scale", 10}});
    ASSERT_FALSE(made.has_value()) << f;
    EXPECT_EQ(made.error(), "options.lel_scale: unknown option (this family takes no options)");
  }
}

TEST(adapter_registry, alarm_input_kind_is_validated) {
  for (const char* kind : {"one_key", "perimeter", "smoke"}) {
    EXPECT_TRUE(builtin_registry().make("alarm_input", {{"kind", kind}}).has_value()) << kind;
  }
  auto made = builtin_registry().make("alarm_input", {{"kind", "fire"}});
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error(),
            "options.kind: must be one of \"one_key\", \"perimeter\", \"smoke\", got \"fire\"");
  made = builtin_registry().make("alarm_input", {{"knd", "smoke"}});
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error(), "options.knd: unknown option (known options are kind)");
}

TEST(adapter_registry, kitchen_camera_events_are_validated) {
  auto ok = builtin_registry().make("kitchen_camera",
                                    boost::json::parse(R"({"events":["fire","no_gloves"]})").as_object());
  EXPECT_TRUE(ok.has_value());
  auto not_array = builtin_registry().make("kitchen_camera", {{"events", "fire"}});
  ASSERT_FALSE(not_array.has_value());
  EXPECT_EQ(not_array.error(), "options.events: must be an array of strings, got \"fire\"");
  auto bad_item = builtin_registry().make(
      "kitchen_camera", boost::json::parse(R"({"events":["fire",""]})").as_object());
  ASSERT_FALSE(bad_item.has_value());
  EXPECT_EQ(bad_item.error().rfind("options.events[1]: must be an event name", 0), 0u)
      << bad_item.error();
}

// Adapters are shared by the ingest threads: one object parsing concurrently must give every
// caller its own, correct result.
TEST(adapter_registry, one_adapter_serves_many_threads) {
  auto made = builtin_registry().make("water_beacon", {});
  ASSERT_TRUE(made.has_value());
  const adapter& a = **made;
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string id = "tag-" + std::to_string(t);
      const std::string payload =
          R"({"ts":1000,"tags":[{"id":")" + id + R"(","dist_m":)" + std::to_string(t) + "}]}";
      context ctx{.site = "s", .zone = "z", .device = "d", .stream = "telemetry",
                  .now = core::from_epoch_ms(0)};
      for (int i = 0; i < 500; ++i) {
        auto r = a.parse(payload, ctx);
        if (r && r->size() == 2 && (*r)[0].subject == id && (*r)[0].number() == t) ++good[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good, (std::vector<int>{500, 500, 500, 500}));
}

}  // namespace
}  // namespace campus::adapters
