#include "core/metrics.hpp"

namespace campus::core {

metrics::counter& metrics::get(const std::string& name, const std::string& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = families_[name].series[labels];
  if (!slot) slot = std::make_unique<counter>();
  return *slot;
}

void metrics::describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard lock(mutex_);
  auto& f = families_[name];
  f.type = type;
  f.help = help;
}

std::string metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, c] : f.series) {
      out += name;
      if (!labels.empty()) out += "{" + labels + "}";
      out += " " + std::to_string(c->value()) + "\n";
    }
  }
  return out;
}

}  // namespace campus::core
