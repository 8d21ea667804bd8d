#include "incident/sms_outbox.hpp"

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "core/log.hpp"

namespace campus::incident {

namespace sms = notify::sms;

sms_outbox::sms_outbox(boost::asio::any_io_executor strand, sms::sms_gateway& gateway,
                       sms::sms_template_options template_options, sms::sms_language language,
                       sms::rate_limit_policy limit, const core::clock& clock,
                       core::metrics& metrics)
    : strand_(std::move(strand)),
      gateway_(gateway),
      template_options_(std::move(template_options)),
      template_(template_options_),
      language_(language),
      limiter_(limit, clock),
      clock_(clock),
      metrics_(metrics),
      summaries_(metrics.get("campus_sms_summaries_total")) {
  metrics.describe("campus_sms_total", "counter",
                   "Alert text messages by gateway and status (queued, sent, failed, grouped "
                   "= held back by the per-phone rate limit for a summary).");
  metrics.describe("campus_sms_summaries_total", "counter",
                   "Summary messages sent for alerts the rate limit held back.");
}

core::metrics::counter& sms_outbox::status_counter(std::string_view status) {
  return metrics_.get("campus_sms_total",
                      fmt::format("gateway=\"{}\",status=\"{}\"", gateway_.name(), status));
}

void sms_outbox::set_dashboard(std::string dashboard) {
  template_options_.dashboard = std::move(dashboard);
  template_ = sms::sms_template(template_options_);
}

sms_outbox::verdict sms_outbox::send_alert(const std::string& phone, const std::string& key,
                                           const sms::alert_facts& facts, outcome_handler done) {
  if (limiter_.offer(phone, key, facts.severity) == sms::sms_rate_limiter::verdict::grouped) {
    status_counter("grouped").inc();
    return verdict::grouped;
  }
  hand_over(phone, template_.render(facts, language_), key, std::move(done));
  return verdict::sent;
}

void sms_outbox::send_text(const std::string& phone, const std::string& key, std::string text,
                           outcome_handler done) {
  // A red offer for a key never seen is always `send_red`: it only records the slot.
  (void)limiter_.offer(phone, key, core::severity::red);
  hand_over(phone, std::move(text), key, std::move(done));
}

void sms_outbox::send_summaries(std::string_view time_zone) {
  for (const auto& group : limiter_.take_due()) {
    summaries_.inc();
    hand_over(group.phone, template_.render_summary(group, time_zone, language_), "summary",
              [phone = group.phone](const sms::delivery_result& r, const std::string&) {
                if (r.status == sms::delivery_status::failed) {
                  core::log(core::log_level::error, "summary SMS to {} failed: {}", phone,
                            r.reason);
                }
              });
  }
}

void sms_outbox::hand_over(std::string phone, std::string text, std::string_view key,
                           outcome_handler done) {
  // Unique across restarts as well: smstools keeps file names, and a name seen in sent/ from a
  // previous run must never be taken for this message's outcome.
  std::string id = fmt::format("{}-{}-{}", key, core::to_epoch_ms(clock_.now()), ++sequence_);
  sms::sms_message message{std::move(id), std::move(phone), text};
  gateway_.send(std::move(message),
                [this, text = std::move(text), done = std::move(done)](
                    const sms::delivery_result& result) {
                  // On the gateway's thread: count, then carry the outcome to the strand.
                  status_counter(sms::to_string(result.status)).inc();
                  if (result.status == sms::delivery_status::queued) return;
                  boost::asio::post(strand_, [result, text, done] { done(result, text); });
                });
}

}  // namespace campus::incident
