// Texts a notice to the people on duty as `duty_leader` at each targeted school when it is
// stored, through the incident desk's SMS outbox (the same gateway, the same per-phone rate
// limit and the same campus_sms_total counts as alert messages), and records each outcome on
// the notice. A school with nobody on duty, or a person without a phone, is recorded too.
//
// Threading: on_notice runs on the board's worker thread; it reads the roster (immutable) and
// posts each message to the outbox's strand, the only place the outbox is touched. Outcomes
// come back on that strand and go to the board's queue. Lifetimes: the board must be stopped
// before the sender goes; the outbox (and its strand's io_context) must outlive the sender's
// pending posts, which the application ensures by stopping the loop before either goes.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <string>

#include "config/district.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "incident/sms_outbox.hpp"
#include "notice/notice_board.hpp"
#include "notice/notice_listener.hpp"
#include "notify/duty/roster.hpp"
#include "notify/sms/sms_template.hpp"

namespace campus::notice {

class notice_sender final : public notice_listener {
 public:
  // `roster` may be null (nobody is ever on duty), and so may `outbox` (every message is
  // recorded failed: no gateway). The rest must outlive the sender. Metrics:
  // campus_notice_sms_total{status} with status sent|failed|nobody_on_duty.
  notice_sender(notice_board& board, const notify::duty::roster* roster,
                incident::sms_outbox* outbox, boost::asio::any_io_executor outbox_strand,
                notify::sms::sms_language language, const core::clock& clock,
                core::metrics& metrics);

  void on_notice(const notice& n) override;
  void on_notice_read(const notice&, const std::vector<notice_reader>&) override {}

 private:
  void record(std::int64_t id, notice_sms outcome);

  notice_board& board_;
  const notify::duty::roster* roster_;
  incident::sms_outbox* outbox_;
  boost::asio::any_io_executor outbox_strand_;
  notify::sms::sms_language language_;
  const core::clock& clock_;
  core::metrics& metrics_;
};

}  // namespace campus::notice
