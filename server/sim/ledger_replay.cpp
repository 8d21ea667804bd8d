#include "sim/ledger_replay.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "ingest/pipeline.hpp"

namespace campus::sim {
namespace {

using namespace std::chrono_literals;
using alerts::handling;
using alerts::transition_kind;

// Who writes the `backfill` note: not a person, and not the engine's `system`.
constexpr std::string_view backfill_actor = "campus-sim";
constexpr std::string_view backfill_note = "backfill";

bool serious(core::severity s) { return s >= core::severity::orange; }

bool has(const std::vector<alerts::ledger_transition>& ts, transition_kind k) {
  return std::any_of(ts.begin(), ts.end(), [k](const auto& t) { return t.what == k; });
}

std::string period_text(core::duration d) {
  if (d % 60'000ms == 0ms) return fmt::format("{}m", d / 60'000ms);
  return fmt::format("{}s", d / 1000ms);
}

}  // namespace

std::vector<rules::rule_def> ledger_replay::replayed_rules(
    const std::vector<rules::rule_def>& rules, core::duration step,
    std::vector<std::string>* left_out) {
  std::vector<rules::rule_def> out;
  for (const auto& r : rules) {
    // A device sampled every `step` is silent for `step` between samples; an absence rule
    // shorter than two steps would call that an outage.
    if (step > 1min && r.kind == rules::rule_kind::absence && r.period < 2 * step) {
      if (left_out) left_out->push_back(fmt::format("{} (period {})", r.id, period_text(r.period)));
      continue;
    }
    out.push_back(r);
  }
  return out;
}

ledger_replay::ledger_replay(const config::district& district, const notify::duty::roster* roster,
                             ledger_replay_settings settings)
    : district_(district),
      settings_(std::move(settings)),
      people_(district, roster, settings_.seed),
      engine_clock_(settings_.from),
      ledger_clock_(settings_.from) {}

ledger_replay::~ledger_replay() {
  if (ledger_) ledger_->stop();
}

std::expected<std::unique_ptr<ledger_replay>, std::string> ledger_replay::open(
    const std::string& path, const config::district& district,
    const std::vector<std::string>& devices, const notify::duty::roster* roster,
    ledger_replay_settings settings) {
  std::unique_ptr<ledger_replay> r(new ledger_replay(district, roster, std::move(settings)));
  auto ledger = alerts::alert_ledger::open(path, r->ledger_clock_, r->metrics_,
                                           [&district](const rules::alert& a) {
                                             const auto* d = district.find_device(a.device);
                                             return d ? d->family : std::string{};
                                           });
  if (!ledger)
    return std::unexpected(fmt::format("the ledger {}: {}", path, ledger.error().message));
  r->ledger_ = std::move(*ledger);
  r->clerk_ = std::make_unique<ledger_clerk>(*r->ledger_, r->ledger_clock_);

  alerts::ledger_filter any;
  any.limit = 1;
  auto page = r->clerk_->list(any);
  if (!page) return std::unexpected(fmt::format("the ledger {}: {}", path, page.error().message));
  if (page->total > 0) {
    return std::unexpected(fmt::format(
        "the ledger {} already holds {} entries: a backfill is never mixed into a live ledger "
        "(use a fresh --data-dir, move ledger.db away, or --no-ledger for history only)",
        path, page->total));
  }

  // The server's own device profiles, for the simulated devices only: a device the backfill
  // does not simulate would look silent to the absence rules.
  const std::set<std::string> simulated(devices.begin(), devices.end());
  std::vector<rules::device_profile> profiles;
  for (auto& p : ingest::device_profiles(district)) {
    if (simulated.contains(p.id)) profiles.push_back(std::move(p));
  }
  try {
    r->engine_ = std::make_unique<rules::rule_engine>(
        replayed_rules(district.rules, r->settings_.step, &r->left_out_), std::move(profiles),
        r->engine_clock_);
  } catch (const std::exception& e) {
    return std::unexpected(fmt::format("the rules: {}", e.what()));
  }
  r->next_tick_ = r->following_tick(r->settings_.from);

  if (r->settings_.hazards) {
    r->hazards_ = plan_backfill_hazards(district, r->settings_.site, r->settings_.from,
                                        r->settings_.to, r->people_);
    for (std::size_t i = 0; i < r->hazards_.size(); ++i) {
      r->plan(r->hazards_[i].at, act::register_hazard, 0, i);
    }
  }
  return r;
}

core::time_point ledger_replay::following_tick(core::time_point t) const {
  // The next step boundary or whole minute after t, whichever comes first.
  const auto since = t.time_since_epoch();
  const core::time_point step_edge{(since / settings_.step + 1) * settings_.step};
  const core::time_point minute_edge{(since / core::duration{60'000} + 1) * core::duration{60'000}};
  return std::min(step_edge, minute_edge);
}

void ledger_replay::feed(const std::vector<core::reading>& readings) {
  for (const auto& r : readings) {
    advance_to(r.ts);
    engine_clock_.set(std::max(engine_clock_.now(), r.ts));
    record(engine_->on_reading(r), engine_clock_.now());
  }
}

void ledger_replay::advance_to(core::time_point t) {
  for (;;) {
    const auto action_at =
        actions_.empty() ? core::time_point::max() : actions_.begin()->first.first;
    if (next_tick_ <= t && next_tick_ <= action_at) {
      const auto at = next_tick_;
      next_tick_ = following_tick(at);
      engine_clock_.set(at);
      record(engine_->on_tick(), at);
    } else if (action_at <= t) {
      const auto node = actions_.extract(actions_.begin());
      run(action_at, node.mapped().what, node.mapped().id, node.mapped().hazard);
    } else {
      return;
    }
  }
}

void ledger_replay::record(const std::vector<rules::alert_event>& events, core::time_point at) {
  for (const auto& e : events) {
    ++summary_.alert_events;
    auto result = clerk_->apply(at, e);
    // A clear for an alert the ledger never opened (none here, but the server tolerates it).
    if (!result && result.error().what == alerts::ledger_error::code::not_found) continue;
    if (accepted(result, at)) committed(*result, at);
  }
}

bool ledger_replay::accepted(const ledger_clerk::change& result, core::time_point at) {
  if (result) return true;
  ++summary_.refused;
  summary_.last_refusal =
      fmt::format("at {} ms: {}", core::to_epoch_ms(at), result.error().message);
  return false;
}

void ledger_replay::plan(core::time_point at, act what, std::int64_t id, std::size_t hazard) {
  actions_.emplace(std::pair{at, planned_count_++}, planned{what, id, hazard});
}

core::duration ledger_replay::draw(tracked& t, core::duration lo, core::duration hi) {
  return people_.between(static_cast<std::uint64_t>(t.entry.id), t.draws++, lo, hi);
}

std::string ledger_replay::zone_type(const alerts::ledger_entry& e) const {
  const auto* s = district_.find_site(e.site);
  const auto* z = s ? s->find_zone(e.zone) : nullptr;
  return z ? z->type : std::string{};
}

void ledger_replay::committed(const alerts::ledger_change& change, core::time_point at) {
  tracked& t = entries_[change.entry.id];
  t.entry = change.entry;
  const bool created = has(change.transitions, transition_kind::raised) ||
                       has(change.transitions, transition_kind::registered);
  if (created) {
    if (t.entry.kind == alerts::entry_kind::sensor) {
      ++summary_.sensor_entries;
      // One in ten, spread evenly and shifted by the seed.
      t.left_open = (sensor_seen_ + settings_.seed) % 10 == 9;
      ++sensor_seen_;
    } else {
      ++summary_.manual_entries;
    }
    auto noted =
        clerk_->add_note(at, t.entry.id, std::string(backfill_actor), std::string(backfill_note));
    if (accepted(noted, at)) t.entry = noted->entry;
  }
  react(t, change.transitions, at);
}

void ledger_replay::react(tracked& t, const std::vector<alerts::ledger_transition>& transitions,
                          core::time_point at) {
  const auto& e = t.entry;
  if (!e.is_open()) return;
  const bool manual = e.kind == alerts::entry_kind::manual;
  if (e.state == handling::new_ && !t.ack_pending) {
    core::duration delay = draw(t, 1min, 15min);
    if (manual) {
      delay = draw(t, 5min, 60min);
    } else if (t.first_ack && (sensor_seen_ + settings_.seed / 6) % 6 == 0) {
      delay = draw(t, 20min, 90min);  // one in six: late enough for the next escalation step
    }
    t.first_ack = false;
    t.ack_pending = true;
    t.ack_at = at + delay;
    plan(*t.ack_at, act::acknowledge, e.id);
  }
  if (serious(e.max_severity) && !t.report_planned) {
    t.report_planned = true;
    const bool late = (serious_seen_++ + settings_.seed / 5) % 5 == 0;
    auto when = at + (late ? draw(t, 60min, 120min) : draw(t, 10min, 50min));
    if (t.ack_at && when <= *t.ack_at) when = *t.ack_at + draw(t, 1min, 5min);
    plan(when, act::report, e.id);
  }
  if (!manual && !t.left_open && has(transitions, transition_kind::cleared)) {
    plan(people_.by_day(e.site, at + draw(t, 1h, 48h)), act::rectify, e.id);
  }
}

void ledger_replay::run(core::time_point at, act what, std::int64_t id, std::size_t hazard) {
  if (what == act::register_hazard) {
    auto spec = hazards_[hazard].spec;
    spec.reported_by = people_.verifier(spec.site, at, {});
    auto result = clerk_->register_hazard(at, std::move(spec));
    if (!accepted(result, at)) return;
    ++summary_.actions;
    tracked& t = entries_[result->entry.id];
    t.hazard = hazard;
    committed(*result, at);
    if (const auto& h = hazards_[hazard]; h.rectify_at)
      plan(*h.rectify_at, act::rectify, t.entry.id);
    return;
  }
  auto found = entries_.find(id);
  if (found == entries_.end()) return;
  tracked& t = found->second;
  const alerts::ledger_entry& e = t.entry;
  const auto key = static_cast<std::uint64_t>(e.id) * 16 + t.draws;
  ledger_clerk::change result;
  switch (what) {
    case act::acknowledge:
      t.ack_pending = false;
      if (e.state != handling::new_ || !e.is_open()) return;
      result = clerk_->acknowledge(at, e.id, people_.duty_leader(e.site, at),
                                   people_.acknowledgement_note(key));
      break;
    case act::report:
      if (t.reported) return;
      result = clerk_->report(at, e.id, people_.duty_leader(e.site, at),
                              people_.report_note(e.max_severity, key));
      if (result) t.reported = true;
      break;
    case act::rectify:
      // A sensor entry whose condition came back: its next clear plans the rectification again.
      if (e.cond == rules::condition::active && e.kind == alerts::entry_kind::sensor) return;
      if (e.state != handling::acknowledged && e.state != handling::new_) return;
      if (e.state == handling::new_) {  // a rise reopened it: rectify after the acknowledgement
        plan(at + 30min, act::rectify, e.id);
        return;
      }
      result = clerk_->rectify(at, e.id, t.hazard ? e.responsible : people_.duty_leader(e.site, at),
                               people_.rectification_note(t.hazard ? "" : e.rule, key));
      if (result) {
        const auto after = t.hazard ? hazards_[*t.hazard].close_after : draw(t, 1h, 24h);
        plan(people_.by_day(e.site, at + after), act::close, e.id);
      }
      break;
    case act::close:
      if (e.state != handling::rectified || e.cond == rules::condition::active) return;
      result = clerk_->close(at, e.id, people_.verifier(e.site, at, e.rectified_by),
                             people_.verification_note(key));
      break;
    case act::assign:
      if (!e.is_open() || t.assigned) return;
      // Whole days on, so the deadline falls in the working day like the assignment.
      result = clerk_->assign(at, e.id, people_.verifier(e.site, at, {}),
                              people_.responsible(e.site, zone_type(e)),
                              at + std::chrono::floor<std::chrono::days>(draw(t, 24h, 240h)));
      if (result) t.assigned = true;
      break;
    case act::register_hazard:
      return;
  }
  if (!accepted(result, at)) return;
  ++summary_.actions;
  t.entry = result->entry;
  if (what == act::acknowledge && t.left_open && !t.assigned) {
    plan(people_.by_day(e.site, at + draw(t, 5min, 60min)), act::assign, e.id);
  }
  react(t, result->transitions, at);
}

ledger_replay_summary ledger_replay::finish() {
  const auto end = settings_.to;
  advance_to(end - core::duration{1});
  actions_.clear();  // what people would do after the end has not happened yet

  for (auto& [id, t] : entries_) {
    const auto& e = t.entry;
    if (e.is_open() && e.state == handling::new_) {
      auto result =
          clerk_->acknowledge(end, id, people_.duty_leader(e.site, end),
                              people_.acknowledgement_note(static_cast<std::uint64_t>(id)));
      if (accepted(result, end)) {
        t.entry = result->entry;
        ++summary_.end_acknowledged;
      }
    }
    if (serious(t.entry.max_severity) && !t.reported) {
      auto result = clerk_->report(
          end, id, people_.duty_leader(e.site, end),
          "补报：" + people_.report_note(t.entry.max_severity, static_cast<std::uint64_t>(id)));
      if (accepted(result, end)) {
        t.reported = true;
        ++summary_.end_reported;
      }
    }
  }

  alerts::ledger_filter open;
  open.open_only = true;
  open.limit = 1;
  if (auto page = clerk_->list(open)) summary_.open_entries = page->total;
  if (auto late = clerk_->overdue()) summary_.overdue_entries = late->size();
  summary_.clock_clamped = clerk_->clamped();
  ledger_->stop();
  return summary_;
}

}  // namespace campus::sim
