#include "notice/notice.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace campus::notice {

std::string_view to_string(notice_kind k) {
  switch (k) {
    case notice_kind::weather:
      return "weather";
    case notice_kind::inspection:
      return "inspection";
    case notice_kind::other:
      return "other";
  }
  return "other";
}

std::optional<notice_kind> parse_notice_kind(std::string_view s) {
  if (s == "weather") return notice_kind::weather;
  if (s == "inspection") return notice_kind::inspection;
  if (s == "other") return notice_kind::other;
  return std::nullopt;
}

bool notice::targets(std::string_view site) const {
  return std::find(sites.begin(), sites.end(), site) != sites.end();
}

bool notice::targets_any(const std::vector<std::string>& of) const {
  return std::any_of(of.begin(), of.end(), [this](const std::string& s) { return targets(s); });
}

bool notice::read_by(std::string_view user) const {
  return std::any_of(readers.begin(), readers.end(),
                     [&](const notice_reader& r) { return r.user == user; });
}

bool notice::read_at(std::string_view site) const {
  return std::any_of(readers.begin(), readers.end(),
                     [&](const notice_reader& r) { return r.site == site; });
}

bool notice::read_everywhere() const {
  return std::all_of(sites.begin(), sites.end(),
                     [this](const std::string& s) { return read_at(s); });
}

bool notice_filter::matches(const notice& n) const {
  if (!all_sites && !n.targets_any(sites)) return false;
  if (!unread_only) return true;
  return all_sites ? !n.read_everywhere() : !n.read_by(user);
}

std::string display_id(std::int64_t id) { return fmt::format("N-{:06}", id); }

std::optional<std::int64_t> parse_notice_id(std::string_view text) {
  if (text.starts_with("N-") || text.starts_with("n-")) text.remove_prefix(2);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace campus::notice
