#include "adapters/registry.hpp"

#include <cassert>

namespace campus::adapters {

void registry::add(std::string family, factory f) {
  [[maybe_unused]] bool inserted = factories_.emplace(std::move(family), std::move(f)).second;
  assert(inserted && "a device family is registered twice");
}

bool registry::contains(std::string_view family) const { return factories_.contains(family); }

std::expected<std::unique_ptr<adapter>, std::string> registry::make(
    std::string_view family, const boost::json::object& options) const {
  auto it = factories_.find(family);
  if (it == factories_.end()) {
    return std::unexpected("unknown device family \"" + std::string(family) + "\"");
  }
  return it->second(options);
}

std::vector<std::string> registry::families() const {
  std::vector<std::string> out;
  for (const auto& [name, f] : factories_) out.push_back(name);
  return out;
}

const registry& builtin_registry() {
  static const registry r = [] {
    registry r;
    register_all(r);
    return r;
  }();
  return r;
}

}  // namespace campus::adapters
