#include "adapters/common/reading_batch.hpp"

namespace campus::adapters {

core::reading& reading_batch::add(std::string_view metric, std::string_view subject) {
  core::reading& r = readings_.emplace_back();
  r.site = ctx_.site;
  r.zone = ctx_.zone;
  r.device = ctx_.device;
  r.metric = metric;
  r.subject = subject;
  r.ts = ts_;
  return r;
}

void reading_batch::add_number(std::string_view metric, double value, std::string_view unit,
                               std::string_view subject) {
  core::reading& r = add(metric, subject);
  r.value = value;
  r.unit = unit;
}

void reading_batch::add_state(std::string_view metric, std::string_view state,
                              std::string_view subject) {
  core::reading& r = add(metric, subject);
  r.value = std::string(state);
}

}  // namespace campus::adapters
