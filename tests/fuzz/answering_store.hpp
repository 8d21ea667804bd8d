// A history store that keeps nothing and answers every query at once with a short series made
// from the query itself, so that the HTTP target reaches /api/history's parsing and formatting
// without a database.
#pragma once

#include "history/history_store.hpp"

namespace campus::fuzz {

class answering_store final : public history::history_store {
 public:
  void append(std::span<const core::reading>) override {}
  void when_durable(std::function<void()> done) override { done(); }  // keeps nothing
  void query(history::series_query q, history::query_handler done) override;
  // No reading kept, so no activity: an empty answer, at once.
  void activity(history::activity_query, history::activity_handler done) override {
    done(std::vector<history::device_activity>{});
  }
  void close() override {}
};

}  // namespace campus::fuzz
