#include "rules/rule_engine.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <variant>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <date/tz.h>
#include <fmt/format.h>

#include "rules/absence_tracker.hpp"
#include "rules/alert_book.hpp"
#include "rules/dwell_tracker.hpp"
#include "rules/event_count_tracker.hpp"
#include "rules/local_moment.hpp"
#include "rules/pending_state.hpp"
#include "rules/stuck_tracker.hpp"
#include "rules/threshold_tracker.hpp"

namespace campus::rules {

namespace {

using tracker = std::variant<threshold_tracker, absence_tracker, stuck_tracker,
                             event_count_tracker, dwell_tracker>;

// One rule applied to one device, with that pair's state.
struct binding {
  const rule_def* rule;
  tracker state;
};

struct device_entry {
  device_profile profile;
  const date::time_zone* zone = nullptr;  // resolved once; set when a bound rule has windows
  std::vector<binding> bindings;
};

bool listed(const std::vector<std::string>& list, const std::string& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

bool matches(const rule_def& rule, const device_profile& d) {
  return listed(rule.families, d.family) && listed(rule.zone_types, d.zone_type) &&
         listed(rule.sites, d.site) && listed(rule.devices, d.id);
}

tracker make_tracker(const rule_def& rule, core::time_point start) {
  switch (rule.kind) {
    case rule_kind::threshold: return threshold_tracker{};
    case rule_kind::absence: return absence_tracker{start};
    case rule_kind::stuck: return stuck_tracker{};
    case rule_kind::event_count: return event_count_tracker{};
    case rule_kind::dwell: return dwell_tracker{};
  }
  throw std::invalid_argument(fmt::format("rule {}: unknown kind", rule.id));
}

// The kind as the district file and the pending-state records name it.
const char* kind_name(rule_kind k) {
  switch (k) {
    case rule_kind::threshold: return "threshold";
    case rule_kind::absence: return "absence";
    case rule_kind::stuck: return "stuck";
    case rule_kind::event_count: return "event_count";
    case rule_kind::dwell: return "dwell";
  }
  return "unknown";
}

// Fills in the default metric of a kind once, so that evaluation compares without copying.
rule_def with_default_metric(rule_def rule) {
  if (!rule.metric.empty()) return rule;
  switch (rule.kind) {
    case rule_kind::absence: rule.metric = "status"; break;
    case rule_kind::event_count: rule.metric = "event"; break;
    case rule_kind::dwell: rule.metric = "dist_m"; break;
    case rule_kind::threshold:
    case rule_kind::stuck: break;
  }
  return rule;
}

// Whether a reading is one this rule looks at (before time windows).
bool applies(const rule_def& rule, const core::reading& r) {
  switch (rule.kind) {
    case rule_kind::absence:
      return true;  // any reading is a sign of life (or, as status=offline, of death)
    case rule_kind::event_count:
      return r.metric == rule.metric && !r.is_number() && r.state() == rule.event;
    case rule_kind::dwell:
    case rule_kind::threshold:
    case rule_kind::stuck:
      return r.metric == rule.metric;
  }
  return false;
}

}  // namespace

struct rule_engine::impl {
  const core::clock& clock;
  std::vector<rule_def> rules;       // never resized after construction: bindings point here
  std::vector<device_entry> devices;
  std::unordered_map<std::string, std::size_t> device_index;  // device id → devices[i]
  alert_book book;
  // load_pending: when the state taken up was saved (the previous run's clock, unshifted).
  std::optional<core::time_point> loaded_saved_at;
  // replaying(): the first arrival of the message whose readings are being handed again.
  std::optional<core::time_point> replayed_arrival;
  // The size of the last save: the next one reserves about as much (megabytes at scale).
  std::size_t last_saved_bytes = 0;

  tracker_context context(const device_entry& d, const binding& b, core::time_point now,
                          bool in_window, std::vector<alert_event>& out) {
    const bool replay_of_saved =
        replayed_arrival && loaded_saved_at && *replayed_arrival <= *loaded_saved_at;
    return {*b.rule, d.profile, now, in_window, book, out, replay_of_saved};
  }
};

namespace {

const date::time_zone* resolve_zone(const device_profile& d,
                                    std::unordered_map<std::string, const date::time_zone*>& cache) {
  auto it = cache.find(d.time_zone);
  if (it != cache.end()) return it->second;
  try {
    return cache.emplace(d.time_zone, date::locate_zone(d.time_zone)).first->second;
  } catch (const std::runtime_error& e) {
    // A configuration error: fail fast, naming what is wrong.
    throw std::invalid_argument(fmt::format("device {}: unknown time zone \"{}\" ({})", d.id,
                                            d.time_zone, e.what()));
  }
}

}  // namespace

rule_engine::rule_engine(std::vector<rule_def> rules, std::vector<device_profile> devices,
                         const core::clock& clock)
    : impl_(std::make_unique<impl>(impl{clock, {}, {}, {}, {}, {}, {}, 0})) {
  const auto start = clock.now();
  impl_->rules.reserve(rules.size());
  for (auto& rule : rules) impl_->rules.push_back(with_default_metric(std::move(rule)));
  std::unordered_map<std::string, const date::time_zone*> zones;
  impl_->devices.reserve(devices.size());
  for (auto& profile : devices) {
    if (impl_->device_index.contains(profile.id)) continue;  // the first profile wins
    device_entry entry{std::move(profile), nullptr, {}};
    for (const rule_def& rule : impl_->rules) {
      if (!matches(rule, entry.profile)) continue;
      entry.bindings.push_back({&rule, make_tracker(rule, start)});
      if (!rule.windows.empty() && !entry.zone) entry.zone = resolve_zone(entry.profile, zones);
    }
    impl_->device_index.emplace(entry.profile.id, impl_->devices.size());
    impl_->devices.push_back(std::move(entry));
  }
}

rule_engine::~rule_engine() = default;

std::vector<alert_event> rule_engine::on_reading(const core::reading& r) {
  std::vector<alert_event> out;
  const auto found = impl_->device_index.find(r.device);
  if (found == impl_->device_index.end()) return out;
  device_entry& d = impl_->devices[found->second];
  const auto now = impl_->clock.now();
  std::optional<local_moment> moment;  // computed once, and only if a windowed rule needs it
  for (binding& b : d.bindings) {
    if (!applies(*b.rule, r)) continue;
    bool in_window = true;
    if (!b.rule->windows.empty()) {
      if (!moment) moment = local_moment::at(*d.zone, now);
      in_window = within_any(b.rule->windows, *moment);
    }
    const auto ctx = impl_->context(d, b, now, in_window, out);
    std::visit([&](auto& t) { t.on_reading(ctx, r); }, b.state);
  }
  return out;
}

std::vector<alert_event> rule_engine::on_tick() {
  std::vector<alert_event> out;
  const auto now = impl_->clock.now();
  // Sites share few zones: convert now to local time once per zone per tick.
  std::vector<std::pair<const date::time_zone*, local_moment>> moments;
  const auto moment_in = [&](const date::time_zone* zone) -> const local_moment& {
    for (const auto& [z, m] : moments) {
      if (z == zone) return m;
    }
    return moments.emplace_back(zone, local_moment::at(*zone, now)).second;
  };
  for (device_entry& d : impl_->devices) {
    for (binding& b : d.bindings) {
      const bool in_window =
          b.rule->windows.empty() || within_any(b.rule->windows, moment_in(d.zone));
      const auto ctx = impl_->context(d, b, now, in_window, out);
      std::visit([&](auto& t) { t.on_tick(ctx); }, b.state);
    }
  }
  return out;
}

std::vector<alert> rule_engine::active_alerts() const { return impl_->book.active(); }

std::vector<alert> rule_engine::restore(const std::vector<alert>& active) {
  std::vector<alert> taken;
  const auto now = impl_->clock.now();
  auto known = impl_->book.active();
  const auto already = [&](const alert& a) {
    return std::any_of(known.begin(), known.end(), [&](const alert& k) {
      return k.rule == a.rule && k.device == a.device && k.subject == a.subject;
    });
  };
  std::vector<alert_event> none;  // adopting emits nothing
  for (const alert& a : active) {
    const auto found = impl_->device_index.find(a.device);
    if (found == impl_->device_index.end() || already(a)) continue;
    device_entry& d = impl_->devices[found->second];
    const auto b = std::find_if(d.bindings.begin(), d.bindings.end(),
                                [&](const binding& b) { return b.rule->id == a.rule; });
    if (b == d.bindings.end()) continue;
    const auto h = impl_->book.adopt(a);
    const auto ctx = impl_->context(d, *b, now, true, none);
    std::visit([&](auto& t) { t.adopt(ctx, h); }, b->state);
    taken.push_back(impl_->book.get(h));
    known.push_back(taken.back());
  }
  return taken;
}

namespace {

namespace json = boost::json;

constexpr std::string_view state_format = "campus-rule-state";
constexpr std::int64_t state_version = 1;
constexpr std::size_t problems_named = 5;  // malformed lines named in pending_load::problems

std::optional<json::value> parse_line(std::string_view line) {
  json::parse_options opts;
  opts.allow_invalid_utf8 = true;  // subjects are bytes from MQTT payloads, written as they are
  boost::system::error_code ec;
  auto v = json::parse(line, ec, {}, opts);
  if (ec) return std::nullopt;
  return v;
}

std::optional<rule_kind> kind_named(std::string_view name) {
  for (const auto k : {rule_kind::threshold, rule_kind::absence, rule_kind::stuck,
                       rule_kind::event_count, rule_kind::dwell})
    if (name == kind_name(k)) return k;
  return std::nullopt;
}

}  // namespace

std::string rule_engine::save_pending(save_moment moment) const {
  const auto now = impl_->clock.now();
  std::string text = fmt::format(
      R"({{"format":"{}","version":{},"saved_at":{},"stopped":{}}})"
      "\n",
      state_format, state_version, core::to_epoch_ms(now),
      moment == save_moment::stopping ? "true" : "false");
  text.reserve(impl_->last_saved_bytes + impl_->last_saved_bytes / 8);
  pending_writer out(text);
  for (const device_entry& d : impl_->devices) {
    for (const binding& b : d.bindings) {
      out.bind(kind_name(b.rule->kind), d.profile.id, b.rule->id);
      const pending_save_context ctx{*b.rule, now, out};
      std::visit([&](const auto& t) { t.save(ctx); }, b.state);
    }
  }
  impl_->last_saved_bytes = text.size();
  return text;
}

std::expected<rule_engine::pending_load, std::string> rule_engine::load_pending(
    std::string_view text) {
  const auto now = impl_->clock.now();
  const auto header_end = text.find('\n');
  const auto header = parse_line(text.substr(0, header_end));
  const json::object* h = header && header->is_object() ? &header->get_object() : nullptr;
  const json::value* format = h ? h->if_contains("format") : nullptr;
  if (!format || !format->is_string() || format->get_string() != state_format)
    return std::unexpected(fmt::format("line 1: not a {} header", state_format));
  const json::value* version = h->if_contains("version");
  if (!version || !version->is_int64() || version->get_int64() != state_version) {
    return std::unexpected(fmt::format("line 1: version {} (this server reads version {})",
                                       version ? json::serialize(*version) : "missing",
                                       state_version));
  }
  const json::value* saved = h->if_contains("saved_at");
  const json::value* stopped = h->if_contains("stopped");
  if (!saved || !saved->is_int64() || !stopped || !stopped->is_bool())
    return std::unexpected("line 1: saved_at (epoch ms) or stopped (true or false) missing");

  pending_load result;
  const auto saved_at = core::from_epoch_ms(saved->get_int64());
  result.downtime = std::max(now - saved_at, core::duration::zero());
  result.exact = stopped->get_bool();
  const auto malformed = [&](std::size_t line, std::string_view why) {
    ++result.malformed;
    if (result.problems.size() < problems_named)
      result.problems.push_back(fmt::format("line {}: {}", line, why));
  };
  std::size_t line_no = 1;
  for (auto rest = header_end == std::string_view::npos ? std::string_view{}
                                                        : text.substr(header_end + 1);
       !rest.empty();) {
    const auto end = rest.find('\n');
    const auto line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    ++line_no;
    if (line.empty()) continue;
    const auto v = parse_line(line);
    if (!v || !v->is_array() || v->get_array().size() < 4) {
      malformed(line_no, "not a JSON array of at least kind, device, rule and subject");
      continue;
    }
    const json::array& record = v->get_array();
    if (!record[0].is_string() || !record[1].is_string() || !record[2].is_string() ||
        !record[3].is_string()) {
      malformed(line_no, "kind, device, rule and subject must be strings");
      continue;
    }
    const auto kind = kind_named(record[0].get_string());
    if (!kind) {
      malformed(line_no, fmt::format("unknown kind {}", json::serialize(record[0])));
      continue;
    }
    const auto found = impl_->device_index.find(std::string(record[1].get_string()));
    if (found == impl_->device_index.end()) {
      ++result.unbound;
      continue;
    }
    device_entry& d = impl_->devices[found->second];
    const std::string_view rule_id = record[2].get_string();
    const auto b = std::find_if(d.bindings.begin(), d.bindings.end(),
                                [&](const binding& b) { return b.rule->id == rule_id; });
    if (b == d.bindings.end() || b->rule->kind != *kind) {
      ++result.unbound;
      continue;
    }
    const pending_load_context ctx{*b->rule, now, result.exact};
    const pending_fields fields(record, result.downtime, now);
    const std::string_view subject = record[3].get_string();
    switch (std::visit([&](auto& t) { return t.load(ctx, subject, fields); }, b->state)) {
      case pending_outcome::taken: ++result.taken; break;
      case pending_outcome::superseded: ++result.superseded; break;
      case pending_outcome::outdated: ++result.unbound; break;
      case pending_outcome::malformed:
        malformed(line_no, fmt::format("fields of a {} record missing or of the wrong type",
                                       kind_name(*kind)));
        break;
    }
  }
  impl_->loaded_saved_at = saved_at;
  return result;
}

void rule_engine::replaying(std::optional<core::time_point> arrived) {
  impl_->replayed_arrival = arrived;
}

}  // namespace campus::rules
