// The answers of GET /api/history, in JSON and CSV.
//
// JSON: {"device","metric","subject","unit","from","to","step","points":[{"t","min","mean",
//        "max","count"}]} — times and step in milliseconds; min/mean/max null for states.
// CSV:  time,min,mean,max,count — time in ISO-8601 UTC; empty min/mean/max for states.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "history/history_store.hpp"

namespace campus::net::history_response {

// `q` is the query as asked (the range and step the client sees); `s` what the store found.
boost::json::object json(const history::series_query& q, const history::series& s);
std::string csv(const history::series& s);
// "<device>_<metric>_<from>_<to>.csv", with anything but letters, digits, '.', '-' and '_'
// replaced by '_' (the metric comes from the query string and ends up in a header).
std::string csv_filename(const history::series_query& q);

}  // namespace campus::net::history_response
