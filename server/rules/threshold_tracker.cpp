#include "rules/threshold_tracker.hpp"

namespace campus::rules {

namespace {

std::size_t slot(core::severity s) { return static_cast<std::size_t>(s) - 1; }

// The most severe level of colour `s` (levels are ordered least to most severe).
std::optional<std::size_t> level_of(const rule_def& rule, core::severity s) {
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < rule.levels.size() && i < threshold_state::max_levels; ++i)
    if (rule.levels[i].severity == s) found = i;
  return found;
}

}  // namespace

void threshold_tracker::on_reading(const tracker_context& ctx, const core::reading& r) {
  if (subject_state* held = subjects_.find(r.subject)) {
    if (!held->levels.feed(ctx.rule, r.value)) return;
    held->unconfirmed = false;
    return evaluate(ctx, r.subject, *held);
  }
  subject_state fresh;
  if (!fresh.levels.feed(ctx.rule, r.value)) return;  // a value this rule cannot compare
  auto& added = subjects_.add(r.subject, std::move(fresh));
  evaluate(ctx, added.first, added.second);
}

void threshold_tracker::adopt(const tracker_context& ctx, alert_book::handle h) {
  const alert& a = ctx.book.get(h);
  subject_state* s = subjects_.find(a.subject);
  if (!s) s = &subjects_.add(a.subject, subject_state{}).second;
  s->levels.feed(ctx.rule, a.value);
  s->holding_since = a.raised_at;
  s->alert = h;
  s->held = a.severity;  // as far as anyone knows, it held until now
  s->last_held = {};
  s->last_held[slot(a.severity)] = ctx.now;
}

void threshold_tracker::save(const pending_save_context& ctx) const {
  if (ctx.rule.for_duration <= core::duration::zero()) return;  // nothing ever waits
  const auto after = save_after(ctx.rule.for_duration);
  for (const auto& [subject, s] : subjects_) {
    if (s.alert || !s.holding_since || ctx.now - *s.holding_since < after) continue;
    ctx.out.begin(subject);
    ctx.out.bits(s.levels.holding_bits());
    ctx.out.value(s.levels.last());  // fed, so a finite number or a state
    ctx.out.time(*s.holding_since);
    ctx.out.end();
  }
}

pending_outcome threshold_tracker::load(const pending_load_context& ctx, std::string_view subject,
                                        const pending_fields& f) {
  const auto bits = f.bits(0);
  const auto value = f.value(1);
  const auto since = f.time(2);
  if (f.size() != 3 || !bits || !value || !since) return pending_outcome::malformed;
  subject_state* s = subjects_.find(subject);
  if (s && s->alert) return pending_outcome::superseded;
  subject_state taken;
  // A level that no longer holds for the saved value (its threshold moved) waits for nothing.
  if (!taken.levels.take_up(ctx.rule, *bits, *value) || !taken.levels.strongest(ctx.rule))
    return pending_outcome::outdated;
  taken.holding_since = *since;
  taken.unconfirmed = !ctx.exact;
  if (s) {
    *s = std::move(taken);
  } else {
    subjects_.add(std::string(subject), std::move(taken));
  }
  return pending_outcome::taken;
}

void threshold_tracker::on_tick(const tracker_context& ctx) {
  // Without windows or a `for` wait only readings and the end of a `clear_after` wait change
  // anything; most rules skip the walk, and a rule with only `clear_after` looks at its
  // active alerts alone.
  const bool all = !ctx.rule.windows.empty() || ctx.rule.for_duration > core::duration::zero();
  if (!all && ctx.rule.clear_after <= core::duration::zero()) return;
  for (auto& [subject, s] : subjects_)
    if (all || s.alert) evaluate(ctx, subject, s);
}

void threshold_tracker::clear(const tracker_context& ctx, subject_state& s) {
  ctx.book.clear(s.alert, ctx.now, ctx.out);
  s.alert = 0;
  s.held.reset();
  s.last_held = {};
}

void threshold_tracker::evaluate(const tracker_context& ctx, const std::string& subject,
                                 subject_state& s) {
  // Outside the rule's windows nothing holds: an active alert clears at the window edge.
  if (!ctx.in_window) {
    s.holding_since.reset();
    if (s.alert) clear(ctx, s);
    return;
  }
  const auto strongest = s.levels.strongest(ctx.rule);
  if (!strongest) s.holding_since.reset();  // a dip restarts the `for` wait
  if (s.alert) {
    // What held since the last evaluation held until now (only readings change it).
    if (s.held) s.last_held[slot(*s.held)] = ctx.now;
    s.held = strongest ? std::optional(ctx.rule.levels[*strongest].severity) : std::nullopt;
    if (s.held) s.last_held[slot(*s.held)] = ctx.now;
    // The most severe colour that held within the last clear_after (now included).
    std::optional<core::severity> shown;
    for (std::size_t i = s.last_held.size(); i-- > 0;) {
      if (s.last_held[i] && ctx.now - *s.last_held[i] < ctx.rule.clear_after) {
        shown = static_cast<core::severity>(i + 1);
        break;
      }
    }
    if (s.held && (!shown || *s.held > *shown)) shown = s.held;
    if (!shown) return clear(ctx, s);
    if (ctx.book.get(s.alert).severity == *shown) return;
    // A colour still shown but no longer holding reports its own level's threshold.
    const auto lv = *shown == s.held ? strongest : level_of(ctx.rule, *shown);
    const auto threshold = lv ? s.levels.reported_threshold(ctx.rule, *lv) : std::nullopt;
    ctx.book.update(s.alert, *shown, s.levels.last(), threshold, ctx.now, ctx.out);
    return;
  }
  if (!strongest) return;
  if (!s.holding_since) s.holding_since = ctx.now;
  if (ctx.now - *s.holding_since < ctx.rule.for_duration || s.unconfirmed) return;
  const level& lv = ctx.rule.levels[*strongest];
  s.alert = ctx.book.raise({ctx.rule, ctx.device, subject, ctx.rule.metric, lv.severity,
                            s.levels.last(), s.levels.reported_threshold(ctx.rule, *strongest)},
                           ctx.now, ctx.out);
  s.held = lv.severity;
  s.last_held = {};
  s.last_held[slot(lv.severity)] = ctx.now;
}

}  // namespace campus::rules
