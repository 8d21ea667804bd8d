// A notice (通知) from the district bureau to chosen schools, what the schools did with it
// (who read it, when) and what became of its text messages (docs/bureau.md "Notices").
// Plain data; the board (notice_board.hpp) keeps it durable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/reading.hpp"
#include "core/severity.hpp"

namespace campus::notice {

enum class notice_kind { weather, inspection, other };

std::string_view to_string(notice_kind k);
std::optional<notice_kind> parse_notice_kind(std::string_view s);

// One user of a targeted school who marked the notice read. A user of two targeted schools
// reads once and counts as a reader at each.
struct notice_reader {
  std::string site;
  std::string user;  // login name
  std::string name;  // display name
  core::time_point at{};
};

// The final outcome of the notice's text message to one person at one school, or the reason
// none could go (nobody on duty, no phone).
struct notice_sms {
  std::string site;
  std::string person;   // the roster's person id; empty when nobody was on duty
  std::string name;     // the person's name
  std::string outcome;  // sent | failed | nobody_on_duty
  std::string detail;   // the gateway's reason or stamp, or why nothing was sent
  core::time_point at{};
};

// What the bureau asks to send; checked by the API before it reaches the board.
struct notice_draft {
  std::string author;       // login name
  std::string author_name;  // display name
  notice_kind kind = notice_kind::other;
  std::optional<core::severity> severity;
  std::string title;
  std::string body;
  std::vector<std::string> sites;  // site ids, each once ("*" is expanded by the API)
  bool sms = true;
};

struct notice {
  std::int64_t id = 0;
  core::time_point created_at{};
  std::string author;
  std::string author_name;
  notice_kind kind = notice_kind::other;
  std::optional<core::severity> severity;
  std::string title;
  std::string body;
  std::vector<std::string> sites;
  bool sms = true;
  std::vector<notice_reader> readers;  // in the order they read
  std::vector<notice_sms> sms_outcomes;  // in the order they were learnt

  bool targets(std::string_view site) const;
  // True when any of `sites` is targeted.
  bool targets_any(const std::vector<std::string>& sites) const;
  bool read_by(std::string_view user) const;
  // True when some user of `site` has read it.
  bool read_at(std::string_view site) const;
  // True when every targeted school has a reader.
  bool read_everywhere() const;
};

// Which notices a list returns, newest first.
struct notice_filter {
  static constexpr std::size_t default_limit = 200;

  // A school user: only notices to any of `sites`. Empty with all_sites: every notice.
  std::vector<std::string> sites;
  bool all_sites = false;
  // unread_only: for a school user (`user` set), the notices they have not read; for the
  // district (all_sites), those not yet read at every targeted school.
  bool unread_only = false;
  std::string user;
  std::size_t limit = default_limit;

  bool matches(const notice& n) const;
};

// "N-000003".
std::string display_id(std::int64_t id);
// "N-000003", "n-3" or "3"; nullopt for anything else or a non-positive id.
std::optional<std::int64_t> parse_notice_id(std::string_view text);

}  // namespace campus::notice
