// The parameters of GET /api/history, read and checked before anything is asked of the store:
//
//   device   required; a configured device (else 404)
//   metric   required
//   subject  optional (a beacon tag id); absent: readings without a subject
//   from, to epoch ms or ISO-8601 with offset; default to = now, from = to - 24 h
//   step     30s, 5m, 1h, 1d or a number of seconds; default: a round step giving at most 500
//            buckets; at least 1 s
//   format   json (default) or csv
//
// Limits: from < to, to - from <= 400 days, at most 10,000 points. Every error names the
// parameter so the caller can fix the request.
#pragma once

#include <boost/beast/http/status.hpp>
#include <expected>
#include <string>
#include <string_view>

#include "config/district.hpp"
#include "core/reading.hpp"
#include "history/history_store.hpp"
#include "net/request_target.hpp"

namespace campus::net {

struct history_request {
  static constexpr core::duration default_range{std::chrono::hours{24}};
  static constexpr core::duration max_range{std::chrono::days{400}};
  static constexpr std::int64_t max_points = 10'000;
  static constexpr std::int64_t default_buckets = 500;
  static constexpr core::duration min_step{std::chrono::seconds{1}};

  struct error {
    boost::beast::http::status status;
    std::string message;
  };

  history::series_query query;
  bool csv = false;

  // `now` stands for an absent `to`.
  static std::expected<history_request, error> parse(const request_target& target,
                                                     const config::district& district,
                                                     core::time_point now);

  // "30s", "5m", "1h", "1d", or a whole number of seconds ("300").
  static std::expected<core::duration, std::string> parse_step(std::string_view text);

  // The smallest round step (1 s, 5 s, 10 s, ... 1 h, ... 1 d, 7 d) that cuts `range` into at
  // most default_buckets buckets.
  static core::duration default_step(core::duration range);
};

}  // namespace campus::net
