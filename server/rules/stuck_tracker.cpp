#include "rules/stuck_tracker.hpp"

#include <cmath>

namespace campus::rules {

void stuck_tracker::on_reading(const tracker_context& ctx, const core::reading& r) {
  if (!r.is_number() || std::isnan(r.number())) return;
  const double v = r.number();
  subject_state* held = subjects_.find(r.subject);
  if (!held) {
    subjects_.add(r.subject, subject_state{v, ctx.now, 0});
    return;
  }
  subject_state& s = *held;
  if (v != s.value) {
    s.value = v;
    s.since = ctx.now;
    if (s.alert) {
      ctx.book.clear(s.alert, ctx.now, ctx.out);
      s.alert = 0;
    }
    return;
  }
  // The period counts regardless of time windows: a frozen sensor is frozen all day.
  if (s.alert || !ctx.in_window || ctx.now - s.since < ctx.rule.period) return;
  s.alert = ctx.book.raise({ctx.rule, ctx.device, r.subject, ctx.rule.metric, ctx.rule.severity,
                            v, std::nullopt},
                           ctx.now, ctx.out);
}

void stuck_tracker::adopt(const tracker_context& ctx, alert_book::handle h) {
  const alert& a = ctx.book.get(h);
  const auto* number = std::get_if<double>(&a.value);
  const double v = number ? *number : 0.0;
  if (subject_state* s = subjects_.find(a.subject)) {
    *s = subject_state{v, a.raised_at, h};
  } else {
    subjects_.add(a.subject, subject_state{v, a.raised_at, h});
  }
}

void stuck_tracker::save(const pending_save_context& ctx) const {
  if (ctx.rule.period <= core::duration::zero()) return;
  const auto after = save_after(ctx.rule.period);
  for (const auto& [subject, s] : subjects_) {
    if (s.alert || ctx.now - s.since < after || !std::isfinite(s.value)) continue;
    ctx.out.begin(subject);
    ctx.out.number(s.value);
    ctx.out.time(s.since);
    ctx.out.end();
  }
}

pending_outcome stuck_tracker::load(const pending_load_context&, std::string_view subject,
                                    const pending_fields& f) {
  const auto value = f.number(0);
  const auto since = f.time(1);
  if (f.size() != 2 || !value || !since) return pending_outcome::malformed;
  subject_state* s = subjects_.find(subject);
  if (s && s->alert) return pending_outcome::superseded;
  if (s) {
    *s = subject_state{*value, *since, 0};
  } else {
    subjects_.add(std::string(subject), subject_state{*value, *since, 0});
  }
  return pending_outcome::taken;
}

void stuck_tracker::on_tick(const tracker_context& ctx) {
  if (ctx.in_window) return;
  for (auto& [subject, s] : subjects_) {
    if (s.alert) {
      ctx.book.clear(s.alert, ctx.now, ctx.out);
      s.alert = 0;
    }
  }
}

}  // namespace campus::rules
