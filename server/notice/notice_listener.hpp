// Who hears of a notice board's committed changes: the hub (WebSocket messages) and the SMS
// sender. Called on the board's worker thread, after the commit and before the caller's own
// callback; implementations must not throw, must not block and must not wait on the board
// (queueing a further request, such as an SMS outcome, is fine).
#pragma once

#include <vector>

#include "notice/notice.hpp"

namespace campus::notice {

class notice_listener {
 public:
  virtual ~notice_listener() = default;

  // A notice was stored (it has its id and creation time, no readers yet).
  virtual void on_notice(const notice& n) = 0;
  // `fresh` were just recorded as readers of `n` (already in n.readers); never empty.
  virtual void on_notice_read(const notice& n, const std::vector<notice_reader>& fresh) = 0;
  // An SMS outcome was recorded on `n` (already in n.sms_outcomes).
  virtual void on_notice_sms(const notice& /*n*/, const notice_sms& /*outcome*/) {}
};

}  // namespace campus::notice
