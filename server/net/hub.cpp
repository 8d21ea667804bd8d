#include "net/hub.hpp"

#include <algorithm>
#include <vector>

#include "net/ledger_messages.hpp"
#include "net/messages.hpp"
#include "net/notice_messages.hpp"
#include "net/websocket_session.hpp"

namespace campus::net {

hub::hub(core::metrics& metrics) : clients_gauge_(metrics.get("campus_ws_clients")) {
  metrics.describe("campus_ws_clients", "gauge", "WebSocket clients connected.");
}

void hub::join(websocket_session& s) {
  std::lock_guard lock(mutex_);
  sessions_.insert(&s);
  clients_gauge_.set(static_cast<std::int64_t>(sessions_.size()));
}

void hub::leave(websocket_session& s) {
  std::lock_guard lock(mutex_);
  sessions_.erase(&s);
  clients_gauge_.set(static_cast<std::int64_t>(sessions_.size()));
}

std::size_t hub::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void hub::on_reading(const core::reading& r) {
  // Most readings have no taker (no client of that school is connected): nothing is built
  // for them. One key per device, metric and subject: a newer reading supersedes a queued
  // older one.
  auto targets = takers(r.site, true);
  if (targets.empty()) return;
  auto key = std::make_shared<const std::string>(r.device + '\n' + r.metric + '\n' + r.subject);
  send_all(targets, std::make_shared<const std::string>(messages::reading_message(r)), key);
}

void hub::on_alert(const rules::alert_event& e) {
  if (!engine_alerts_.load(std::memory_order_relaxed)) return;
  auto targets = takers(e.current.site);
  if (targets.empty()) return;
  send_all(targets, std::make_shared<const std::string>(messages::alert_message(e)), nullptr);
}

void hub::on_entry(const incident::entry_view& view, std::string_view event,
                   const std::vector<alerts::ledger_transition>& transitions) {
  auto targets = takers(view.entry.site);
  if (targets.empty()) return;
  send_all(targets,
           std::make_shared<const std::string>(messages::entry_message(view, event, transitions)),
           nullptr);
}

void hub::on_schools(const std::vector<bureau::school_tally>& changed) {
  for (const auto& t : changed) {
    auto targets = takers(t.site);
    if (targets.empty()) continue;
    // One newline, never two: a reading's key (device, metric, subject) has two, so the two
    // kinds of key never meet. Bounded: one key per school, so never dropped.
    send_all(targets, std::make_shared<const std::string>(messages::school_message(t)),
             std::make_shared<const std::string>("school\n" + t.site), true);
  }
}

std::vector<std::shared_ptr<websocket_session>> hub::takers(std::string_view site,
                                                            bool watching) const {
  std::vector<std::shared_ptr<websocket_session>> out;
  std::lock_guard lock(mutex_);
  if (sessions_.empty()) return out;
  out.reserve(sessions_.size());
  // A session being destroyed waits in leave(), called first thing in its destructor, so its
  // principal is still whole for may_see(); lock() then fails for it: it is skipped, never
  // revived.
  for (auto* s : sessions_) {
    if (!s->may_see(site)) continue;
    if (watching && !s->watches(site)) continue;
    if (auto alive = s->weak_from_this().lock()) out.push_back(std::move(alive));
  }
  return out;
}

void hub::send_all(const std::vector<std::shared_ptr<websocket_session>>& targets,
                   const std::shared_ptr<const std::string>& message,
                   const std::shared_ptr<const std::string>& coalesce_key, bool key_bounded) {
  for (const auto& s : targets) s->send(message, coalesce_key, key_bounded);
}

void hub::on_notice(const notice::notice& n) {
  // Every school user gets the same view of a new notice (nobody has read it yet): one
  // serialisation for them, one with the receipts for the district.
  broadcast_to_schools(std::make_shared<const std::string>(
                           messages::notice_message(n, messages::notice_audience{})),
                       n.sites);
  broadcast_to_district(std::make_shared<const std::string>(
      messages::notice_message(n, messages::notice_audience{true, {}})));
}

void hub::on_notice_read(const notice::notice& n, const std::vector<notice::notice_reader>& fresh) {
  for (const auto& r : fresh) {
    broadcast_to_district(std::make_shared<const std::string>(messages::notice_read_message(n, r)));
  }
}

void hub::on_notice_sms(const notice::notice& n, const notice::notice_sms&) {
  // The notice again, with its receipts: the district's list shows the new outcome.
  broadcast_to_district(std::make_shared<const std::string>(
      messages::notice_message(n, messages::notice_audience{true, {}})));
}

std::vector<std::shared_ptr<websocket_session>> hub::live_sessions() const {
  std::vector<std::weak_ptr<websocket_session>> targets;
  {
    std::lock_guard lock(mutex_);
    targets.reserve(sessions_.size());
    for (auto* s : sessions_) targets.push_back(s->weak_from_this());
  }
  std::vector<std::shared_ptr<websocket_session>> out;
  for (const auto& w : targets) {
    if (auto s = w.lock()) out.push_back(std::move(s));
  }
  return out;
}

void hub::broadcast_to_schools(const std::shared_ptr<const std::string>& message,
                               const std::vector<std::string>& sites) {
  for (const auto& s : live_sessions()) {
    if (s->sees_all_sites()) continue;
    if (std::any_of(sites.begin(), sites.end(), [&](const std::string& site) {
          return s->may_see(site);
        })) {
      s->send(message, nullptr);
    }
  }
}

void hub::broadcast_to_district(const std::shared_ptr<const std::string>& message) {
  for (const auto& s : live_sessions()) {
    if (s->sees_all_sites()) s->send(message, nullptr);
  }
}

void hub::close_all(boost::beast::websocket::close_reason reason) {
  std::vector<std::weak_ptr<websocket_session>> targets;
  {
    std::lock_guard lock(mutex_);
    for (auto* s : sessions_) targets.push_back(s->weak_from_this());
  }
  for (const auto& w : targets) {
    if (auto s = w.lock()) s->close(reason);
  }
}

}  // namespace campus::net
