#include "net/history_response.hpp"

#include <fmt/format.h>

#include <boost/json/array.hpp>

#include "net/utc_time.hpp"

namespace campus::net::history_response {

namespace {

boost::json::value number_or_null(const std::optional<double>& v) {
  if (v) return *v;
  return nullptr;
}

std::string number_or_empty(const std::optional<double>& v) {
  return v ? fmt::format("{}", *v) : std::string();
}

std::string file_safe(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_';
    out += safe ? c : '_';
  }
  return out;
}

}  // namespace

boost::json::object json(const history::series_query& q, const history::series& s) {
  boost::json::array points;
  points.reserve(s.buckets.size());
  for (const auto& b : s.buckets) {
    points.push_back(boost::json::object{{"t", core::to_epoch_ms(b.start)},
                                         {"min", number_or_null(b.min)},
                                         {"mean", number_or_null(b.mean)},
                                         {"max", number_or_null(b.max)},
                                         {"count", b.count}});
  }
  return {{"device", q.device},
          {"metric", q.metric},
          {"subject", q.subject},
          {"unit", s.unit},
          {"from", core::to_epoch_ms(q.from)},
          {"to", core::to_epoch_ms(q.to)},
          {"step", q.step.count()},
          {"points", std::move(points)}};
}

std::string csv(const history::series& s) {
  std::string out = "time,min,mean,max,count\r\n";
  for (const auto& b : s.buckets) {
    out += fmt::format("{},{},{},{},{}\r\n", utc_time::format(b.start), number_or_empty(b.min),
                       number_or_empty(b.mean), number_or_empty(b.max), b.count);
  }
  return out;
}

std::string csv_filename(const history::series_query& q) {
  return fmt::format("{}_{}_{}_{}.csv", file_safe(q.device), file_safe(q.metric),
                     utc_time::format_compact(q.from), utc_time::format_compact(q.to));
}

}  // namespace campus::net::history_response
