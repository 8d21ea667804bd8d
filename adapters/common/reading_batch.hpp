// The readings of one payload as they are built: site, zone, device and ts are stamped once, so
// a family only says metric, value, unit and (for beacon tags) subject.
#pragma once

#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "core/reading.hpp"

namespace campus::adapters {

class reading_batch {
 public:
  reading_batch(const context& ctx, core::time_point ts) : ctx_(ctx), ts_(ts) {}

  void add_number(std::string_view metric, double value, std::string_view unit,
                  std::string_view subject = {});
  // States carry no unit.
  void add_state(std::string_view metric, std::string_view state, std::string_view subject = {});

  bool empty() const { return readings_.empty(); }
  std::size_t size() const { return readings_.size(); }

  // The readings in the order they were added.
  std::vector<core::reading> take() && { return std::move(readings_); }

 private:
  core::reading& add(std::string_view metric, std::string_view subject);

  const context& ctx_;  // outlives the batch: both live within one adapter::parse call
  core::time_point ts_;
  std::vector<core::reading> readings_;
};

}  // namespace campus::adapters
