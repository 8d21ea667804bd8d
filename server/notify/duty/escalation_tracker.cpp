#include "notify/duty/escalation_tracker.hpp"

#include <algorithm>

namespace campus::notify::duty {

namespace {
constexpr auto report_window = std::chrono::hours{1};

bool needs_report(core::severity s) {
  return s == core::severity::orange || s == core::severity::red;
}
}  // namespace

escalation_tracker::escalation_tracker(const roster& duty, escalation_policy policy,
                                       const core::clock& clock)
    : duty_(duty), policy_(std::move(policy)), clock_(clock) {}

escalation_tracker::entry escalation_tracker::begin(const alert_ref& alert) const {
  entry e;
  e.record.alert = alert;
  e.current = e.escalating = alert.severity;
  e.epoch_start = alert.raised_at;
  if (needs_report(alert.severity)) e.report_due = alert.raised_at + report_window;
  return e;
}

void escalation_tracker::advance(entry& e, core::time_point now, bool replay,
                                 std::vector<notification>& out) {
  const auto& steps = policy_.for_severity(e.escalating);
  while (!e.acknowledged && e.next < steps.size()) {
    const core::time_point due = e.epoch_start + steps[e.next].after;
    if (due > now) break;
    emit_step(e, due, replay ? due : now, out);
    ++e.next;
  }
}

void escalation_tracker::emit_step(entry& e, core::time_point due, core::time_point at,
                                   std::vector<notification>& out) {
  const escalation_step& step = policy_.for_severity(e.escalating)[e.next];
  const auto emit = [&](std::string role, person who, channel via) {
    notification n{e.record.alert.id, e.next, e.escalating, std::move(role), std::move(who), via,
                   at};
    e.log.push_back(n);
    out.push_back(std::move(n));
  };
  if (step.roles.empty()) {
    for (channel c : step.channels) {
      if (e.told_before.contains({std::string(), c})) continue;
      e.told_this_colour.insert({std::string(), c});
      emit({}, {}, c);
    }
    return;
  }
  // A person holding two of the step's roles hears once per channel.
  std::set<std::pair<std::string, channel>> this_step;
  for (const std::string& role : step.roles) {
    const auto people = duty_.on_duty(e.record.alert.site, role, due);
    for (channel c : step.channels) {
      if (people.empty()) emit(role, {}, c);
      for (const person& p : people) {
        const std::pair<std::string, channel> key{p.id, c};
        if (e.told_before.contains(key) || !this_step.insert(key).second) continue;
        e.told_this_colour.insert(key);
        emit(role, p, c);
      }
    }
  }
}

void escalation_tracker::change(entry& e, core::severity to, core::time_point at, bool replay,
                                std::vector<notification>& out) {
  if (to == e.current) return;
  e.record.changes.push_back({at, to});
  e.current = to;
  // A fall, or a return to a colour reached before, changes nothing: the escalation runs on
  // the most severe colour reached, on the clock that started when it was first reached.
  if (to <= e.escalating) return;
  advance(e, at, replay, out);  // what the old colour owed before the change still goes out
  e.told_before.insert(e.told_this_colour.begin(), e.told_this_colour.end());
  e.told_this_colour.clear();
  e.escalating = to;
  e.epoch_start = at;
  e.next = 0;
  e.acknowledged = false;  // a colour never reached before: it must be acknowledged again
  if (needs_report(to) && !e.report_due) e.report_due = at + report_window;
  advance(e, at, replay, out);
}

std::vector<notification> escalation_tracker::start(const alert_ref& alert) {
  std::vector<notification> out;
  if (entries_.contains(alert.id)) return out;
  entry& e = entries_.emplace(alert.id, begin(alert)).first->second;
  advance(e, clock_.now(), false, out);
  return out;
}

std::vector<notification> escalation_tracker::on_tick(core::time_point now) {
  std::vector<notification> out;
  for (auto& [id, e] : entries_) advance(e, now, false, out);
  return out;
}

bool escalation_tracker::acknowledge(std::string_view id) {
  entry* e = find(id);
  if (!e) return false;
  e->acknowledged = true;
  e->record.acknowledged.push_back(clock_.now());
  return true;
}

std::vector<notification> escalation_tracker::severity_changed(std::string_view id,
                                                               core::severity to) {
  std::vector<notification> out;
  if (entry* e = find(id)) change(*e, to, clock_.now(), false, out);
  return out;
}

bool escalation_tracker::cleared(std::string_view id) {
  entry* e = find(id);
  if (!e) return false;
  e->record.cleared_at = clock_.now();
  return true;
}

bool escalation_tracker::report_submitted(std::string_view id, std::string who,
                                          core::time_point at) {
  entry* e = find(id);
  if (!e) return false;
  e->record.report_by = std::move(who);
  e->record.report_at = at;
  return true;
}

void escalation_tracker::forget(std::string_view id) {
  if (auto it = entries_.find(id); it != entries_.end()) entries_.erase(it);
}

bool escalation_tracker::rename(std::string_view from, std::string to) {
  auto it = entries_.find(from);
  if (it == entries_.end() || entries_.contains(to)) return false;
  entry e = std::move(it->second);
  entries_.erase(it);
  e.record.alert.id = to;
  for (auto& n : e.log) n.alert_id = to;
  entries_.emplace(std::move(to), std::move(e));
  return true;
}

std::optional<next_escalation> escalation_tracker::next_step(std::string_view id) const {
  const entry* e = find(id);
  if (!e || e->acknowledged) return std::nullopt;
  const auto& steps = policy_.for_severity(e->escalating);
  if (e->next >= steps.size()) return std::nullopt;
  const escalation_step& s = steps[e->next];
  return next_escalation{e->next, e->escalating, e->epoch_start + s.after, s.roles, s.channels};
}

std::optional<escalation_record> escalation_tracker::record(std::string_view id) const {
  const entry* e = find(id);
  if (!e) return std::nullopt;
  return e->record;
}

std::vector<notification> escalation_tracker::told(std::string_view id) const {
  const entry* e = find(id);
  return e ? e->log : std::vector<notification>{};
}

std::optional<core::time_point> escalation_tracker::report_deadline(std::string_view id) const {
  const entry* e = find(id);
  return e ? e->report_due : std::nullopt;
}

std::vector<overdue_report> escalation_tracker::overdue_reports(core::time_point now) const {
  std::vector<overdue_report> out;
  for (const auto& [id, e] : entries_)
    if (e.report_due && !e.record.report_at && now > *e.report_due)
      out.push_back({id, e.record.alert.site, *e.report_due});
  return out;
}

std::vector<escalation_record> escalation_tracker::snapshot() const {
  std::vector<escalation_record> out;
  out.reserve(entries_.size());
  for (const auto& [id, e] : entries_) out.push_back(e.record);
  return out;
}

void escalation_tracker::restore(const std::vector<escalation_record>& records,
                                 core::time_point sent_until) {
  for (const escalation_record& r : records) {
    entry e = begin(r.alert);
    std::vector<notification> discarded;  // sent by the previous process
    // Replay colour changes and acknowledgements in time order; a change and an
    // acknowledgement at the same instant: the change first, as it may re-open.
    std::size_t c = 0, a = 0;
    while (c < r.changes.size() || a < r.acknowledged.size()) {
      const bool take_change =
          c < r.changes.size() &&
          (a >= r.acknowledged.size() || r.changes[c].at <= r.acknowledged[a]);
      if (take_change) {
        change(e, r.changes[c].to, r.changes[c].at, true, discarded);
        ++c;
      } else {
        advance(e, r.acknowledged[a], true, discarded);
        e.acknowledged = true;
        e.record.acknowledged.push_back(r.acknowledged[a]);
        ++a;
      }
    }
    advance(e, sent_until, true, discarded);
    e.record.cleared_at = r.cleared_at;
    e.record.report_by = r.report_by;
    e.record.report_at = r.report_at;
    entries_.insert_or_assign(r.alert.id, std::move(e));
  }
}

escalation_tracker::entry* escalation_tracker::find(std::string_view id) {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

const escalation_tracker::entry* escalation_tracker::find(std::string_view id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace campus::notify::duty
