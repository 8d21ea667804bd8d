// Where the ingest pipeline announces what happened. The WebSocket hub is one sink; tests
// use their own. Called on the ingest strand; implementations must not block.
#pragma once

#include "core/reading.hpp"
#include "rules/alert.hpp"

namespace campus::ingest {

class event_sink {
 public:
  virtual ~event_sink() = default;
  virtual void on_reading(const core::reading& r) = 0;
  virtual void on_alert(const rules::alert_event& e) = 0;
};

}  // namespace campus::ingest
