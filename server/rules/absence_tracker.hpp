// An absence rule bound to one device: raised when the device is silent for `period` or its
// status stream says "offline"; cleared by the next reading that is not status=offline.
#pragma once

#include "core/reading.hpp"
#include "rules/pending_state.hpp"
#include "rules/tracker_context.hpp"

namespace campus::rules {

class absence_tracker {
 public:
  // `start`: when the engine started; a device never heard from is silent since then.
  explicit absence_tracker(core::time_point start) : last_seen_(start) {}

  void on_reading(const tracker_context& ctx, const core::reading& r);
  void on_tick(const tracker_context& ctx);
  // Takes up the active alert `h` (restored after a restart): the next sign of life clears it.
  void adopt(const tracker_context& ctx, alert_book::handle h);

  // Pending state (rule_engine::save_pending), when no alert is active: the last sign of life
  // once the device has been silent for save_after(period), and an "offline" it reported
  // outside the rule's windows (raised when they open) whatever its age.
  void save(const pending_save_context& ctx) const;
  pending_outcome load(const pending_load_context& ctx, std::string_view subject,
                       const pending_fields& f);

  // The values an absence alert carries: the device said so, or it fell silent.
  static constexpr const char* offline_value = "offline";
  static constexpr const char* silent_value = "no_data";

 private:
  void raise(const tracker_context& ctx, const char* why);

  core::time_point last_seen_;   // the last reading other than status=offline
  bool reported_offline_ = false;
  alert_book::handle alert_ = 0;
};

}  // namespace campus::rules
