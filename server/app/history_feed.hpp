// Feeds every accepted reading to the history store. A sink of the ingest pipeline: called on
// the ingest strand, it only queues (history_store::append never blocks on I/O).
//
// While history is read back from the crash journal (app/ingest_throttle.hpp), the readings of
// a journaled message are left out: the journal holds the message, and its readings reach the
// store when the reader comes to it. Readings the pipeline makes itself (a device judged
// silent) are in no message and always go to the store.
#pragma once

#include "history/history_store.hpp"
#include "ingest/event_sink.hpp"

namespace campus::app {

class history_feed final : public ingest::event_sink {
 public:
  explicit history_feed(history::history_store& store) : store_(store) {}

  // Set around the handling of one message: true when the journal holds it for history.
  void set_held(bool held) { held_ = held; }

  void on_reading(const core::reading& r) override {
    if (!held_) store_.append({&r, 1});
  }
  void on_derived_reading(const core::reading& r) override { store_.append({&r, 1}); }
  void on_alert(const rules::alert_event&) override {}

 private:
  history::history_store& store_;
  bool held_ = false;
};

}  // namespace campus::app
