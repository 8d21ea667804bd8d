#include "sim/mute_control.hpp"

#include <fmt/format.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "sim/json_text.hpp"

namespace campus::sim {

std::string control_topic(std::string_view device_id) {
  return fmt::format("{}/{}", control_prefix, device_id);
}

std::string control_subscription() { return fmt::format("{}/#", control_prefix); }

sim_message mute_message(std::string_view device_id, core::time_point until) {
  boost::json::object p;
  p["mute_until"] = core::to_epoch_ms(until);
  return {control_topic(device_id), json_text(p), true};
}

sim_message unmute_message(std::string_view device_id) {
  return {control_topic(device_id), "", true};
}

std::expected<mute_control, std::string> parse_mute_control(std::string_view topic,
                                                            std::string_view payload) {
  if (!topic.starts_with(control_prefix) || topic.size() <= control_prefix.size() + 1 ||
      topic[control_prefix.size()] != '/') {
    return std::unexpected(fmt::format("{}: not a device control topic", topic));
  }
  mute_control c;
  c.device = std::string(topic.substr(control_prefix.size() + 1));
  if (c.device.find('/') != std::string::npos) {
    return std::unexpected(fmt::format("{}: not a device control topic", topic));
  }
  if (payload.empty()) return c;

  boost::system::error_code ec;
  const auto v = boost::json::parse(payload, ec);
  if (ec) return std::unexpected(fmt::format("{}: payload is not JSON: {}", topic, ec.message()));
  const auto* until = v.is_object() ? v.get_object().if_contains("mute_until") : nullptr;
  if (until == nullptr) {
    return std::unexpected(fmt::format("{}: expected {{\"mute_until\": <epoch ms>}}", topic));
  }
  std::int64_t ms = -1;
  if (until->is_int64()) {
    ms = until->get_int64();
  } else if (until->is_uint64() && until->get_uint64() <= INT64_MAX) {
    ms = static_cast<std::int64_t>(until->get_uint64());
  }
  if (ms < 0) {
    return std::unexpected(
        fmt::format("{}: mute_until must be epoch milliseconds, got {}", topic, json_text(*until)));
  }
  c.until = core::from_epoch_ms(ms);
  return c;
}

}  // namespace campus::sim
