// Smart-security compliance (智慧安防校园建设达标率) now, per school and for the district
// (docs/bureau.md, "Compliance: definitions").
//
// A school's required points: for every zone whose type is listed in compliance.required and
// every family listed for it, each configured device of that family in that zone is one point;
// a zone with no device of a required family has one `not_installed` point. A point reports
// when its device was heard within the reporting window and is not offline.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/district.hpp"
#include "core/reading.hpp"
#include "ingest/live_state.hpp"

namespace campus::bureau {

enum class point_status { reporting, silent, not_installed };
std::string_view to_string(point_status s);

struct compliance_point {
  std::string zone;
  std::string zone_name;
  std::string zone_name_en;
  std::string zone_type;
  std::string family;
  std::string device;  // empty when not installed
  std::string device_name;
  std::string device_name_en;
  point_status status = point_status::not_installed;
  std::optional<core::time_point> last_seen;
};

struct school_compliance {
  std::string site;
  std::string name;
  std::string name_en;
  int required = 0;   // points
  int installed = 0;  // points with a device
  int reporting = 0;
  std::optional<double> rate;  // percent; none when nothing is required
  bool below_target = false;   // rate known and under the target
  std::vector<compliance_point> points;  // zone order, then family order, then device order
};

struct district_compliance {
  int required = 0;
  int reporting = 0;
  std::optional<double> rate;  // percent, Σ reporting / Σ required
  int schools_meeting_target = 0;
  int schools = 0;  // schools in the answer
};

struct compliance_figures {
  double target_pct = 90;
  core::duration reporting_window{};
  core::time_point generated_at{};
  district_compliance district;
  std::vector<school_compliance> schools;
};

// Every school's required points, from the configuration alone: built once, in one pass over
// the devices (grouped by site, zone and family), then judged as often as asked. Holds
// references into `d`, which must outlive it.
class compliance_plan {
 public:
  explicit compliance_plan(const config::district& d);

  // A school's points: every status `not_installed` (no device) or `silent` (a device, to be
  // judged by assess()). Empty for a site the district does not have.
  std::vector<compliance_point> points_of(const config::site& s) const;

  // Compliance of `sites` (in that order) at `now`. `presence` is live_state::presence(): one
  // entry per configured device in configuration order; a device heard never is silent.
  compliance_figures assess(const std::vector<const config::site*>& sites,
                            const std::vector<ingest::device_presence>& presence,
                            core::time_point now) const;

 private:
  struct planned_point {
    const config::zone* zone;
    const std::string* family;
    std::size_t device;  // index in d.devices; npos when not installed
  };
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  const std::vector<planned_point>* planned(const config::site& s) const;
  compliance_point point(const planned_point& p) const;

  const config::district& d_;
  std::unordered_map<std::string_view, std::vector<planned_point>> by_site_;
};

// Percent of `part` in `whole`; none when whole is 0.
std::optional<double> percent(double part, double whole);

}  // namespace campus::bureau
