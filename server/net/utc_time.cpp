#include "net/utc_time.hpp"

#include <fmt/format.h>

#include <chrono>
#include <optional>

namespace campus::net::utc_time {

namespace {

namespace chr = std::chrono;

// Reads exactly `n` digits at `pos`, advancing it; nullopt when they are not all digits.
std::optional<int> digits(std::string_view s, std::size_t& pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

std::optional<core::time_point> parse_epoch_ms(std::string_view s) {
  // 15 digits reach the year 33658; more cannot be a sensible time and could overflow.
  if (s.empty() || s.size() > 15) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return core::from_epoch_ms(v);
}

std::optional<core::time_point> parse_iso(std::string_view s) {
  std::size_t pos = 0;
  const auto y = digits(s, pos, 4);
  if (!y || !expect(s, pos, '-')) return std::nullopt;
  const auto mo = digits(s, pos, 2);
  if (!mo || !expect(s, pos, '-')) return std::nullopt;
  const auto d = digits(s, pos, 2);
  if (!d || !expect(s, pos, 'T')) return std::nullopt;
  const auto h = digits(s, pos, 2);
  if (!h || !expect(s, pos, ':')) return std::nullopt;
  const auto mi = digits(s, pos, 2);
  if (!mi) return std::nullopt;
  int sec = 0;
  int ms = 0;
  if (expect(s, pos, ':')) {
    const auto ss = digits(s, pos, 2);
    if (!ss) return std::nullopt;
    sec = *ss;
    if (expect(s, pos, '.')) {
      std::size_t n = 0;
      for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n) {
        if (n < 3) ms = ms * 10 + (s[pos] - '0');
      }
      if (n == 0 || n > 9) return std::nullopt;
      for (; n < 3; ++n) ms *= 10;
    }
  }
  int offset_min = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-' || s[pos] == ' ')) {
    // A '+' left unescaped in a query string arrives decoded as a space (form encoding).
    const int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    const auto oh = digits(s, pos, 2);
    if (!oh || !expect(s, pos, ':')) return std::nullopt;
    const auto om = digits(s, pos, 2);
    if (!om || *oh > 23 || *om > 59) return std::nullopt;
    offset_min = sign * (*oh * 60 + *om);
  } else {
    return std::nullopt;  // a time without an offset would be read in an unknown zone
  }
  if (pos != s.size()) return std::nullopt;
  const chr::year_month_day date{chr::year{*y}, chr::month{static_cast<unsigned>(*mo)},
                                 chr::day{static_cast<unsigned>(*d)}};
  if (!date.ok() || *y < 1970 || *h > 23 || *mi > 59 || sec > 59) return std::nullopt;
  const auto local = chr::sys_days{date} + chr::hours{*h} + chr::minutes{*mi} + chr::seconds{sec} +
                     chr::milliseconds{ms};
  return chr::time_point_cast<core::duration>(local - chr::minutes{offset_min});
}

}  // namespace

std::expected<core::time_point, std::string> parse(std::string_view text) {
  if (auto t = parse_epoch_ms(text)) return *t;
  if (auto t = parse_iso(text)) return *t;
  return std::unexpected(
      "expected epoch milliseconds or an ISO-8601 time with its offset, such as "
      "2026-11-01T00:00:00Z");
}

std::string format(core::time_point t) {
  const auto day = chr::floor<chr::days>(t);
  const chr::year_month_day date{day};
  const chr::hh_mm_ss<core::duration> time{t - day};
  auto out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(date.year()),
                         static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                         time.hours().count(), time.minutes().count(), time.seconds().count());
  if (time.subseconds().count() != 0) out += fmt::format(".{:03}", time.subseconds().count());
  return out + "Z";
}

std::string format_compact(core::time_point t) {
  std::string out;
  for (char c : format(t)) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

}  // namespace campus::net::utc_time
