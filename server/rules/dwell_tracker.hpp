// A dwell rule bound to one beacon receiver: per tag (the reading's subject), raised when the
// tag stays within `distance_m` for `dwell`; cleared when it has read farther away for the
// rule's `clear_after` (a nearer reading in between cancels the clear), at a window edge, or
// when it is not seen for max(dwell, 60 s). Only time inside the rule's windows counts toward
// `dwell`.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "core/reading.hpp"
#include "rules/pending_state.hpp"
#include "rules/tracker_context.hpp"

namespace campus::rules {

class dwell_tracker {
 public:
  void on_reading(const tracker_context& ctx, const core::reading& r);
  // Raises for tags that are still near but report slowly, clears and forgets lost tags.
  void on_tick(const tracker_context& ctx);
  // Takes up the active alert `h` (restored after a restart) for its tag, as last seen now: it
  // clears when the tag moves away or is not heard for the lost time.
  void adopt(const tracker_context& ctx, alert_book::handle h);

  // Pending state (rule_engine::save_pending): each tag without an alert that has been near
  // for save_after(dwell): its distance, when it was last seen and since when it is near. As
  // for a threshold's `for`, a wait taken up from a file a crash may have left old raises
  // only after a reading of the tag (it may have walked away in the seconds the file missed).
  void save(const pending_save_context& ctx) const;
  pending_outcome load(const pending_load_context& ctx, std::string_view subject,
                       const pending_fields& f);

  static constexpr core::duration min_lost_after{std::chrono::seconds{60}};

 private:
  struct tag_state {
    double distance = 0;
    core::time_point last_seen;
    std::optional<core::time_point> near_since;
    std::optional<core::time_point> far_since;  // while the alert is active and the tag away
    alert_book::handle alert = 0;
    bool unconfirmed = false;  // taken up from a file a crash may have left old
  };

  void evaluate(const tracker_context& ctx, const std::string& tag, tag_state& s);

  std::unordered_map<std::string, tag_state> tags_;
};

}  // namespace campus::rules
