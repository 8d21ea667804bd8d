#include "rules/absence_tracker.hpp"

#include <string>

namespace campus::rules {

namespace {

bool says_offline(const core::reading& r) {
  return r.metric == "status" && !r.is_number() && r.state() == "offline";
}

}  // namespace

void absence_tracker::on_reading(const tracker_context& ctx, const core::reading& r) {
  if (says_offline(r)) {
    reported_offline_ = true;
    if (!alert_ && ctx.in_window) raise(ctx, offline_value);
    return;
  }
  last_seen_ = ctx.now;
  reported_offline_ = false;
  if (alert_) {
    ctx.book.clear(alert_, ctx.now, ctx.out);
    alert_ = 0;
  }
}

void absence_tracker::adopt(const tracker_context& ctx, alert_book::handle h) {
  const alert& a = ctx.book.get(h);
  const auto* said = std::get_if<std::string>(&a.value);
  reported_offline_ = said && *said == offline_value;
  alert_ = h;
}

void absence_tracker::save(const pending_save_context& ctx) const {
  if (alert_) return;
  const bool silent_a_while = ctx.rule.period > core::duration::zero() &&
                              ctx.now - last_seen_ >= save_after(ctx.rule.period);
  if (!silent_a_while && !reported_offline_) return;
  ctx.out.begin({});
  ctx.out.time(last_seen_);
  ctx.out.flag(reported_offline_);
  ctx.out.end();
}

pending_outcome absence_tracker::load(const pending_load_context&, std::string_view subject,
                                      const pending_fields& f) {
  const auto seen = f.time(0);
  const auto offline = f.flag(1);
  if (f.size() != 2 || !seen || !offline || !subject.empty()) return pending_outcome::malformed;
  if (alert_) return pending_outcome::superseded;
  last_seen_ = *seen;
  reported_offline_ = *offline;
  return pending_outcome::taken;
}

void absence_tracker::on_tick(const tracker_context& ctx) {
  if (alert_) {
    if (!ctx.in_window) {
      ctx.book.clear(alert_, ctx.now, ctx.out);
      alert_ = 0;
    }
    return;
  }
  if (!ctx.in_window) return;
  if (reported_offline_) {
    raise(ctx, offline_value);  // reported while outside the windows, still true now
  } else if (ctx.rule.period > core::duration::zero() &&
             ctx.now - last_seen_ >= ctx.rule.period) {
    raise(ctx, silent_value);
  }
}

void absence_tracker::raise(const tracker_context& ctx, const char* why) {
  static const std::string no_subject;
  alert_ = ctx.book.raise({ctx.rule, ctx.device, no_subject, ctx.rule.metric, ctx.rule.severity,
                           std::string{why}, std::nullopt},
                          ctx.now, ctx.out);
}

}  // namespace campus::rules
