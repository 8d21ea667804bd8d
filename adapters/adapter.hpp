// The adapter interface: one device family's payload in, normalised readings out.
//
// An adapter is pure: bytes and context in, readings or a rejection out. It does no I/O, keeps
// no mutable state and is safe to call from any thread. One adapter object is made per device
// from that device's `options` (see registry.hpp), so vendor differences live in options.
#pragma once

#include <boost/json/object.hpp>

#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/reading.hpp"

namespace campus::adapters {

// Where a payload came from: filled by the ingest pipeline from the topic and the device
// registry, so adapters never parse topics.
struct context {
  std::string_view site;
  std::string_view zone;
  std::string_view device;
  std::string_view stream;  // "telemetry" or "event"
  core::time_point now;     // used when the payload carries no `ts`
};

// Why a payload was refused. `reason` is a short stable code used as a metrics label
// (e.g. "malformed_json", "missing_field", "bad_type", "not_finite", "bad_value");
// `detail` is for the log and names the field and the offending value.
struct rejection {
  std::string reason;
  std::string detail;
};

using parse_result = std::expected<std::vector<core::reading>, rejection>;

class adapter {
 public:
  virtual ~adapter() = default;
  virtual parse_result parse(std::string_view payload, const context& ctx) const = 0;
};

}  // namespace campus::adapters
