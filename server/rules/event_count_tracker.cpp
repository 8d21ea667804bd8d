#include "rules/event_count_tracker.hpp"

#include <algorithm>
#include <string>

namespace campus::rules {

void event_count_tracker::forget_before(core::time_point now, core::duration window) {
  // An event exactly `window` old still counts: 3 events at 0, 5 and 10 min are 3 in 10 min.
  const auto kept = std::find_if(arrivals_.begin(), arrivals_.end(),
                                 [&](core::time_point t) { return now - t <= window; });
  arrivals_.erase(arrivals_.begin(), kept);
}

void event_count_tracker::on_reading(const tracker_context& ctx, const core::reading& r) {
  if (!ctx.in_window || (ctx.replay_of_saved && taken_up_)) return;
  arrivals_.push_back(ctx.now);
  forget_before(ctx.now, ctx.rule.window);
  const auto count = static_cast<double>(arrivals_.size());
  if (alert_) {
    ctx.book.update(alert_, ctx.rule.severity, count, ctx.book.get(alert_).threshold, ctx.now,
                    ctx.out);
    return;
  }
  const int needed = std::max(1, ctx.rule.count);
  if (arrivals_.size() < static_cast<std::size_t>(needed)) return;
  static const std::string device_wide;
  alert_ = ctx.book.raise({ctx.rule, ctx.device, device_wide, r.metric,
                           ctx.rule.severity, count, static_cast<double>(needed)},
                          ctx.now, ctx.out);
}

void event_count_tracker::adopt(const tracker_context& ctx, alert_book::handle h) {
  arrivals_.assign(1, ctx.book.get(h).updated_at);
  alert_ = h;
}

void event_count_tracker::save(const pending_save_context& ctx) const {
  if (alert_ || arrivals_.empty()) return;
  ctx.out.begin({});
  ctx.out.begin_list();
  for (const auto t : arrivals_) ctx.out.time(t);
  ctx.out.end_list();
  ctx.out.end();
}

pending_outcome event_count_tracker::load(const pending_load_context&, std::string_view subject,
                                          const pending_fields& f) {
  auto times = f.times(0);
  if (f.size() != 1 || !times || !subject.empty()) return pending_outcome::malformed;
  if (alert_) return pending_outcome::superseded;
  arrivals_ = std::move(*times);  // those older than the window go at the next tick
  taken_up_ = true;
  return pending_outcome::taken;
}

void event_count_tracker::on_tick(const tracker_context& ctx) {
  if (!alert_) {
    forget_before(ctx.now, ctx.rule.window);  // bounds memory of a device that went quiet
    return;
  }
  const auto quiet = ctx.rule.quiet > core::duration::zero() ? ctx.rule.quiet : ctx.rule.window;
  const bool quiet_now = arrivals_.empty() || ctx.now - arrivals_.back() >= quiet;
  if (ctx.in_window && !quiet_now) return;
  ctx.book.clear(alert_, ctx.now, ctx.out);
  alert_ = 0;
  arrivals_.clear();
}

}  // namespace campus::rules
