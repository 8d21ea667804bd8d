// The bureau's figures as the HTTP API answers them (docs/bureau.md, "HTTP API"). Instants are
// epoch milliseconds, durations seconds, rates percents (0–100, unrounded) or null when nothing
// is required / nothing was measured.
#pragma once

#include <boost/json/object.hpp>

#include "bureau/compliance.hpp"
#include "bureau/daily_compliance.hpp"
#include "bureau/monthly_report.hpp"
#include "bureau/overview.hpp"

namespace campus::bureau {

boost::json::object to_json(const compliance_figures& f);
boost::json::object to_json(const overview& o);
boost::json::object daily_json(double target_pct, const std::vector<daily_rate>& days);
// A district report lists this many devices, the worst (`device_count` says how many there
// are, `devices_truncated` whether some were left out); a school's report lists them all.
inline constexpr std::size_t district_devices_listed = 20;
boost::json::object to_json(const monthly_report& r);

}  // namespace campus::bureau
