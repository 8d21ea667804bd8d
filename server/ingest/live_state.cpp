#include "ingest/live_state.hpp"

namespace campus::ingest {

live_state::live_state(const config::district& d) : district_(d) {
  devices_.reserve(d.devices.size());
  for (const auto& dev : d.devices) {
    device_snapshot s;
    s.id = dev.id;
    s.site = dev.site;
    s.zone = dev.zone;
    s.family = dev.family;
    s.name = dev.name;
    s.name_en = dev.name_en;
    index_.emplace(dev.id, devices_.size());
    devices_.push_back(std::move(s));
  }
}

void live_state::apply(const core::reading& r, core::time_point at) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(r.device);
  if (it == index_.end()) return;
  device_snapshot& d = devices_[it->second];
  d.last_seen = at;
  if (r.metric == "status" && !r.is_number()) {
    d.status = r.state() == "offline" ? "offline" : "online";
  } else {
    d.status = "online";
  }
  // The common case, a metric without subject already held, is updated in place: nothing is
  // allocated.
  std::string keyed;  // "metric/subject", made only when there is a subject
  if (!r.subject.empty()) keyed = r.metric + "/" + r.subject;
  const std::string& key = r.subject.empty() ? r.metric : keyed;
  auto found = d.values.find(std::string_view(key));
  if (found == d.values.end())
    found = d.values.emplace(key, last_value{r.metric, r.subject, {}, {}, {}}).first;
  last_value& v = found->second;
  v.value = r.value;
  if (v.unit != r.unit) v.unit = r.unit;
  v.ts = r.ts;
}

void live_state::apply(const rules::alert_event& e) {
  std::lock_guard lock(mutex_);
  if (e.current.cond == rules::condition::active)
    active_.insert_or_assign(e.current.id, e.current);
  else
    active_.erase(e.current.id);
}

void live_state::mark_offline(std::string_view device) {
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(device); it != index_.end()) devices_[it->second].status = "offline";
}

std::vector<device_snapshot> live_state::devices(std::string_view site) const {
  std::lock_guard lock(mutex_);
  if (site.empty()) return devices_;
  std::vector<device_snapshot> out;
  for (const auto& d : devices_)
    if (d.site == site) out.push_back(d);
  return out;
}

std::vector<device_snapshot> live_state::devices_of(
    const std::function<bool(std::string_view site)>& visible) const {
  std::lock_guard lock(mutex_);
  std::vector<device_snapshot> out;
  for (const auto& d : devices_)
    if (visible(d.site)) out.push_back(d);
  return out;
}

std::optional<device_snapshot> live_state::device(std::string_view id) const {
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(id); it != index_.end()) return devices_[it->second];
  return std::nullopt;
}

std::vector<device_presence> live_state::presence() const {
  std::vector<device_presence> out;
  std::lock_guard lock(mutex_);
  out.reserve(devices_.size());
  for (const auto& d : devices_) {
    const auto status = d.status == "online"    ? device_status::online
                         : d.status == "offline" ? device_status::offline
                                                 : device_status::unknown;
    out.push_back(device_presence{status, d.last_seen, false});
  }
  for (const auto& [id, a] : active_) {
    if (auto it = index_.find(a.device); it != index_.end()) out[it->second].alerting = true;
  }
  return out;
}

std::vector<rules::alert> live_state::active_alerts() const {
  std::lock_guard lock(mutex_);
  std::vector<rules::alert> out;
  out.reserve(active_.size());
  for (const auto& [id, a] : active_) out.push_back(a);
  return out;
}

}  // namespace campus::ingest
