// Monthly reports being computed, or computed in the last half minute, shared by every request
// for the same report (month, schools, pooled or not): ten bureau users opening the district's
// report together cost one ledger slice, one history read and one computation, not ten.
//
// Thread-safe. Waiters are called on the thread that finishes the computation (or, for a
// report already made, on the caller's), outside the lock.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bureau/monthly_report.hpp"
#include "core/clock.hpp"
#include "net/responses.hpp"

namespace campus::net {

class report_cache {
 public:
  using report_ptr = std::shared_ptr<const bureau::monthly_report>;
  // A report, or the answer to give instead (made for each request: 503, 400).
  using outcome = std::expected<report_ptr, std::function<string_response(const request&)>>;
  using waiter = std::function<void(const outcome&)>;

  explicit report_cache(core::duration keep = std::chrono::seconds(30), std::size_t slots = 16)
      : keep_(keep), max_slots_(slots) {}

  // Asks for the report `key` at `now`. Returns true when the caller must compute it and then
  // call finish(key, …); otherwise `w` is called with the report, now (made less than `keep`
  // ago) or when the computation under way ends.
  bool join(const std::string& key, core::time_point now, waiter w);
  // The computation of `key` ended: every waiter gets `o`. A report is kept for `keep`; a
  // failure is not kept (the next request tries again).
  void finish(const std::string& key, outcome o, core::time_point now);

 private:
  struct slot {
    bool pending = true;
    std::optional<outcome> made;
    core::time_point made_at{};
    std::vector<waiter> waiting;
  };

  const core::duration keep_;
  const std::size_t max_slots_;
  std::mutex mutex_;
  std::map<std::string, slot> slots_;
};

}  // namespace campus::net
