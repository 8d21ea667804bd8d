#include "config/rule_parser.hpp"

#include <charconv>
#include <map>
#include <set>

#include "adapters/registry.hpp"
#include "config/names.hpp"

namespace campus::config {

void rule_parser::parse(const YAML::Node& list, std::vector<rules::rule_def>& out) {
  if (!list) return;
  if (!list.IsSequence()) {
    r_.error(list, "rules", "must be a list");
    return;
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = index_path("rules", i);
    if (!list[i].IsMap()) {
      r_.error(list[i], path, "must be a mapping");
      continue;
    }
    rules::rule_def rule;
    parse_rule(list[i], path, rule);
    if (!rule.id.empty() && !ids.insert(rule.id).second)
      r_.error(list[i]["id"], path + ".id", "duplicate rule id \"" + rule.id + "\"");
    out.push_back(std::move(rule));
  }
}

void rule_parser::parse_rule(const YAML::Node& n, const std::string& path,
                             rules::rule_def& out) {
  using rules::rule_kind;
  r_.check_keys(n, path,
                {"id", "name", "name_en", "kind", "match", "metric", "op", "levels", "for",
                 "severity", "period", "event", "count", "window", "quiet", "distance_m", "dwell",
                 "clear_after", "windows"});
  out.id = r_.string(n, "id", path, true).value_or("");
  if (!out.id.empty() && !is_identifier(out.id))
    r_.error(n["id"], path + ".id", "must be letters, digits, '-', '_' or '.'");
  out.name = r_.string(n, "name", path, true).value_or("");
  out.name_en = r_.string(n, "name_en", path, false).value_or(out.name);

  const std::string kind = r_.string(n, "kind", path, true).value_or("");
  static const std::map<std::string, rule_kind> kinds = {
      {"threshold", rule_kind::threshold},     {"absence", rule_kind::absence},
      {"stuck", rule_kind::stuck},             {"event_count", rule_kind::event_count},
      {"dwell", rule_kind::dwell}};
  if (auto it = kinds.find(kind); it != kinds.end()) {
    out.kind = it->second;
  } else if (!kind.empty()) {
    r_.error(n["kind"], path + ".kind",
             "unknown rule kind \"" + kind + "\" (threshold, absence, stuck, event_count, dwell)");
    return;
  } else {
    return;
  }

  // Matching.
  if (const YAML::Node m = n["match"]; m) {
    const std::string mp = path + ".match";
    if (!m.IsMap()) {
      r_.error(m, mp, "must be a mapping");
    } else {
      r_.check_keys(m, mp, {"families", "zone_types", "sites", "devices"});
      out.families = r_.string_list(m, "families", mp);
      out.zone_types = r_.string_list(m, "zone_types", mp);
      out.sites = r_.string_list(m, "sites", mp);
      out.devices = r_.string_list(m, "devices", mp);
      const auto& registry = adapters::builtin_registry();
      for (const auto& f : out.families)
        if (!registry.contains(f))
          r_.error(m["families"], mp + ".families", "unknown device family \"" + f + "\"");
      for (const auto& z : out.zone_types)
        if (!known_zone_types.contains(z))
          r_.error(m["zone_types"], mp + ".zone_types", "unknown zone type \"" + z + "\"");
      for (const auto& s : out.sites)
        if (!district_.find_site(s)) r_.error(m["sites"], mp + ".sites", "no site \"" + s + "\"");
      for (const auto& v : out.devices)
        if (!district_.find_device(v)) r_.error(m["devices"], mp + ".devices", "no device \"" + v + "\"");
    }
  }

  auto severity_of = [&](bool required) {
    if (auto s = r_.string(n, "severity", path, required)) {
      if (auto sev = core::parse_severity(*s)) return *sev;
      r_.error(n["severity"], path + ".severity",
               "must be blue, yellow, orange or red, got \"" + *s + "\"");
    }
    return core::severity::yellow;
  };
  auto positive = [&](const char* key, bool required) -> core::duration {
    auto v = r_.duration(n, key, path, required);
    if (v && v->count() <= 0) r_.error(n[key], path + "." + key, "must be longer than zero");
    return v.value_or(core::duration{0});
  };

  switch (out.kind) {
    case rule_kind::threshold: {
      out.metric = r_.string(n, "metric", path, true).value_or("");
      const std::string op = r_.string(n, "op", path, true).value_or("");
      static const std::map<std::string, rules::comparison> ops = {
          {"above", rules::comparison::above},
          {"below", rules::comparison::below},
          {"equal", rules::comparison::equal},
          {"outside", rules::comparison::outside}};
      if (auto it = ops.find(op); it != ops.end())
        out.op = it->second;
      else if (!op.empty())
        r_.error(n["op"], path + ".op",
                 "unknown comparison \"" + op + "\" (above, below, equal, outside)");
      if (auto f = r_.duration(n, "for", path, false)) out.for_duration = *f;
      parse_levels(n, path, out);
      break;
    }
    case rule_kind::absence:
      out.severity = severity_of(true);
      out.period = positive("period", true);
      break;
    case rule_kind::stuck:
      out.metric = r_.string(n, "metric", path, true).value_or("");
      out.severity = severity_of(true);
      out.period = positive("period", true);
      break;
    case rule_kind::event_count: {
      out.metric = "event";
      out.event = r_.string(n, "event", path, true).value_or("");
      out.severity = severity_of(false);
      if (auto c = r_.integer(n, "count", path, true)) {
        if (*c < 1 || *c > 10000)
          r_.error(n["count"], path + ".count", "must be 1..10000, got " + std::to_string(*c));
        out.count = static_cast<int>(*c);
      }
      out.window = positive("window", true);
      out.quiet = positive("quiet", false);
      if (out.quiet.count() == 0) out.quiet = out.window;
      break;
    }
    case rule_kind::dwell:
      out.metric = r_.string(n, "metric", path, false).value_or("dist_m");
      out.severity = severity_of(true);
      if (auto v = r_.number(n, "distance_m", path, true)) {
        if (*v <= 0) r_.error(n["distance_m"], path + ".distance_m", "must be greater than 0");
        out.distance_m = *v;
      }
      out.dwell = positive("dwell", true);
      break;
  }
  parse_clear_after(n, path, out);
  parse_windows(n, path, out);
}

void rule_parser::parse_clear_after(const YAML::Node& n, const std::string& path,
                                    rules::rule_def& out) {
  using rules::rule_kind;
  const bool applies = out.kind == rule_kind::threshold || out.kind == rule_kind::dwell;
  if (!applies) {
    if (n["clear_after"]) {
      r_.error(n["clear_after"], path + ".clear_after",
               "applies to threshold and dwell rules only (an event_count rule clears after "
               "`quiet`; absence and stuck rules clear on the reading that ends them)");
    }
    return;
  }
  out.clear_after = rules::default_clear_after;
  const auto v = r_.duration(n, "clear_after", path, false);
  if (!v) return;
  if (*v > max_clear_after) {
    r_.error(n["clear_after"], path + ".clear_after",
             "must be at most 1h (an entry cannot be closed while its alert waits to clear), "
             "got " +
                 n["clear_after"].Scalar());
    return;
  }
  out.clear_after = *v;
}

void rule_parser::parse_levels(const YAML::Node& n, const std::string& path,
                               rules::rule_def& out) {
  const YAML::Node levels = n["levels"];
  const std::string lp = path + ".levels";
  if (!levels || !levels.IsSequence() || levels.size() == 0) {
    if (levels)
      r_.error(levels, lp, "is required: a non-empty list of severity levels");
    else
      r_.missing(n, "levels", lp, "is required: a non-empty list of severity levels");
    return;
  }
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const YAML::Node l = levels[i];
    const std::string p = index_path(lp, i);
    if (!l.IsMap()) {
      r_.error(l, p, "must be a mapping");
      continue;
    }
    r_.check_keys(l, p, {"severity", "threshold", "clear", "low", "high", "state"});
    rules::level lv;
    if (auto s = r_.string(l, "severity", p, true)) {
      if (auto sev = core::parse_severity(*s))
        lv.severity = *sev;
      else
        r_.error(l["severity"], p + ".severity",
                 "must be blue, yellow, orange or red, got \"" + *s + "\"");
    }
    switch (out.op) {
      case rules::comparison::above:
      case rules::comparison::below: {
        const auto threshold = r_.number(l, "threshold", p, true);
        lv.threshold = threshold.value_or(0);
        lv.clear = r_.number(l, "clear", p, false);
        // Without a threshold read (missing, misspelt, not a number) there is nothing to compare.
        if (!threshold) break;
        if (lv.clear && out.op == rules::comparison::above && *lv.clear > lv.threshold)
          r_.error(l["clear"], p + ".clear",
                   "must not be above the threshold for op above (hysteresis clears lower)");
        if (lv.clear && out.op == rules::comparison::below && *lv.clear < lv.threshold)
          r_.error(l["clear"], p + ".clear",
                   "must not be below the threshold for op below (hysteresis clears higher)");
        break;
      }
      case rules::comparison::equal:
        lv.state = r_.string(l, "state", p, false);
        if (!lv.state) {
          if (auto t = r_.number(l, "threshold", p, false))
            lv.threshold = *t;
          else if (!l["threshold"] && !r_.misspelt(l, "threshold"))  // else reported already
            r_.missing(l, "state", p, "equal needs a state (\"open\") or a numeric threshold");
        }
        break;
      case rules::comparison::outside:
        lv.low = r_.number(l, "low", p, true).value_or(0);
        lv.high = r_.number(l, "high", p, true).value_or(0);
        if (lv.low >= lv.high) r_.error(l, p, "low must be below high");
        break;
    }
    if (!out.levels.empty() && lv.severity <= out.levels.back().severity)
      r_.error(l, p + ".severity", "levels must be ordered from least to most severe");
    out.levels.push_back(std::move(lv));
  }
}

void rule_parser::parse_windows(const YAML::Node& n, const std::string& path,
                                rules::rule_def& out) {
  const YAML::Node windows = n["windows"];
  if (!windows) return;
  const std::string wp = path + ".windows";
  if (!windows.IsSequence()) {
    r_.error(windows, wp, "must be a list");
    return;
  }
  auto month_day = [&](const YAML::Node& m, const char* key,
                       const std::string& p) -> std::optional<int> {
    auto s = r_.string(m, key, p, true);
    if (!s) return std::nullopt;
    int mo = 0, dy = 0;
    if (s->size() == 5 && (*s)[2] == '-') {
      std::from_chars(s->data(), s->data() + 2, mo);
      std::from_chars(s->data() + 3, s->data() + 5, dy);
    }
    if (mo < 1 || mo > 12 || dy < 1 || dy > 31) {
      r_.error(m[key], p + "." + key, "must be a date MM-DD, got \"" + *s + "\"");
      return std::nullopt;
    }
    return mo * 100 + dy;
  };
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const YAML::Node w = windows[i];
    const std::string p = index_path(wp, i);
    if (!w.IsMap()) {
      r_.error(w, p, "must be a mapping");
      continue;
    }
    r_.check_keys(w, p, {"days", "from", "to", "season"});
    rules::time_window tw;
    if (const YAML::Node days = w["days"]; days) {
      if (!days.IsSequence()) {
        r_.error(days, p + ".days", "must be a list of ISO weekdays 1 (Monday) .. 7 (Sunday)");
      } else {
        for (std::size_t k = 0; k < days.size(); ++k) {
          int day = 0;
          const std::string& s = days[k].IsScalar() ? days[k].Scalar() : std::string();
          auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), day);
          if (ec != std::errc{} || end != s.data() + s.size() || day < 1 || day > 7)
            r_.error(days[k], index_path(p + ".days", k),
                     "must be an ISO weekday 1 (Monday) .. 7 (Sunday), got \"" + s + "\"");
          else
            tw.weekdays.push_back(day);
        }
      }
    }
    if (auto f = r_.time_of_day(w, "from", p, false)) tw.start_minute = *f;
    if (auto t = r_.time_of_day(w, "to", p, false)) tw.end_minute = *t;
    if (const YAML::Node season = w["season"]; season) {
      if (!season.IsMap()) {
        r_.error(season, p + ".season", "must be a mapping {from: MM-DD, to: MM-DD}");
      } else {
        r_.check_keys(season, p + ".season", {"from", "to"});
        tw.season_from = month_day(season, "from", p + ".season");
        tw.season_to = month_day(season, "to", p + ".season");
      }
    }
    out.windows.push_back(std::move(tw));
  }
}

}  // namespace campus::config
