// The command line: defaults, every option, and mistakes named precisely.
#include "sim/sim_options.hpp"

#include <gtest/gtest.h>

namespace campus::sim {
namespace {

using namespace std::chrono_literals;

std::expected<sim_options, std::string> parse(std::vector<std::string_view> args) {
  return parse_sim_options(args);
}

TEST(sim_options, defaults) {
  const auto o = parse({"--config", "d.yaml"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->config, "d.yaml");
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 1883);
  EXPECT_EQ(o->interval, 2s);
  EXPECT_EQ(o->qos, 1);
  EXPECT_FALSE(o->duration);
  EXPECT_FALSE(o->count);
  EXPECT_FALSE(o->seed);
  EXPECT_TRUE(o->recover);
}

TEST(sim_options, every_option) {
  const auto o = parse({"--config=c.yaml",
                        "--broker",
                        "localhost:1884",
                        "--interval",
                        "500ms",
                        "--qos",
                        "0",
                        "--duration",
                        "1m",
                        "--count",
                        "25",
                        "--seed",
                        "7",
                        "--site",
                        "bh-middle",
                        "--client-id",
                        "sim-a",
                        "--scenario",
                        "gas-leak",
                        "--continue",
                        "--hold",
                        "10s",
                        "--no-recover",
                        "--fast",
                        "--dry-run"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->config, "c.yaml");
  EXPECT_EQ(o->host, "localhost");
  EXPECT_EQ(o->port, 1884);
  EXPECT_EQ(o->interval, 500ms);
  EXPECT_EQ(o->qos, 0);
  EXPECT_EQ(o->duration, 60s);
  EXPECT_EQ(o->count, 25u);
  EXPECT_EQ(o->seed, 7u);
  EXPECT_EQ(o->site, "bh-middle");
  EXPECT_EQ(o->client_id, "sim-a");
  EXPECT_EQ(o->scenario, "gas-leak");
  EXPECT_TRUE(o->keep_running);
  EXPECT_EQ(o->hold, 10s);
  EXPECT_FALSE(o->recover);
  EXPECT_TRUE(o->fast);
  EXPECT_TRUE(o->dry_run);
}

TEST(sim_options, mistakes_name_the_option_and_value) {
  auto error_of = [](std::vector<std::string_view> args) {
    auto o = parse_sim_options(args);
    EXPECT_FALSE(o);
    return o ? std::string() : o.error();
  };
  EXPECT_EQ(error_of({}), "--config FILE is required");
  EXPECT_EQ(error_of({"--config", "c", "--qos", "2"}), "--qos must be 0 or 1, got \"2\"");
  EXPECT_NE(error_of({"--config", "c", "--interval", "2 s"}).find("2 s"), std::string::npos);
  EXPECT_NE(error_of({"--config", "c", "--broker", "h:99999"}).find("1..65535"), std::string::npos);
  EXPECT_EQ(error_of({"--config", "c", "--seed"}), "--seed needs a value");
  EXPECT_EQ(error_of({"--config", "c", "--bogus"}), "unknown option \"--bogus\"");
  EXPECT_NE(error_of({"--config", "c", "--continue"}).find("need --scenario"), std::string::npos);
  EXPECT_EQ(error_of({"--config", "c", "--interval", "0s"}), "--interval must be positive");
}

TEST(sim_options, help_needs_nothing_else) {
  const auto o = parse({"--help"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->help);
  EXPECT_NE(sim_usage().find("--scenario NAME"), std::string::npos);
}

TEST(sim_options, durations) {
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("3"), 3s);
  EXPECT_EQ(parse_duration("2h"), 2h);
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("1w"));
}

}  // namespace
}  // namespace campus::sim

namespace campus::sim {
namespace {

TEST(sim_options, backfill_with_its_step_data_dir_site_and_seed) {
  const auto o = parse_sim_options(
      std::vector<std::string_view>{"--config", "d.yaml", "--backfill", "30d", "--backfill-step=5m",
                                    "--data-dir", "/tmp/x", "--site", "xh-primary", "--seed", "3"});
  ASSERT_TRUE(o) << o.error();
  ASSERT_TRUE(o->backfill);
  EXPECT_EQ(*o->backfill, std::chrono::hours{30 * 24});
  EXPECT_EQ(o->backfill_step, std::chrono::minutes{5});
  EXPECT_EQ(o->data_dir, "/tmp/x");
  EXPECT_EQ(o->site, "xh-primary");
  const auto defaults =
      parse_sim_options(std::vector<std::string_view>{"--config", "d.yaml", "--backfill", "2d"});
  ASSERT_TRUE(defaults) << defaults.error();
  EXPECT_EQ(defaults->backfill_step, std::chrono::minutes{1});
  EXPECT_TRUE(defaults->data_dir.empty());
}

TEST(sim_options, backfill_mistakes_are_named) {
  auto error_of = [](std::vector<std::string_view> args) {
    args.insert(args.begin(), {"--config", "d.yaml"});
    const auto o = parse_sim_options(args);
    return o ? std::string("accepted") : o.error();
  };
  EXPECT_NE(error_of({"--backfill", "401d"}).find("400d"), std::string::npos);
  EXPECT_NE(error_of({"--backfill", "0s"}).find("--backfill must be positive"), std::string::npos);
  EXPECT_NE(error_of({"--backfill", "1h", "--backfill-step", "2h"}).find("--backfill-step"),
            std::string::npos);
  EXPECT_NE(error_of({"--backfill", "1d", "--backfill-step", "500ms"}).find("at least 1s"),
            std::string::npos);
  EXPECT_NE(error_of({"--backfill", "1d", "--scenario", "gas-leak"}).find("--scenario"),
            std::string::npos);
  EXPECT_NE(error_of({"--backfill", "1d", "--dry-run"}).find("--dry-run"), std::string::npos);
  EXPECT_NE(error_of({"--backfill-step", "5m"}).find("need --backfill"), std::string::npos);
  EXPECT_NE(error_of({"--data-dir", "/tmp/x"}).find("need --backfill"), std::string::npos);
  EXPECT_NE(error_of({"--backfill", "1d", "--data-dir="}).find("--data-dir"), std::string::npos);
  EXPECT_NE(error_of({"--backfill", "soon"}).find("bad duration"), std::string::npos);
  EXPECT_NE(error_of({"--no-ledger"}).find("need --backfill"), std::string::npos);
  EXPECT_NE(error_of({"--backfill-from", "2026-13-01"}).find("bad date"), std::string::npos);
  EXPECT_NE(error_of({"--backfill-from", "1.10.2026"}).find("bad date"), std::string::npos);
  EXPECT_NE(error_of({"--backfill", "1d", "--backfill-from", "2026-10-01"}).find("alternatives"),
            std::string::npos);
  EXPECT_NE(error_of({"--backfill-from", "2026-10-01", "--count", "3"}).find("--count"),
            std::string::npos);
}

TEST(sim_options, backfill_from_a_date_and_without_the_ledger) {
  const auto o = parse_sim_options(std::vector<std::string_view>{
      "--config", "d.yaml", "--backfill-from", "2026-10-01", "--no-ledger"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_TRUE(o->backfilling());
  EXPECT_FALSE(o->backfill);
  ASSERT_TRUE(o->backfill_from);
  EXPECT_EQ(*o->backfill_from, std::chrono::year{2026} / std::chrono::October / 1);
  EXPECT_FALSE(o->ledger);
  const auto plain =
      parse_sim_options(std::vector<std::string_view>{"--config", "d.yaml", "--backfill", "2d"});
  ASSERT_TRUE(plain) << plain.error();
  EXPECT_TRUE(plain->ledger);  // the ledger is written by default
  EXPECT_TRUE(plain->backfilling());
}

TEST(sim_options, generate_district_with_devices_or_schools) {
  const auto o = parse_sim_options(std::vector<std::string_view>{
      "--generate-district", "var/d.yaml", "--devices", "10000", "--absence-period", "30s",
      "--sample", "other.yaml", "--data-dir", "d-data"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_TRUE(o->generating());
  EXPECT_EQ(o->generate_district, "var/d.yaml");
  EXPECT_EQ(o->devices, 10000);
  EXPECT_FALSE(o->schools);
  EXPECT_EQ(o->absence_period, std::chrono::seconds{30});
  EXPECT_EQ(o->sample, "other.yaml");
  EXPECT_EQ(o->data_dir, "d-data");
  const auto schools = parse_sim_options(
      std::vector<std::string_view>{"--generate-district=d.yaml", "--schools=800"});
  ASSERT_TRUE(schools) << schools.error();
  EXPECT_EQ(schools->schools, 800);
}

TEST(sim_options, generate_district_mistakes_are_named) {
  auto error_of = [](std::vector<std::string_view> args) {
    const auto o = parse_sim_options(args);
    return o ? std::string("accepted") : o.error();
  };
  EXPECT_NE(error_of({"--generate-district", "d.yaml"}).find("one of --devices N or --schools N"),
            std::string::npos);
  EXPECT_NE(error_of({"--generate-district", "d.yaml", "--devices", "10", "--schools", "1"})
                .find("one of --devices N or --schools N"),
            std::string::npos);
  EXPECT_NE(error_of({"--generate-district", "d.yaml", "--devices", "0"}).find("from 1 to"),
            std::string::npos);
  EXPECT_NE(error_of({"--generate-district", "d.yaml", "--devices", "ten"}).find("\"ten\""),
            std::string::npos);
  EXPECT_NE(error_of({"--generate-district", "d.yaml", "--devices", "2000000"}).find("1000000"),
            std::string::npos);
  EXPECT_NE(error_of({"--generate-district", "d.yaml", "--devices", "10", "--absence-period",
                      "500ms"})
                .find("at least 1s"),
            std::string::npos);
  EXPECT_NE(error_of({"--generate-district", "d.yaml", "--devices", "10", "--config", "x.yaml"})
                .find("writes a file and exits"),
            std::string::npos);
  EXPECT_NE(error_of({"--config", "d.yaml", "--devices", "10"}).find("need --generate-district"),
            std::string::npos);
  EXPECT_NE(error_of({"--generate-district", ""}).find("must not be empty"), std::string::npos);
}

}  // namespace
}  // namespace campus::sim
