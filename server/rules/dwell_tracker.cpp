#include "rules/dwell_tracker.hpp"

#include <algorithm>
#include <cmath>

namespace campus::rules {

void dwell_tracker::on_reading(const tracker_context& ctx, const core::reading& r) {
  if (!r.is_number() || std::isnan(r.number())) return;
  auto it = tags_.find(r.subject);
  if (it == tags_.end()) it = tags_.emplace(r.subject, tag_state{}).first;
  it->second.distance = r.number();
  it->second.last_seen = ctx.now;
  it->second.unconfirmed = false;
  evaluate(ctx, it->first, it->second);
}

void dwell_tracker::adopt(const tracker_context& ctx, alert_book::handle h) {
  const alert& a = ctx.book.get(h);
  tag_state& s = tags_[a.subject];
  const auto* number = std::get_if<double>(&a.value);
  s.distance = number ? *number : ctx.rule.distance_m;
  s.last_seen = ctx.now;
  s.near_since = a.raised_at;
  s.alert = h;
}

void dwell_tracker::save(const pending_save_context& ctx) const {
  const auto after = save_after(ctx.rule.dwell);
  for (const auto& [tag, s] : tags_) {
    if (s.alert || !s.near_since || ctx.now - *s.near_since < after) continue;
    if (!std::isfinite(s.distance)) continue;
    ctx.out.begin(tag);
    ctx.out.number(s.distance);
    ctx.out.time(s.last_seen);
    ctx.out.time(*s.near_since);
    ctx.out.end();
  }
}

pending_outcome dwell_tracker::load(const pending_load_context& ctx, std::string_view subject,
                                    const pending_fields& f) {
  const auto distance = f.number(0);
  const auto seen = f.time(1);
  const auto near = f.time(2);
  if (f.size() != 3 || !distance || !seen || !near) return pending_outcome::malformed;
  const auto found = tags_.find(std::string(subject));
  if (found != tags_.end() && found->second.alert) return pending_outcome::superseded;
  if (*distance > ctx.rule.distance_m) return pending_outcome::outdated;  // the distance moved
  tag_state taken;
  taken.distance = *distance;
  taken.last_seen = *seen;
  taken.near_since = *near;
  taken.unconfirmed = !ctx.exact;
  if (found != tags_.end()) {
    found->second = taken;
  } else {
    tags_.emplace(std::string(subject), taken);
  }
  return pending_outcome::taken;
}

void dwell_tracker::on_tick(const tracker_context& ctx) {
  const auto lost_after = std::max(ctx.rule.dwell, min_lost_after);
  for (auto it = tags_.begin(); it != tags_.end();) {
    tag_state& s = it->second;
    if (ctx.now - s.last_seen >= lost_after) {
      if (s.alert) ctx.book.clear(s.alert, ctx.now, ctx.out);
      it = tags_.erase(it);  // forgotten, so passing tags do not pile up
      continue;
    }
    evaluate(ctx, it->first, s);
    ++it;
  }
}

void dwell_tracker::evaluate(const tracker_context& ctx, const std::string& tag, tag_state& s) {
  const bool near = ctx.in_window && s.distance <= ctx.rule.distance_m;
  if (!near) {
    s.near_since.reset();
    if (!s.alert) return;
    // Away must last clear_after (a window edge clears at once): a tag at the edge of the
    // distance, read a little nearer and farther in turn, keeps one alert.
    if (ctx.in_window) {
      if (!s.far_since) s.far_since = ctx.now;
      if (ctx.now - *s.far_since < ctx.rule.clear_after) return;
    }
    ctx.book.clear(s.alert, ctx.now, ctx.out);
    s.alert = 0;
    s.far_since.reset();
    return;
  }
  s.far_since.reset();  // back near within clear_after: the pending clear is cancelled
  if (!s.near_since) s.near_since = ctx.now;
  if (s.alert || s.unconfirmed || ctx.now - *s.near_since < ctx.rule.dwell) return;
  s.alert = ctx.book.raise({ctx.rule, ctx.device, tag, ctx.rule.metric, ctx.rule.severity,
                            s.distance, ctx.rule.distance_m},
                           ctx.now, ctx.out);
}

}  // namespace campus::rules
