// The current picture of the district: each device's last values and status, and the active
// alerts. Written by the ingest pipeline, read by the HTTP API and WebSocket snapshots from
// other strands, hence the mutex; readers get copies.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/district.hpp"
#include "core/reading.hpp"
#include "rules/alert.hpp"

namespace campus::ingest {

// A device's last value of one metric (and subject). The device, site and zone are the
// snapshot's own: kept once per device, not once per value.
struct last_value {
  std::string metric;
  std::string subject;
  core::reading_value value;
  std::string unit;
  core::time_point ts;

  bool is_number() const { return std::holds_alternative<double>(value); }
  double number() const { return std::get<double>(value); }
  const std::string& state() const { return std::get<std::string>(value); }
};

struct device_snapshot {
  std::string id;
  std::string site;
  std::string zone;
  std::string family;
  std::string name;
  std::string name_en;
  std::string status = "unknown";               // "online", "offline" or "unknown"
  std::optional<core::time_point> last_seen;    // arrival time of its last message
  // Last reading per metric (and subject: key "metric" or "metric/subject").
  std::map<std::string, last_value, std::less<>> values;
};

// What the bureau's figures need of a device, a few bytes: copied for the whole district in one
// pass under the mutex, where device_snapshot would copy every value and name.
enum class device_status : std::uint8_t { unknown, online, offline };

struct device_presence {
  device_status status = device_status::unknown;
  std::optional<core::time_point> last_seen;  // arrival time of its last message
  bool alerting = false;                      // an active rule alert names it
};

class live_state {
 public:
  explicit live_state(const config::district& d);

  // A reading arrived at `at`. Readings of metric "status" set the status; any other reading
  // marks the device online.
  void apply(const core::reading& r, core::time_point at);
  void apply(const rules::alert_event& e);
  // The device was judged silent (no data for its absence period).
  void mark_offline(std::string_view device);

  std::vector<device_snapshot> devices(std::string_view site = {}) const;  // empty: all
  // The devices of the schools `visible` accepts (called with each device's site): only
  // those are copied, so a school's dashboard does not pay for the whole district.
  std::vector<device_snapshot> devices_of(
      const std::function<bool(std::string_view site)>& visible) const;
  std::optional<device_snapshot> device(std::string_view id) const;
  // One entry per configured device, in configuration order: entry i is district().devices[i].
  std::vector<device_presence> presence() const;
  std::vector<rules::alert> active_alerts() const;
  const config::district& district() const { return district_; }

 private:
  const config::district& district_;
  mutable std::mutex mutex_;
  std::vector<device_snapshot> devices_;               // in configuration order
  std::map<std::string, std::size_t, std::less<>> index_;
  std::map<std::string, rules::alert> active_;         // by alert id
};

}  // namespace campus::ingest
