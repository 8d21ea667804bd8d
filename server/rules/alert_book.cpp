#include "rules/alert_book.hpp"

#include <fmt/format.h>

#include "rules/rule_engine.hpp"

namespace campus::rules {

alert_book::handle alert_book::raise(const raise_args& a, core::time_point now,
                                     std::vector<alert_event>& out) {
  const handle h = next_++;
  alert al;
  al.id = a.subject.empty() ? fmt::format("{}/{}#{}", a.rule.id, a.device.id, h)
                            : fmt::format("{}/{}/{}#{}", a.rule.id, a.device.id, a.subject, h);
  al.site = a.device.site;
  al.zone = a.device.zone;
  al.device = a.device.id;
  al.rule = a.rule.id;
  al.rule_name = a.rule.name;
  al.rule_name_en = a.rule.name_en;
  al.metric = a.metric;
  al.subject = a.subject;
  al.severity = a.severity;
  al.cond = condition::active;
  al.value = a.value;
  al.threshold = a.threshold;
  al.raised_at = now;
  al.updated_at = now;
  out.push_back({alert_event::kind::raised, al});
  active_.emplace(h, std::move(al));
  return h;
}

alert_book::handle alert_book::adopt(alert a) {
  const handle h = next_++;
  a.id = a.subject.empty() ? fmt::format("{}/{}#{}", a.rule, a.device, h)
                           : fmt::format("{}/{}/{}#{}", a.rule, a.device, a.subject, h);
  a.cond = condition::active;
  a.cleared_at.reset();
  active_.emplace(h, std::move(a));
  return h;
}

void alert_book::update(handle h, core::severity s, core::reading_value value,
                        std::optional<double> threshold, core::time_point now,
                        std::vector<alert_event>& out) {
  alert& al = active_.at(h);
  al.severity = s;
  al.value = std::move(value);
  al.threshold = threshold;
  al.updated_at = now;
  out.push_back({alert_event::kind::updated, al});
}

void alert_book::clear(handle h, core::time_point now, std::vector<alert_event>& out) {
  auto node = active_.extract(h);
  alert& al = node.mapped();
  al.cond = condition::cleared;
  al.cleared_at = now;
  al.updated_at = now;
  out.push_back({alert_event::kind::cleared, std::move(al)});
}

std::vector<alert> alert_book::active() const {
  std::vector<alert> all;
  all.reserve(active_.size());
  for (const auto& [h, al] : active_) all.push_back(al);
  return all;
}

}  // namespace campus::rules
