#include "rules/threshold_tracker.hpp"

namespace campus::rules {

void threshold_tracker::on_reading(const tracker_context& ctx, const core::reading& r) {
  if (subject_state* held = subjects_.find(r.subject)) {
    if (!held->levels.feed(ctx.rule, r.value)) return;
    return evaluate(ctx, r.subject, *held);
  }
  subject_state fresh;
  if (!fresh.levels.feed(ctx.rule, r.value)) return;  // a value this rule cannot compare
  auto& added = subjects_.add(r.subject, std::move(fresh));
  evaluate(ctx, added.first, added.second);
}

void threshold_tracker::on_tick(const tracker_context& ctx) {
  // Without windows or a `for` wait only readings change anything; most rules skip the walk.
  if (ctx.rule.windows.empty() && ctx.rule.for_duration <= core::duration::zero()) return;
  for (auto& [subject, s] : subjects_) evaluate(ctx, subject, s);
}

void threshold_tracker::evaluate(const tracker_context& ctx, const std::string& subject,
                                 subject_state& s) {
  // Outside the rule's windows nothing holds: an active alert clears at the window edge.
  const auto strongest = ctx.in_window ? s.levels.strongest(ctx.rule) : std::nullopt;
  if (!strongest) {
    s.holding_since.reset();  // a dip restarts the `for` wait
    if (s.alert) {
      ctx.book.clear(s.alert, ctx.now, ctx.out);
      s.alert = 0;
    }
    return;
  }
  const level& lv = ctx.rule.levels[*strongest];
  const auto threshold = s.levels.reported_threshold(ctx.rule, *strongest);
  if (s.alert) {
    // Severity changes are reported at once; `for` only delays the first raise.
    if (ctx.book.get(s.alert).severity != lv.severity) {
      ctx.book.update(s.alert, lv.severity, s.levels.last(), threshold, ctx.now, ctx.out);
    }
    return;
  }
  if (!s.holding_since) s.holding_since = ctx.now;
  if (ctx.now - *s.holding_since < ctx.rule.for_duration) return;
  s.alert = ctx.book.raise({ctx.rule, ctx.device, subject, ctx.rule.metric, lv.severity,
                            s.levels.last(), threshold},
                           ctx.now, ctx.out);
}

}  // namespace campus::rules
