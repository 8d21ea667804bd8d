// The bureau's live figures: school tallies in one pass, and the thread that keeps them and
// answers the overview and compliance.
#include "bureau/district_figures.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <condition_variable>
#include <future>
#include <mutex>

#include "bureau/school_tally.hpp"
#include "bureau_fixture.hpp"

namespace campus::bureau {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

const core::time_point now = core::from_epoch_ms(1'790'000'000'000);

incident::entry_brief entry(std::int64_t id, std::string site, core::severity sev,
                            rules::condition cond = rules::condition::active,
                            alerts::handling state = alerts::handling::new_) {
  incident::entry_brief e;
  e.id = id;
  e.site = std::move(site);
  e.severity = sev;
  e.cond = cond;
  e.state = state;
  e.updated_at = now - 1h + std::chrono::minutes(id);
  return e;
}

core::reading reading(const config::district& d, const std::string& device, double value) {
  const auto* dev = d.find_device(device);
  return core::reading{dev->site, dev->zone, dev->id, "lel_pct", "", value, "%LEL", now};
}

TEST(school_tally, one_pass_counts_devices_and_open_entries_per_school) {
  const auto d = testing::small_district();  // a: a-gas-1, a-gas-2, a-alarm-1; b: b-alarm-1
  std::vector<ingest::device_presence> presence(d.devices.size());
  presence[0] = {ingest::device_status::online, now, false};
  presence[1] = {ingest::device_status::offline, now - 1h, true};
  presence[2] = {ingest::device_status::online, now, true};
  // b-alarm-1 never heard: unknown, neither online nor offline

  auto red = entry(1, "a", core::severity::red);
  auto orange_cleared = entry(2, "a", core::severity::orange, rules::condition::cleared);
  orange_cleared.deadline = now - 1min;         // overdue
  orange_cleared.report_deadline = now - 10min;  // and its one-hour report too
  auto closed = entry(3, "a", core::severity::red, rules::condition::cleared,
                      alerts::handling::closed);
  auto yellow_b = entry(4, "b", core::severity::yellow);
  yellow_b.report_deadline = now - 10min;  // passed, but reported: not overdue
  yellow_b.reported = true;
  auto elsewhere = entry(5, "gone", core::severity::red);

  const auto t = tally_schools(d, presence, {red, orange_cleared, closed, yellow_b, elsewhere}, now);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].site, "a");
  EXPECT_EQ(t[0].devices_total, 3);
  EXPECT_EQ(t[0].devices_online, 2);
  EXPECT_EQ(t[0].devices_offline, 1);
  EXPECT_EQ(t[0].devices_alerting, 2);
  EXPECT_EQ(t[0].open, 2);  // the closed one is not open
  EXPECT_EQ(t[0].overdue, 1);
  EXPECT_EQ(t[0].reports_overdue, 1);
  EXPECT_EQ(t[0].worst, core::severity::red);  // the cleared orange is not active
  EXPECT_EQ(t[0].last_event, orange_cleared.updated_at);
  EXPECT_TRUE(t[0].has_problem());

  EXPECT_EQ(t[1].site, "b");
  EXPECT_EQ(t[1].devices_total, 1);
  EXPECT_EQ(t[1].devices_online, 0);
  EXPECT_EQ(t[1].devices_offline, 0);
  EXPECT_EQ(t[1].open, 1);
  EXPECT_EQ(t[1].reports_overdue, 0);
  EXPECT_EQ(t[1].worst, core::severity::yellow);

  // Nothing open, everything online: no problem.
  std::vector<ingest::device_presence> fine(d.devices.size(),
                                            {ingest::device_status::online, now, false});
  const auto quiet = tally_schools(d, fine, {}, now);
  EXPECT_FALSE(quiet[0].has_problem());
  EXPECT_FALSE(quiet[1].worst.has_value());
}

TEST(compliance_plan, judges_the_schools_asked_in_their_order) {
  const auto d = testing::small_district();
  const compliance_plan plan(d);
  std::vector<ingest::device_presence> presence(d.devices.size());
  presence[0] = {ingest::device_status::online, now - 1min, false};     // a-gas-1 reporting
  presence[2] = {ingest::device_status::offline, now - 1min, false};    // a-alarm-1 offline
  presence[3] = {ingest::device_status::online, now - 11min, false};    // b-alarm-1 too old
  const auto f = plan.assess({&d.sites[1], &d.sites[0]}, presence, now);
  ASSERT_EQ(f.schools.size(), 2u);
  EXPECT_EQ(f.schools[0].site, "b");  // the order asked
  EXPECT_EQ(f.schools[0].reporting, 0);
  EXPECT_EQ(f.schools[1].required, 4);
  EXPECT_EQ(f.schools[1].installed, 3);
  EXPECT_EQ(f.schools[1].reporting, 1);
  EXPECT_EQ(f.district.required, 5);
  EXPECT_EQ(f.district.reporting, 1);
}

// Waits (bounded) for the service's answer.
json::value answer_of(district_figures& f, figures_scope scope, bool overview) {
  std::promise<district_figures::json_answer> p;
  auto got = p.get_future();
  auto done = [&p](district_figures::json_answer a) { p.set_value(std::move(a)); };
  if (overview) f.overview_json(std::move(scope), done);
  else f.compliance_json(std::move(scope), done);
  if (got.wait_for(10s) != std::future_status::ready) {
    ADD_FAILURE() << "no answer";
    return nullptr;
  }
  auto a = got.get();
  if (!a) {
    ADD_FAILURE() << a.error();
    return nullptr;
  }
  return json::parse(**a);
}

TEST(district_figures, answers_from_its_own_thread_and_reports_changed_schools) {
  const auto d = testing::small_district();
  ingest::live_state state(d);
  core::system_clock clock;
  core::metrics metrics;
  district_figures figures(state, clock, metrics, {20ms, 20ms, 1});

  std::mutex m;
  std::condition_variable cv;
  std::vector<std::vector<school_tally>> changes;
  figures.set_on_change([&](const std::vector<school_tally>& changed) {
    std::lock_guard lock(m);
    changes.push_back(changed);
    cv.notify_all();
  });
  const auto wait_changes = [&](std::size_t n) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, 10s, [&] { return changes.size() >= n; });
  };

  state.apply(reading(d, "a-gas-1", 2.0), clock.now());
  figures.start();
  ASSERT_TRUE(wait_changes(1));
  {
    std::lock_guard lock(m);
    ASSERT_EQ(changes[0].size(), 2u);  // the first pass: every school
    EXPECT_EQ(changes[0][0].devices_online, 1);
  }

  auto whole = answer_of(figures, {true, {}}, true);
  ASSERT_TRUE(whole.is_object());
  EXPECT_EQ(whole.at("target").as_double(), 90.0);  // the rates' target, with the figures
  const auto& schools = whole.at("schools").as_array();
  ASSERT_EQ(schools.size(), 2u);
  EXPECT_EQ(schools[0].at("site").as_string(), "a");
  EXPECT_EQ(schools[0].at("devices_online").as_int64(), 1);
  EXPECT_EQ(schools[0].at("devices_total").as_int64(), 3);
  EXPECT_EQ(schools[0].at("points_reporting").as_int64(), 1);
  EXPECT_EQ(schools[1].at("devices_total").as_int64(), 1);

  auto only_b = answer_of(figures, {false, {"b"}}, true);
  ASSERT_EQ(only_b.at("schools").as_array().size(), 1u);
  EXPECT_EQ(only_b.at("schools").as_array()[0].at("site").as_string(), "b");
  auto nobody = answer_of(figures, {false, {"gone"}}, true);
  EXPECT_TRUE(nobody.at("schools").as_array().empty());

  auto compliance = answer_of(figures, {true, {}}, false);
  EXPECT_EQ(compliance.at("schools").as_array().size(), 2u);
  auto compliance_a = answer_of(figures, {false, {"a"}}, false);
  ASSERT_EQ(compliance_a.at("schools").as_array().size(), 1u);
  EXPECT_EQ(compliance_a.at("schools").as_array()[0].at("points").as_array().size(), 4u);

  // One device of b says it is offline: the next pass hands b over, and b alone.
  const std::size_t before = [&] {
    std::lock_guard lock(m);
    return changes.size();
  }();
  state.mark_offline("b-alarm-1");
  ASSERT_TRUE(wait_changes(before + 1));
  {
    std::lock_guard lock(m);
    const auto& last = changes.back();
    ASSERT_EQ(last.size(), 1u);
    EXPECT_EQ(last[0].site, "b");
    EXPECT_EQ(last[0].devices_offline, 1);
  }
  EXPECT_EQ(figures.tallies().at(1).devices_offline, 1);
  EXPECT_GT(metrics.get("campus_figures_passes_total").value(), 1);

  figures.stop();
  // Stopped: asked again, the answer is an error at once, not a wait for ever.
  std::promise<district_figures::json_answer> p;
  figures.overview_json({true, {}}, [&p](district_figures::json_answer a) { p.set_value(std::move(a)); });
  auto late = p.get_future();
  ASSERT_EQ(late.wait_for(1s), std::future_status::ready);
  EXPECT_FALSE(late.get().has_value());
}

}  // namespace
}  // namespace campus::bureau
