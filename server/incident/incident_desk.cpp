#include "incident/incident_desk.hpp"

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include <future>

#include "core/log.hpp"
#include "alerts/ledger_lifecycle.hpp"
#include "incident/entry_history.hpp"

namespace campus::incident {

namespace duty = notify::duty;
using alerts::ledger_change;
using alerts::ledger_entry;
using alerts::ledger_result;
using alerts::transition_kind;

namespace {

constexpr auto tick_interval = std::chrono::seconds(1);
constexpr std::uint64_t overdue_check_ticks = 60;
// How long after a failure the ledger is tried again with a held alert event.
constexpr auto retry_interval = std::chrono::seconds(1);

// "A-000017" → 17, "P-000003" → -3 (provisional); the tracker knows entries by display id.
std::optional<std::int64_t> ledger_id_of(std::string_view tracker_id) {
  const bool provisional = tracker_id.starts_with("P-");
  if (!provisional && !tracker_id.starts_with("A-")) return std::nullopt;
  std::int64_t id = 0;
  for (char c : tracker_id.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return provisional ? -id : id;
}

duty::duty_plan plan_for(const config::district& d) {
  duty::duty_plan plan;
  for (const auto& s : d.sites) plan.site_time_zones.emplace(s.id, s.time_zone);
  return plan;
}

std::string role_text(std::string_view role) { return role.empty() ? "dashboard" : std::string(role); }

}  // namespace

std::optional<action> parse_action(std::string_view s) {
  if (s == "ack") return action::acknowledge;
  if (s == "rectify") return action::rectify;
  if (s == "close") return action::close;
  if (s == "report") return action::report;
  if (s == "note") return action::note;
  return std::nullopt;
}

incident_desk::incident_desk(boost::asio::io_context& io, alerts::alert_ledger& ledger,
                             const ingest::live_state& state, const duty::roster* roster,
                             duty::escalation_policy policy, const core::clock& clock,
                             core::metrics& metrics)
    : strand_(boost::asio::make_strand(io)),
      timer_(strand_),
      ledger_(ledger),
      state_(state),
      clock_(clock),
      empty_roster_(roster ? nullptr
                           : std::make_unique<duty::roster>(plan_for(state.district()))),
      tracker_(roster ? *roster : *empty_roster_, std::move(policy), clock),
      metrics_(metrics),
      reports_pending_(metrics.get("campus_alert_reports_pending")),
      reports_overdue_(metrics.get("campus_alert_reports_overdue")),
      nobody_on_duty_(metrics.get("campus_escalation_nobody_on_duty_total")),
      ledger_failures_(metrics.get("campus_incident_ledger_failures_total")) {
  metrics.describe("campus_alert_reports_pending", "gauge",
                   "Orange and red alerts whose one-hour report to the bureau is not made yet.");
  metrics.describe("campus_alert_reports_overdue", "gauge",
                   "Of those, the ones past their one-hour deadline.");
  metrics.describe("campus_escalation_notifications_total", "counter",
                   "Escalation notifications decided, by channel.");
  metrics.describe("campus_escalation_nobody_on_duty_total", "counter",
                   "Escalation steps that found nobody on duty for a role.");
  metrics.describe("campus_incident_ledger_failures_total", "counter",
                   "Alert events or actions the ledger could not record (see the log).");
}

incident_desk::~incident_desk() = default;

std::expected<std::size_t, std::string> incident_desk::restore() {
  auto open = ledger_.restore();
  if (!open) return std::unexpected(open.error().message);
  const auto now = clock_.now();
  for (auto& e : *open) {
    std::promise<ledger_result<std::vector<alerts::ledger_transition>>> answer;
    auto future = answer.get_future();
    ledger_.transitions(e.id, [&answer](auto r) { answer.set_value(std::move(r)); });
    auto ts = future.get();
    if (!ts) return std::unexpected(ts.error().message);
    tracker_.restore({record_of(e, *ts)}, sent_until_of(e, *ts));
    open_.insert_or_assign(e.id, std::move(e));
  }
  // The loop is not running yet: nothing else touches the state.
  std::lock_guard lock(board_mutex_);
  for (const auto& [id, e] : open_) board_.insert_or_assign(id, make_view(e));
  refresh_report_gauges(now);
  return open_.size();
}

void incident_desk::start() {
  boost::asio::post(strand_, [this] { schedule_tick(); });
}

void incident_desk::tick_now() {
  boost::asio::post(strand_, [this] { tick(); });
}

void incident_desk::stop() {
  boost::asio::post(strand_, [this] { timer_.cancel(); });
}

incident_desk::change_callback incident_desk::on_strand(
    std::function<void(ledger_result<ledger_change>)> then) {
  // Runs on the ledger's thread: only carry the answer over.
  return [this, then = std::move(then)](ledger_result<ledger_change> r) {
    boost::asio::post(strand_, [then, r = std::move(r)]() mutable { then(std::move(r)); });
  };
}

void incident_desk::on_alert(const rules::alert_event& e) {
  std::uint64_t number = 0;
  {
    std::lock_guard lock(handed_mutex_);
    number = ++handed_;
    unsettled_.insert(number);
  }
  if (holding_.load()) {
    // Earlier events wait for the ledger: this one queues behind them, in order.
    boost::asio::post(strand_, [this, number, e] {
      hold(number, e, "queued behind alert events the ledger has not recorded yet");
    });
    return;
  }
  ledger_.apply(e, on_strand([this, e, number](ledger_result<ledger_change> r) {
    if (!held_.empty()) {
      // An earlier event is held: this answer may be out of order (a clear the ledger could
      // not match because the raise it clears is held), so it waits its turn.
      if (r) {
        committed(std::move(*r));
        event_settled(number);
      } else {
        hold(number, e, r.error().message);
      }
      return;
    }
    if (r) {
      committed(std::move(*r));
      event_settled(number);
      return;
    }
    if (r.error().what == alerts::ledger_error::code::not_found) {
      // A clear for an alert raised before the ledger knew it (an engine that outlived it).
      core::log(core::log_level::debug, "ledger: {} for {}", r.error().message, e.current.id);
      event_settled(number);
      return;
    }
    hold(number, e, r.error().message);
  }));
}

const ledger_entry* incident_desk::open_entry_for(const rules::alert& a) const {
  for (const auto& [id, e] : open_) {
    if (e.kind == alerts::entry_kind::sensor && e.rule == a.rule && e.device == a.device &&
        e.subject == a.subject) {
      return &e;
    }
  }
  return nullptr;
}

void incident_desk::hold(std::uint64_t number, const rules::alert_event& e,
                         const std::string& why) {
  ledger_failures_.inc();
  held_.push_back({number, e});
  holding_.store(true);
  last_failure_ = clock_.now();
  core::log(core::log_level::error,
            "the ledger could not record alert {} ({} {} {} at {}): {}; announced and texted "
            "now, recorded when the ledger can write",
            e.current.id, rules::to_string(e.what), e.current.rule,
            core::to_string(e.current.severity), e.current.device, why);
  report_held(why);
  announce_unrecorded(number, e);
}

void incident_desk::report_held(const std::string& why) {
  if (!readiness_) return;
  readiness_->report("ledger", fmt::format("the alert ledger cannot record: {}; {} alert "
                                           "event(s) announced and texted but not yet recorded, "
                                           "retried every second",
                                           why, held_.size()));
}

void incident_desk::announce_unrecorded(std::uint64_t number, const rules::alert_event& e) {
  // What the ledger would have made of it: the open entry changed, or a new provisional one.
  ledger_entry shadow;
  alerts::lifecycle::transitions ts;
  if (const ledger_entry* open = open_entry_for(e.current)) {
    shadow = *open;
    switch (e.what) {
      case rules::alert_event::kind::raised: ts = alerts::lifecycle::refire(shadow, e.current); break;
      case rules::alert_event::kind::updated: ts = alerts::lifecycle::update(shadow, e.current); break;
      case rules::alert_event::kind::cleared: ts = alerts::lifecycle::clear(shadow, e.current); break;
    }
  } else if (e.what == rules::alert_event::kind::cleared) {
    return;  // nothing on the board to clear
  } else {
    const auto* device = state_.district().find_device(e.current.device);
    shadow = alerts::lifecycle::open_sensor_entry(e.current, device ? device->family : "");
    shadow.id = -static_cast<std::int64_t>(number);
    ts = alerts::lifecycle::raised(shadow);
  }
  std::vector<duty::notification> due;
  for (const auto& t : ts) follow(shadow, t, due);
  if (shadow.is_open()) open_.insert_or_assign(shadow.id, shadow);
  dispatch(shadow, due);
  publish(make_view(shadow),
          ts.empty() ? std::string_view("updated") : alerts::to_string(ts.back().what), ts);
}

void incident_desk::retry_held() {
  // A second after the last failure at the soonest: a failing disk is not hammered.
  if (held_.empty() || retrying_ || clock_.now() - last_failure_ < retry_interval) return;
  retrying_ = true;
  const held_event h = held_.front();
  ledger_.apply(h.event, on_strand([this, h](ledger_result<ledger_change> r) {
    retrying_ = false;
    if (!r && r.error().what != alerts::ledger_error::code::not_found) {
      last_failure_ = clock_.now();
      report_held(r.error().message);
      return;  // the next tick tries again
    }
    held_.pop_front();
    if (r) recorded_held(h, std::move(*r));
    event_settled(h.number);
    if (held_.empty()) {
      holding_.store(false);
      core::log(core::log_level::info, "the alert ledger records again: every held alert "
                "event is recorded");
      if (readiness_) readiness_->clear("ledger");
      return;
    }
    retry_held();  // the next at once: the ledger writes again
  }));
}

void incident_desk::recorded_held(const held_event& h, ledger_change change) {
  const auto provisional = -static_cast<std::int64_t>(h.number);
  const auto found = open_.find(provisional);
  if (found == open_.end()) {
    committed(std::move(change));
    return;
  }
  // The provisional entry becomes the recorded one: the escalation it has had carries over
  // (so no step is sent twice), and what was sent for it is written to the entry.
  tracker_.rename(tracker_id(found->second), tracker_id(change.entry));
  open_.erase(found);
  {
    std::lock_guard lock(board_mutex_);
    board_.erase(provisional);
  }
  const auto id = change.entry.id;
  recorded_as_[provisional] = id;
  committed(std::move(change), {}, provisional);
  if (auto notes = provisional_notes_.extract(provisional)) {
    for (auto& n : notes.mapped()) {
      record_notification(id, std::move(n.role), std::move(n.target), std::move(n.outcome));
    }
  }
}

void incident_desk::when_recorded(std::function<void()> done) {
  std::uint64_t through = 0;
  {
    std::lock_guard lock(handed_mutex_);
    through = handed_;
  }
  boost::asio::post(strand_, [this, through, done = std::move(done)]() mutable {
    waiters_.push_back({through, std::move(done)});
    wake_waiters();
  });
}

void incident_desk::event_settled(std::uint64_t number) {
  {
    std::lock_guard lock(handed_mutex_);
    unsettled_.erase(number);
  }
  wake_waiters();
}

void incident_desk::wake_waiters() {
  if (waiters_.empty()) return;
  std::uint64_t first_unsettled = 0;
  {
    std::lock_guard lock(handed_mutex_);
    first_unsettled = unsettled_.empty() ? handed_ + 1 : *unsettled_.begin();
  }
  std::vector<std::function<void()>> ready;
  std::erase_if(waiters_, [&](recorded_waiter& w) {
    if (w.through >= first_unsettled) return false;
    ready.push_back(std::move(w.done));
    return true;
  });
  for (auto& done : ready) done();
}

void incident_desk::act(action what, std::int64_t id, std::string who, std::string note,
                        callback<entry_view> done) {
  auto answer = on_strand([this, done = std::move(done)](ledger_result<ledger_change> r) {
    if (!r) return done(std::unexpected(r.error()));
    done(committed(std::move(*r)));
  });
  switch (what) {
    case action::acknowledge:
      return ledger_.acknowledge(id, std::move(who), std::move(note), std::move(answer));
    case action::rectify:
      return ledger_.rectify(id, std::move(who), std::move(note), std::move(answer));
    case action::close:
      return ledger_.close(id, std::move(who), std::move(note), std::move(answer));
    case action::report:
      return ledger_.report(id, std::move(who), std::move(note), std::move(answer));
    case action::note:
      return ledger_.add_note(id, std::move(who), std::move(note), std::move(answer));
  }
}

void incident_desk::assign(std::int64_t id, std::string who, std::string responsible,
                           std::optional<core::time_point> deadline, callback<entry_view> done) {
  ledger_.assign(id, std::move(who), std::move(responsible), deadline,
                 on_strand([this, done = std::move(done)](ledger_result<ledger_change> r) {
                   if (!r) return done(std::unexpected(r.error()));
                   done(committed(std::move(*r)));
                 }));
}

void incident_desk::register_hazard(alerts::hazard_spec spec, callback<entry_view> done) {
  ledger_.register_hazard(
      std::move(spec), on_strand([this, done = std::move(done)](ledger_result<ledger_change> r) {
        if (!r) return done(std::unexpected(r.error()));
        done(committed(std::move(*r)));
      }));
}

void incident_desk::list(alerts::ledger_filter filter, callback<view_page> done) {
  ledger_.list(std::move(filter), [this, done = std::move(done)](
                                      ledger_result<alerts::ledger_page> r) {
    boost::asio::post(strand_, [this, done, r = std::move(r)]() mutable {
      if (!r) return done(std::unexpected(r.error()));
      view_page page;
      page.total = r->total;
      page.entries.reserve(r->entries.size());
      for (const auto& e : r->entries) page.entries.push_back(make_view(e));
      done(std::move(page));
    });
  });
}

void incident_desk::detail(std::int64_t id, callback<entry_detail> done) {
  ledger_.get(id, [this, id, done = std::move(done)](ledger_result<ledger_entry> entry) mutable {
    if (!entry) return boost::asio::post(strand_, [done, e = entry.error()] {
      done(std::unexpected(e));
    });
    // Still on the ledger's thread: queueing another request does not wait for it.
    ledger_.transitions(id, [this, done = std::move(done), e = std::move(*entry)](
                                ledger_result<std::vector<alerts::ledger_transition>> ts) mutable {
      boost::asio::post(strand_, [this, done, e = std::move(e), ts = std::move(ts)]() mutable {
        if (!ts) return done(std::unexpected(ts.error()));
        entry_detail d{make_view(e), std::move(*ts)};
        // Entries the tracker no longer follows (closed) still show their report deadline.
        if (!d.view.report) d.view.report = report_of(record_of(e, d.transitions), clock_.now());
        done(std::move(d));
      });
    });
  });
}

void incident_desk::entry(std::int64_t id, callback<entry_view> done) {
  ledger_.get(id, [this, done = std::move(done)](ledger_result<ledger_entry> found) {
    boost::asio::post(strand_, [this, done, found = std::move(found)] {
      if (!found) return done(std::unexpected(found.error()));
      done(make_view(*found));
    });
  });
}

std::vector<entry_view> incident_desk::open_entries() const {
  std::lock_guard lock(board_mutex_);
  std::vector<entry_view> out;
  out.reserve(board_.size());
  for (const auto& [id, v] : board_) out.push_back(v);
  return out;
}

std::vector<rules::alert> incident_desk::active_conditions() const {
  std::lock_guard lock(board_mutex_);
  std::vector<rules::alert> out;
  for (const auto& [id, v] : board_) {
    const auto& e = v.entry;
    if (e.kind != alerts::entry_kind::sensor || e.cond != rules::condition::active) continue;
    rules::alert a;
    a.id = e.alert_ids.empty() ? std::string{} : e.alert_ids.back();
    a.site = e.site;
    a.zone = e.zone;
    a.device = e.device;
    a.rule = e.rule;
    a.rule_name = e.rule_name;
    a.rule_name_en = e.rule_name_en;
    a.metric = e.metric;
    a.subject = e.subject;
    a.severity = e.severity;
    a.value = e.value;
    a.threshold = e.threshold;
    a.raised_at = e.raised_at;
    a.updated_at = e.updated_at;
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<entry_brief> incident_desk::open_briefs() const {
  std::lock_guard lock(board_mutex_);
  std::vector<entry_brief> out;
  out.reserve(board_.size());
  for (const auto& [id, v] : board_) {
    const auto& e = v.entry;
    out.push_back(entry_brief{e.id, e.site, e.severity, e.cond, e.state, e.updated_at, e.deadline,
                              v.report ? std::optional(v.report->deadline) : std::nullopt,
                              v.report && v.report->reported_at.has_value()});
  }
  return out;
}

entry_view incident_desk::committed(ledger_change change, std::string_view event,
                                    std::optional<std::int64_t> replaces) {
  const ledger_entry& e = change.entry;
  std::vector<duty::notification> due;
  for (const auto& t : change.transitions) follow(e, t, due);
  if (e.is_open()) {
    open_.insert_or_assign(e.id, e);
  } else {
    open_.erase(e.id);
  }
  dispatch(e, due);
  entry_view view = make_view(e);
  view.replaces = replaces;
  if (event.empty()) {
    event = change.transitions.empty() ? std::string_view("updated")
                                       : alerts::to_string(change.transitions.back().what);
  }
  publish(view, event, change.transitions);
  return view;
}

void incident_desk::follow(const ledger_entry& e, const alerts::ledger_transition& t,
                           std::vector<duty::notification>& due) {
  const std::string id = tracker_id(e);
  auto append = [&due](std::vector<duty::notification> more) {
    due.insert(due.end(), std::make_move_iterator(more.begin()),
               std::make_move_iterator(more.end()));
  };
  switch (t.what) {
    case transition_kind::raised:
    case transition_kind::registered:
      append(tracker_.start({id, e.site, core::parse_severity(t.to).value_or(e.severity),
                             e.raised_at}));
      break;
    case transition_kind::severity_changed:
    case transition_kind::refired:
      if (auto s = core::parse_severity(t.to)) append(tracker_.severity_changed(id, *s));
      break;
    case transition_kind::cleared:
      tracker_.cleared(id);
      break;
    case transition_kind::acknowledged:
      tracker_.acknowledge(id);
      break;
    case transition_kind::reported:
      tracker_.report_submitted(id, t.who, t.at);
      break;
    case transition_kind::closed:
      tracker_.forget(id);
      break;
    default:
      break;
  }
}

void incident_desk::dispatch(const ledger_entry& e, const std::vector<duty::notification>& due) {
  for (const auto& n : due) {
    metrics_.get("campus_escalation_notifications_total",
                 fmt::format("channel=\"{}\"", duty::to_string(n.via)))
        .inc();
    if (n.nobody_on_duty()) {
      nobody_on_duty_.inc();
      core::log(core::log_level::warn, "{} ({} at {}): nobody on duty as {} to tell by {}",
                tracker_id(e), core::to_string(n.severity), e.site, n.role,
                duty::to_string(n.via));
      continue;
    }
    if (n.via == duty::channel::sms) send_sms(e, n);
  }
}

void incident_desk::send_sms(const ledger_entry& e, const duty::notification& n) {
  const std::string target = "sms:" + n.who.id;
  if (!outbox_) {
    record_notification(e.id, n.role, target, "failed: no SMS gateway is configured");
    return;
  }
  if (n.who.phone.empty()) {
    record_notification(e.id, n.role, target, "failed: no phone number on the roster");
    return;
  }
  const auto& d = state_.district();
  notify::sms::alert_facts facts;
  facts.ledger_id = tracker_id(e);
  if (const auto* site = d.find_site(e.site)) {
    facts.school = site->name;
    facts.school_en = site->name_en;
    facts.time_zone = site->time_zone;
    if (const auto* zone = site->find_zone(e.zone)) {
      facts.zone = zone->name;
      facts.zone_en = zone->name_en;
    }
  }
  if (const auto* device = d.find_device(e.device)) {
    facts.device = device->name;
    facts.device_en = device->name_en;
  }
  facts.what = e.kind == alerts::entry_kind::manual ? e.title : e.rule_name;
  facts.what_en = e.kind == alerts::entry_kind::manual ? e.title : e.rule_name_en;
  facts.value = e.value;
  facts.unit = unit_of(e);
  facts.threshold = e.threshold;
  facts.severity = n.severity;
  facts.cleared = e.cond == rules::condition::cleared;
  facts.unacknowledged = e.state == alerts::handling::new_;
  facts.unrecorded = e.id < 0;
  facts.at = e.updated_at;

  const auto verdict = outbox_->send_alert(
      n.who.phone, facts.ledger_id, facts,
      [this, id = e.id, role = n.role, target, name = n.who.name](
          const notify::sms::delivery_result& r, const std::string& text) {
        const bool sent = r.status == notify::sms::delivery_status::sent;
        if (!sent) {
          core::log(core::log_level::error, "SMS for {} to {} failed: {}", alerts::display_id(id),
                    target, r.reason);
        }
        record_notification(id, role, target,
                            sent ? fmt::format("sent by {} to {}: {}", outbox_->gateway_name(),
                                               name, text)
                                 : fmt::format("failed to {}: {} — {}", name, r.reason, text));
      });
  if (verdict == sms_outbox::verdict::grouped) {
    record_notification(e.id, n.role, target,
                        fmt::format("grouped: held back by the per-phone rate limit for {}; a "
                                    "summary follows",
                                    n.who.name));
  }
}

void incident_desk::record_notification(std::int64_t id, std::string role, std::string target,
                                        std::string outcome) {
  if (id < 0) {
    // A provisional entry: kept until the ledger records it (or written now if it has).
    if (auto as = recorded_as_.find(id); as != recorded_as_.end()) {
      id = as->second;
    } else {
      provisional_notes_[id].push_back({role_text(role), std::move(target), std::move(outcome)});
      return;
    }
  }
  ledger_.notified(id, role_text(role), std::move(target), std::move(outcome),
                   on_strand([this, id](ledger_result<ledger_change> r) {
                     if (r) {
                       committed(std::move(*r));
                       return;
                     }
                     ledger_failures_.inc();
                     core::log(core::log_level::error,
                               "the ledger could not record a notification for {}: {}",
                               alerts::display_id(id), r.error().message);
                   }));
}

std::string incident_desk::unit_of(const ledger_entry& e) const {
  if (e.device.empty() || e.metric.empty()) return {};
  auto device = state_.device(e.device);
  if (!device) return {};
  const auto key = e.subject.empty() ? e.metric : e.metric + "/" + e.subject;
  auto it = device->values.find(key);
  if (it == device->values.end()) it = device->values.find(e.metric);
  return it != device->values.end() ? it->second.unit : std::string{};
}

entry_view incident_desk::make_view(const ledger_entry& e) const {
  entry_view v;
  v.entry = e;
  const auto now = clock_.now();
  v.entry.overdue = e.overdue_at(now);
  v.unit = unit_of(e);
  const std::string id = tracker_id(e);
  if (auto record = tracker_.record(id)) {
    v.escalation = escalation_view{e.state != alerts::handling::new_, tracker_.told(id),
                                   tracker_.next_step(id)};
    v.report = report_of(*record, now);
  }
  return v;
}

void incident_desk::publish(const entry_view& view, std::string_view event,
                            const std::vector<alerts::ledger_transition>& transitions) {
  {
    // The board first, then the listener: see open_entries().
    std::lock_guard lock(board_mutex_);
    if (view.entry.is_open()) {
      board_.insert_or_assign(view.entry.id, view);
    } else {
      board_.erase(view.entry.id);
    }
  }
  if (listener_) listener_->on_entry(view, event, transitions);
}

void incident_desk::schedule_tick() {
  timer_.expires_after(tick_interval);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    tick();
    schedule_tick();
  });
}

void incident_desk::tick() {
  const auto now = clock_.now();
  retry_held();
  std::map<std::string, std::vector<duty::notification>> due;
  for (auto& n : tracker_.on_tick(now)) due[n.alert_id].push_back(std::move(n));
  for (const auto& [tid, ns] : due) {
    auto id = ledger_id_of(tid);
    auto it = id ? open_.find(*id) : open_.end();
    if (it == open_.end()) continue;
    dispatch(it->second, ns);
    publish(make_view(it->second), "escalated", {});
  }
  if (outbox_) {
    const auto& d = state_.district();
    outbox_->send_summaries(d.sites.empty() ? "Asia/Shanghai" : d.sites.front().time_zone);
  }
  refresh_report_gauges(now);
  if (++ticks_ % overdue_check_ticks == 0) {
    ledger_.overdue([](const ledger_result<std::vector<ledger_entry>>&) {});  // refreshes the gauge
  }
}

void incident_desk::refresh_report_gauges(core::time_point now) {
  std::int64_t pending = 0;
  for (const auto& [id, e] : open_) {
    if (auto record = tracker_.record(tracker_id(e))) {
      if (auto report = report_of(*record, now); report && !report->reported_at) ++pending;
    }
  }
  reports_pending_.set(pending);
  reports_overdue_.set(static_cast<std::int64_t>(tracker_.overdue_reports(now).size()));
}

}  // namespace campus::incident
