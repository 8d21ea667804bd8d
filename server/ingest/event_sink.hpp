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
  // A reading the pipeline made itself, not from a message (a device judged silent is
  // recorded as status=offline): no message holds it.
  virtual void on_derived_reading(const core::reading& r) { on_reading(r); }
  virtual void on_alert(const rules::alert_event& e) = 0;
};

}  // namespace campus::ingest
