// The SMS side of escalation: renders an alert's text, applies the per-phone rate limit, hands
// the message to the configured gateway and reports each final outcome.
//
// Used only on the incident desk's strand. The gateway answers on its own thread; the outbox
// posts each answer back to the strand before calling anyone, so the desk's state is touched
// from one strand only. Lifetimes: destroy the gateway before the outbox (its answers use the
// outbox on the gateway's thread), and the io_context after both (a late answer is posted
// there, and dropped unrun once the loop has stopped).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "notify/sms/sms_gateway.hpp"
#include "notify/sms/sms_rate_limiter.hpp"
#include "notify/sms/sms_template.hpp"

namespace campus::incident {

class sms_outbox {
 public:
  // Called once per message handed to the gateway, with its final outcome (sent or failed)
  // and the text that was sent; on the strand.
  using outcome_handler =
      std::function<void(const notify::sms::delivery_result& result, const std::string& text)>;

  // `gateway`, `clock` and `metrics` must outlive the outbox. Metrics:
  // campus_sms_total{gateway,status} with status queued|sent|failed|grouped, and
  // campus_sms_summaries_total.
  sms_outbox(boost::asio::any_io_executor strand, notify::sms::sms_gateway& gateway,
             notify::sms::sms_template_options template_options,
             notify::sms::sms_language language, notify::sms::rate_limit_policy limit,
             const core::clock& clock, core::metrics& metrics);

  enum class verdict { sent, grouped };

  // One alert message for `phone`. `key` identifies the alert for the limiter (first red per
  // key always goes). `grouped`: held back, it will be counted in a summary; `done` is not
  // called for it.
  verdict send_alert(const std::string& phone, const std::string& key,
                     const notify::sms::alert_facts& facts, outcome_handler done);

  // A message that is not about an alert (a bureau notice), with its own text. It goes at
  // once, past the alert limit (as a first red does), but takes a slot in the phone's window,
  // so the alerts after it are limited as usual. `key` must be unique per message and phone
  // (e.g. "N-000003"); `done` is called once with the final outcome.
  void send_text(const std::string& phone, const std::string& key, std::string text,
                 outcome_handler done);

  // Sends the summaries the limiter lets go now (one per phone with waiting alerts), in
  // `time_zone`. Call it on every tick.
  void send_summaries(std::string_view time_zone);

  std::string_view gateway_name() const { return gateway_.name(); }

  // The dashboard's address for the links in alert texts and summaries
  // (notify/sms/dashboard_link.hpp): known only once the server is bound, so set after
  // construction. Call before the loop runs, or on the strand.
  void set_dashboard(std::string dashboard);

 private:
  void hand_over(std::string phone, std::string text, std::string_view key,
                 outcome_handler done);
  core::metrics::counter& status_counter(std::string_view status);

  boost::asio::any_io_executor strand_;
  notify::sms::sms_gateway& gateway_;
  notify::sms::sms_template_options template_options_;
  notify::sms::sms_template template_;
  notify::sms::sms_language language_;
  notify::sms::sms_rate_limiter limiter_;
  const core::clock& clock_;
  core::metrics& metrics_;
  core::metrics::counter& summaries_;
  std::uint64_t sequence_ = 0;
};

}  // namespace campus::incident
