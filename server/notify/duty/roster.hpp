// Who is on duty at a site at a given instant (24小时领导值班), on the site's own wall clock.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/reading.hpp"
#include "notify/duty/duty_plan.hpp"

namespace date {
class time_zone;
}

namespace campus::notify::duty {

struct duty_assignment {
  std::string role;
  person who;
  friend bool operator==(const duty_assignment&, const duty_assignment&) = default;
};

// Immutable after construction, so one roster may be read from any thread.
//
// For a site and role at instant t: if any `replace` override covers t, the people of those
// overrides are on duty and the weekly shifts are ignored; otherwise the people of the weekly
// shifts that cover t. People of `add` overrides covering t are on duty as well. Shifts and
// overrides without a site (district-wide) count for every site, which is how the bureau duty
// officer is found for any school. Times are the site's wall clock, so DST changes move the
// instants a shift covers, not its local hours.
class roster {
 public:
  // Every time zone named in `plan` must be a valid IANA zone (duty_config checks them);
  // an unknown zone is a broken invariant and throws std::runtime_error.
  explicit roster(duty_plan plan);

  // The people on duty for `role` at `site` at `t`, each once, in plan order.
  std::vector<person> on_duty(std::string_view site, std::string_view role,
                              core::time_point t) const;
  // Every role's people on duty at `site` at `t`, in known_roles order.
  std::vector<duty_assignment> on_duty(std::string_view site, core::time_point t) const;

  const duty_plan& plan() const { return plan_; }

 private:
  const date::time_zone* zone_of(std::string_view site) const;

  duty_plan plan_;
  std::vector<std::pair<std::string, const date::time_zone*>> zones_;
  const date::time_zone* district_zone_ = nullptr;
};

}  // namespace campus::notify::duty
