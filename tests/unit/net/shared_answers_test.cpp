// shared_answers: one computation for every request of the same answer at the same time.
#include "net/shared_answers.hpp"

#include "bureau/monthly_report.hpp"

#include <gtest/gtest.h>

namespace campus::net {
namespace {

using namespace std::chrono_literals;

const core::time_point t0 = core::from_epoch_ms(1'790'000'000'000);

shared_answers<bureau::monthly_report>::value_ptr report_of(int month) {
  auto r = std::make_shared<bureau::monthly_report>();
  r->month = std::chrono::year{2026} / month;
  return r;
}

TEST(shared_answers, requests_during_a_computation_share_it) {
  shared_answers<bureau::monthly_report> cache(30s);
  std::vector<shared_answers<bureau::monthly_report>::outcome> got;
  const auto collect = [&](const shared_answers<bureau::monthly_report>::outcome& o) { got.push_back(o); };

  EXPECT_TRUE(cache.join("2026-10|*", t0, collect));        // the first computes
  EXPECT_FALSE(cache.join("2026-10|*", t0 + 1s, collect));  // the next two wait for it
  EXPECT_FALSE(cache.join("2026-10|*", t0 + 2s, collect));
  EXPECT_TRUE(cache.join("2026-09|*", t0, [](const auto&) {}));  // another report: its own
  EXPECT_TRUE(got.empty());

  const auto october = report_of(10);
  cache.finish("2026-10|*", october, t0 + 3s);
  ASSERT_EQ(got.size(), 3u);
  for (const auto& o : got) {
    ASSERT_TRUE(o.has_value());
    EXPECT_EQ(o->get(), october.get());
  }

  // Within the half minute, answered at once from the one made.
  got.clear();
  EXPECT_FALSE(cache.join("2026-10|*", t0 + 32s, collect));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]->get(), october.get());
  // After it, made again.
  EXPECT_TRUE(cache.join("2026-10|*", t0 + 34s, collect));
}

TEST(shared_answers, a_failure_reaches_every_waiter_and_is_not_kept) {
  shared_answers<bureau::monthly_report> cache(30s);
  int failures = 0;
  const auto count = [&](const shared_answers<bureau::monthly_report>::outcome& o) {
    if (!o) ++failures;
  };
  ASSERT_TRUE(cache.join("k", t0, count));
  ASSERT_FALSE(cache.join("k", t0, count));
  cache.finish("k", std::unexpected([](const request& r) {
                 return json_error(r, http::status::service_unavailable, "ledger away");
               }),
               t0 + 1s);
  EXPECT_EQ(failures, 2);
  // The next request computes again rather than getting the failure.
  EXPECT_TRUE(cache.join("k", t0 + 2s, count));
}

}  // namespace
}  // namespace campus::net
