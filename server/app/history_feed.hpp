// Feeds every accepted reading to the history store. A sink of the ingest pipeline: called on
// the ingest strand, it only queues (history_store::append never blocks on I/O).
#pragma once

#include "history/history_store.hpp"
#include "ingest/event_sink.hpp"

namespace campus::app {

class history_feed final : public ingest::event_sink {
 public:
  explicit history_feed(history::history_store& store) : store_(store) {}
  void on_reading(const core::reading& r) override { store_.append({&r, 1}); }
  void on_alert(const rules::alert_event&) override {}

 private:
  history::history_store& store_;
};

}  // namespace campus::app
