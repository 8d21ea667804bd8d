#include "notify/duty/duty_config.hpp"

#include <date/tz.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

namespace campus::notify::duty {

using config::index_path;
using config::join_path;

bool is_e164(std::string_view phone) {
  if (phone.size() < 9 || phone.size() > 16 || phone[0] != '+' || phone[1] == '0') return false;
  return std::all_of(phone.begin() + 1, phone.end(), [](char c) { return c >= '0' && c <= '9'; });
}

namespace {

constexpr int week_minutes = 7 * 24 * 60;

std::optional<date::sys_days> parse_date(const std::string& s) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto whole = [](const char* b, const char* e, auto& v) {
    auto [end, ec] = std::from_chars(b, e, v);
    return ec == std::errc{} && end == e;
  };
  const char* p = s.data();
  if (!whole(p, p + 4, y) || !whole(p + 5, p + 7, m) || !whole(p + 8, p + 10, d))
    return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd};
}

std::string roles_expected() {
  std::string out;
  for (auto r : known_roles) out += (out.empty() ? "" : ", ") + std::string(r);
  return out;
}

class duty_parser {
 public:
  duty_parser(config::yaml_reader& r, const config::district& d) : r_(r), district_(d) {}

  duty_settings parse(const YAML::Node& duty) {
    duty_settings out;
    out.escalation = escalation_policy::seed_default();
    for (const auto& s : district_.sites) out.plan.site_time_zones[s.id] = s.time_zone;
    if (!duty || duty.IsNull()) return out;
    if (!duty.IsMap()) {
      r_.error(duty, "duty", "must be a mapping");
      return out;
    }
    r_.check_keys(duty, "duty", {"time_zone", "people", "shifts", "overrides", "escalation"});
    if (auto tz = r_.string(duty, "time_zone", "duty", false)) {
      try {
        (void)date::locate_zone(*tz);
        out.plan.district_time_zone = *tz;
      } catch (const std::exception&) {
        r_.error(duty["time_zone"], "duty.time_zone", "unknown time zone \"" + *tz + "\"");
      }
    }
    plan_ = &out.plan;
    for_each_item(duty["people"], "duty.people", [&](const YAML::Node& n, const std::string& p) {
      read_person(n, p);
    });
    for_each_item(duty["shifts"], "duty.shifts", [&](const YAML::Node& n, const std::string& p) {
      read_shift(n, p);
    });
    for_each_item(duty["overrides"], "duty.overrides",
                  [&](const YAML::Node& n, const std::string& p) { read_override(n, p); });
    check_overlaps();
    if (const YAML::Node e = duty["escalation"]; e && !e.IsNull())
      out.escalation = read_escalation(e);
    return out;
  }

 private:
  template <typename read_item>
  void for_each_item(const YAML::Node& list, const std::string& path, read_item read) {
    if (!list || list.IsNull()) return;
    if (!list.IsSequence()) {
      r_.error(list, path, "must be a list");
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].IsMap()) {
        r_.error(list[i], index_path(path, i), "must be a mapping");
        continue;
      }
      read(list[i], index_path(path, i));
    }
  }

  bool known_site(const std::string& id) const { return district_.find_site(id) != nullptr; }

  void read_person(const YAML::Node& n, const std::string& p) {
    r_.check_keys(n, p, {"id", "name", "phone", "roles", "sites"});
    person out;
    out.id = r_.string(n, "id", p, true).value_or("");
    out.name = r_.string(n, "name", p, true).value_or("");
    out.phone = r_.string(n, "phone", p, true).value_or("");
    if (!out.phone.empty() && !is_e164(out.phone))
      r_.error(n["phone"], p + ".phone",
               "must be an E.164 number such as +8613800000000, got \"" + out.phone + "\"");
    out.roles = r_.string_list(n, "roles", p);
    if (out.roles.empty()) r_.missing(n, "roles", p + ".roles", "must name at least one role");
    for (std::size_t i = 0; i < out.roles.size(); ++i)
      if (!is_known_role(out.roles[i]))
        r_.error(n["roles"][i], index_path(p + ".roles", i),
                 "unknown role \"" + out.roles[i] + "\" (expected one of: " + roles_expected() +
                     ")");
    out.sites = r_.string_list(n, "sites", p);
    for (std::size_t i = 0; i < out.sites.size(); ++i)
      if (!known_site(out.sites[i]))
        r_.error(n["sites"][i], index_path(p + ".sites", i),
                 "unknown site \"" + out.sites[i] + "\"");
    if (!out.id.empty() && plan_->find_person(out.id))
      r_.error(n["id"], p + ".id", "duplicate person id \"" + out.id + "\"");
    // Roles or sites under a misspelt key were not read: the error there says so, and the
    // shifts naming this person are not also told that the person lacks them.
    if (r_.misspelt(n, "roles") || r_.misspelt(n, "sites")) misread_people_.insert(out.id);
    plan_->people.push_back(std::move(out));
  }

  // Site, role and person shared by shifts and overrides: the person must exist, hold the
  // role and belong to the site (or to the bureau); district-wide entries are the bureau's.
  bool read_assignment(const YAML::Node& n, const std::string& p, std::string& site,
                       std::string& role, std::string& who) {
    bool ok = true;
    site = r_.string(n, "site", p, false).value_or("");
    role = r_.string(n, "role", p, true).value_or("");
    who = r_.string(n, "person", p, true).value_or("");
    if (!site.empty() && !known_site(site)) {
      r_.error(n["site"], p + ".site", "unknown site \"" + site + "\"");
      ok = false;
    }
    if (!role.empty() && !is_known_role(role)) {
      r_.error(n["role"], p + ".role",
               "unknown role \"" + role + "\" (expected one of: " + roles_expected() + ")");
      ok = false;
    } else if (role == bureau_duty_officer && !site.empty()) {
      r_.error(n["site"], p + ".site",
               "bureau_duty_officer shifts are district-wide: leave out `site`");
      ok = false;
    } else if (!role.empty() && role != bureau_duty_officer && site.empty()) {
      r_.missing(n, "site", p + ".site", "is required for role " + role);
      ok = false;
    }
    if (who.empty()) return false;
    const person* person = plan_->find_person(who);
    if (!person) {
      r_.error(n["person"], p + ".person", "unknown person \"" + who + "\"");
      return false;
    }
    if (misread_people_.contains(who)) return false;
    if (!role.empty() &&
        std::find(person->roles.begin(), person->roles.end(), role) == person->roles.end()) {
      r_.error(n["person"], p + ".person",
               "person \"" + who + "\" does not hold role " + role);
      ok = false;
    }
    const bool belongs = person->is_bureau() || std::find(person->sites.begin(),
                                                          person->sites.end(),
                                                          site) != person->sites.end();
    if (!belongs || (site.empty() && !person->is_bureau())) {
      r_.error(n["person"], p + ".person",
               "person \"" + who + "\" does not belong to " +
                   (site.empty() ? std::string("the bureau") : "site " + site));
      ok = false;
    }
    return ok;
  }

  void read_shift(const YAML::Node& n, const std::string& p) {
    r_.check_keys(n, p, {"site", "role", "person", "days", "from", "to"});
    weekly_shift s;
    bool ok = read_assignment(n, p, s.site, s.role, s.person);
    const YAML::Node days = n["days"];
    if (!days || !days.IsSequence() || days.size() == 0) {
      if (days)
        r_.error(days, p + ".days", "must be a list of ISO weekdays 1 (Monday) .. 7 (Sunday)");
      else
        r_.missing(n, "days", p + ".days",
                   "must be a list of ISO weekdays 1 (Monday) .. 7 (Sunday)");
      ok = false;
    } else {
      for (std::size_t k = 0; k < days.size(); ++k) {
        const std::string t = days[k].IsScalar() ? days[k].Scalar() : std::string();
        int day = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), day);
        if (ec != std::errc{} || end != t.data() + t.size() || day < 1 || day > 7) {
          r_.error(days[k], index_path(p + ".days", k),
                   "must be an ISO weekday 1 (Monday) .. 7 (Sunday), got \"" + t + "\"");
          ok = false;
        } else if (has(s.weekdays, day)) {
          r_.error(days[k], index_path(p + ".days", k), "repeats day " + t);
          ok = false;
        } else {
          s.weekdays.push_back(day);
        }
      }
    }
    const auto from = r_.time_of_day(n, "from", p, true);
    const auto to = r_.time_of_day(n, "to", p, true);
    if (!from || !to) return;
    if (*from == 24 * 60) {
      r_.error(n["from"], p + ".from", "a shift cannot start at 24:00");
      return;
    }
    s.start_minute = *from;
    s.end_minute = *to == 0 ? 24 * 60 : *to;
    if (ok) {
      plan_->shifts.push_back(std::move(s));
      shift_lines_.push_back(n.Mark().line + 1);
      shift_paths_.push_back(p);
    }
  }

  void read_override(const YAML::Node& n, const std::string& p) {
    r_.check_keys(n, p, {"site", "role", "person", "date", "to_date", "from", "to", "mode"});
    duty_override o;
    bool ok = read_assignment(n, p, o.site, o.role, o.person);
    const auto date_at = [&](const char* key, bool required) -> std::optional<date::sys_days> {
      auto s = r_.string(n, key, p, required);
      if (!s) return std::nullopt;
      auto d = parse_date(*s);
      if (!d) r_.error(n[key], join_path(p, key), "must be a date YYYY-MM-DD, got \"" + *s + "\"");
      return d;
    };
    const auto first = date_at("date", true);
    const auto last = n["to_date"] ? date_at("to_date", true) : first;
    if (!first || !last) return;
    if (*last < *first) {
      r_.error(n["to_date"], p + ".to_date", "is before `date`");
      return;
    }
    o.first = *first;
    o.last = *last;
    const auto from = r_.time_of_day(n, "from", p, false);
    const auto to = r_.time_of_day(n, "to", p, false);
    if (n["from"] || n["to"]) {
      if (!from || !to) {
        if (!n["from"] || !n["to"]) r_.error(n, p, "needs both `from` and `to`, or neither");
        return;
      }
      o.start_minute = *from;
      o.end_minute = *to == 0 ? 24 * 60 : *to;
    }
    if (auto mode = r_.string(n, "mode", p, false)) {
      if (*mode == "add") {
        o.what = duty_override::kind::add;
      } else if (*mode != "replace") {
        r_.error(n["mode"], p + ".mode", "must be replace or add, got \"" + *mode + "\"");
        return;
      }
    }
    if (ok) plan_->overrides.push_back(std::move(o));
  }

  // Two weekly shifts of one role at one site must not cover the same minute of the week:
  // the roster would then name two people where the plan meant one.
  void check_overlaps() {
    std::map<std::pair<std::string, std::string>, std::vector<int>> owners;
    std::set<std::pair<std::size_t, std::size_t>> reported;
    for (std::size_t i = 0; i < plan_->shifts.size(); ++i) {
      const weekly_shift& s = plan_->shifts[i];
      auto& owner = owners[{s.site, s.role}];
      if (owner.empty()) owner.assign(week_minutes, -1);
      const int length = s.end_minute > s.start_minute
                             ? s.end_minute - s.start_minute
                             : s.end_minute + 24 * 60 - s.start_minute;
      for (int day : s.weekdays) {
        const int start = (day - 1) * 24 * 60 + s.start_minute;
        for (int m = start; m < start + length; ++m) {
          int& o = owner[m % week_minutes];
          if (o >= 0 && reported.insert({static_cast<std::size_t>(o), i}).second) {
            r_.error_at_line(shift_lines_[i], shift_paths_[i],
                             "overlaps " + shift_paths_[o] + " (same site and role " + s.role +
                                 ")");
          }
          if (o < 0) o = static_cast<int>(i);
        }
      }
    }
  }

  escalation_policy read_escalation(const YAML::Node& e) {
    escalation_policy out;
    if (!e.IsMap()) {
      r_.error(e, "duty.escalation", "must be a mapping of blue, yellow, orange and red");
      return escalation_policy::seed_default();
    }
    r_.check_keys(e, "duty.escalation", {"blue", "yellow", "orange", "red"});
    for (auto s : {core::severity::blue, core::severity::yellow, core::severity::orange,
                   core::severity::red}) {
      const std::string name(core::to_string(s));
      const std::string path = "duty.escalation." + name;
      const YAML::Node list = e[name];
      if (!list || !list.IsSequence() || list.size() == 0) {
        if (list)
          r_.error(list, path, "must be a list of at least one step");
        else
          r_.missing(e, name.c_str(), path, "must be a list of at least one step");
        continue;
      }
      auto& steps = out.for_severity(s);
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string p = index_path(path, i);
        if (!list[i].IsMap()) {
          r_.error(list[i], p, "must be a mapping {after, roles, channels}");
          continue;
        }
        steps.push_back(read_step(list[i], p));
        if (i > 0 && steps[i].after <= steps[i - 1].after)
          r_.error(list[i]["after"], p + ".after",
                   "steps must come in increasing delay; this one is not later than the one "
                   "before");
      }
      if ((s == core::severity::orange || s == core::severity::red) && !steps.empty() &&
          (steps[0].after != core::duration{0} || !has(steps[0].roles, bureau_duty_officer))) {
        r_.error(list[0], index_path(path, 0),
                 "orange and red must reach bureau_duty_officer at once (step 0, after 0s)");
      }
    }
    return out;
  }

  escalation_step read_step(const YAML::Node& n, const std::string& p) {
    r_.check_keys(n, p, {"after", "roles", "channels"});
    escalation_step step;
    step.after = r_.duration(n, "after", p, true).value_or(core::duration{0});
    step.roles = r_.string_list(n, "roles", p);
    for (std::size_t i = 0; i < step.roles.size(); ++i)
      if (!is_known_role(step.roles[i]))
        r_.error(n["roles"][i], index_path(p + ".roles", i),
                 "unknown role \"" + step.roles[i] + "\" (expected one of: " + roles_expected() +
                     ")");
    const auto channels = r_.string_list(n, "channels", p);
    if (channels.empty())
      r_.missing(n, "channels", p + ".channels", "must name at least one channel");
    for (std::size_t i = 0; i < channels.size(); ++i) {
      if (auto c = parse_channel(channels[i]))
        step.channels.push_back(*c);
      else
        r_.error(n["channels"][i], index_path(p + ".channels", i),
                 "unknown channel \"" + channels[i] + "\" (expected sms or dashboard)");
    }
    return step;
  }

  template <typename list, typename value>
  static bool has(const list& l, const value& v) {
    return std::find(l.begin(), l.end(), v) != l.end();
  }

  config::yaml_reader& r_;
  const config::district& district_;
  duty_plan* plan_ = nullptr;
  std::set<std::string> misread_people_;  // ids whose roles or sites key was misspelt
  std::vector<int> shift_lines_;         // parallel to plan_->shifts, for overlap errors
  std::vector<std::string> shift_paths_;
};

}  // namespace

duty_settings read_duty(const YAML::Node& duty, const config::district& district,
                        config::yaml_reader& reader) {
  return duty_parser(reader, district).parse(duty);
}

duty_result load_duty_string(const std::string& yaml, const config::district& district,
                             const std::string& file_name) {
  config::yaml_reader r(file_name);
  auto loaded = r.load(yaml);
  if (!loaded) return std::unexpected(r.take_errors());
  const YAML::Node root = *loaded;
  if (!root.IsMap() || !root["duty"]) {
    r.error_at_line(0, "duty", "is required at the top level");
    return std::unexpected(r.take_errors());
  }
  duty_settings out = read_duty(root["duty"], district, r);
  if (!r.ok()) return std::unexpected(r.take_errors());
  return out;
}

duty_result load_duty_file(const std::filesystem::path& file, const config::district& district) {
  auto text = config::yaml_reader::read_file(file);
  if (!text) return std::unexpected(text.error());
  return load_duty_string(*text, district, file.string());
}

}  // namespace campus::notify::duty
