// The JSON shapes the server speaks, shared by the HTTP API and the WebSocket so that a
// device or an alert looks the same wherever a dashboard meets it. Times are epoch
// milliseconds; a value is a JSON number or a string, as the reading was.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <vector>

#include "auth/principal.hpp"
#include "bureau/school_tally.hpp"
#include "config/district.hpp"
#include "core/reading.hpp"
#include "ingest/live_state.hpp"
#include "rules/alert.hpp"

namespace campus::net::messages {

// A number (integral values without a fraction) or a string; a non-finite number is null.
boost::json::value value_json(const core::reading_value& v);

// {"site","zone","device","metric","subject","value","unit","ts"}
boost::json::object reading_json(const core::reading& r);

// {"id","site","zone","device","rule","rule_name","rule_name_en","metric","subject",
//  "severity","condition","value","threshold","raised_at","updated_at","cleared_at"}
boost::json::object alert_json(const rules::alert& a);

// {"id","site","zone","family","name","name_en","status","last_seen",
//  "values":{"<metric or metric/subject>":{"metric","subject","value","unit","ts"}}}
boost::json::object device_json(const ingest::device_snapshot& d);

// {"id","name","name_en"}
boost::json::object district_json(const config::district& d);

// [{"id","name","name_en","time_zone","zones":[{"id","type","name","name_en"}]}]; with `who`,
// only the sites they may see.
boost::json::array sites_json(const config::district& d, const auth::principal* who = nullptr);

// {"site","worst","devices_total","devices_online","devices_offline","devices_alerting","open",
//  "overdue","reports_overdue","last_event","problem"}: one school at a glance (worst: a colour
// or null; last_event: ms or null; problem: school_tally::has_problem()).
boost::json::object school_json(const bureau::school_tally& t);

// What a client's snapshot holds (docs/alerts.md, "/ws").
struct snapshot_scope {
  const auth::principal* who = nullptr;  // null: everything
  // The schools whose devices are sent (the client's watch set); null: every school `who`
  // may see.
  const std::vector<std::string>* watched = nullptr;
  // Every school's tally (district_figures::tallies()); those `who` may see are sent.
  const std::vector<bureau::school_tally>* schools = nullptr;
};

// The snapshot without its "alerts": {"type":"snapshot","district","sites","watching":[ids],
// "devices":[devices of the watched schools],"schools":[tallies]}.
boost::json::object snapshot_object(const ingest::live_state& state, const snapshot_scope& scope);

// WebSocket messages, serialised once and shared by every client.
// {"type":"snapshot","district":{..},"sites":[..],"watching":[..],"devices":[..],
//  "schools":[..],"alerts":[..]}; with `who`, only what they may see.
std::string snapshot_message(const ingest::live_state& state,
                             const auth::principal* who = nullptr);
std::string snapshot_message(const ingest::live_state& state, const snapshot_scope& scope);
// The answer to a client's watch: {"type":"watching","sites":[ids accepted],"devices":[the
// devices of those schools]}; it replaces the client's devices whole.
std::string watching_message(const ingest::live_state& state,
                             const std::vector<std::string>& sites);
// {"type":"school","school":{..school_json}}
std::string school_message(const bureau::school_tally& t);
// {"type":"reading","reading":{..}}
std::string reading_message(const core::reading& r);
// {"type":"alert","event":"raised|updated|cleared","alert":{..}}
std::string alert_message(const rules::alert_event& e);

}  // namespace campus::net::messages
