#include "notice/notice_sender.hpp"

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "core/log.hpp"
#include "notice/notice_text.hpp"
#include "notify/duty/duty_plan.hpp"

namespace campus::notice {

notice_sender::notice_sender(notice_board& board, const notify::duty::roster* roster,
                             incident::sms_outbox* outbox,
                             boost::asio::any_io_executor outbox_strand,
                             notify::sms::sms_language language, const core::clock& clock,
                             core::metrics& metrics)
    : board_(board),
      roster_(roster),
      outbox_(outbox),
      outbox_strand_(std::move(outbox_strand)),
      language_(language),
      clock_(clock),
      metrics_(metrics) {
  metrics.describe("campus_notice_sms_total", "counter",
                   "Text messages of bureau notices by outcome (sent, failed, nobody_on_duty = "
                   "no duty leader on shift at a targeted school).");
  for (const char* status : {"sent", "failed", "nobody_on_duty"}) {
    metrics.get("campus_notice_sms_total", fmt::format("status=\"{}\"", status));
  }
}

void notice_sender::on_notice(const notice& n) {
  if (!n.sms) return;
  const auto now = clock_.now();
  const std::string text = notice_text::sms_text(n.title, n.body, language_);
  for (const auto& site : n.sites) {
    const auto people = roster_ ? roster_->on_duty(site, notify::duty::duty_leader, now)
                                : std::vector<notify::duty::person>{};
    if (people.empty()) {
      core::log(core::log_level::warn, "notice {}: nobody on duty as duty_leader at {}",
                display_id(n.id), site);
      record(n.id, {site, "", "", "nobody_on_duty", "nobody is on duty as duty_leader", now});
      continue;
    }
    for (const auto& who : people) {
      if (who.phone.empty() || !outbox_) {
        record(n.id, {site, who.id, who.name, "failed",
                      who.phone.empty() ? "no phone number on the roster"
                                        : "no SMS gateway is configured",
                      now});
        continue;
      }
      // The outbox lives on its strand; the answer comes back there, then goes to the board.
      boost::asio::post(outbox_strand_, [this, id = n.id, site, who, text] {
        outbox_->send_text(
            who.phone, fmt::format("{}-{}", display_id(id), who.id), text,
            [this, id, site, who](const notify::sms::delivery_result& r, const std::string&) {
              const bool sent = r.status == notify::sms::delivery_status::sent;
              if (!sent) {
                core::log(core::log_level::error, "notice {} SMS to {} ({}) failed: {}",
                          display_id(id), who.name, site, r.reason);
              }
              record(id, {site, who.id, who.name, sent ? "sent" : "failed", r.reason,
                          clock_.now()});
            });
      });
    }
  }
}

void notice_sender::record(std::int64_t id, notice_sms outcome) {
  metrics_.get("campus_notice_sms_total", fmt::format("status=\"{}\"", outcome.outcome)).inc();
  board_.record_sms(id, std::move(outcome), [id](notice_result<notice> r) {
    if (!r) {
      core::log(core::log_level::error, "notice {}: SMS outcome not recorded: {}",
                display_id(id), r.error().message);
    }
  });
}

}  // namespace campus::notice
