// Name → factory for device families. Registration is explicit (see all.cpp) because static
// registration objects in static libraries are dropped by the linker.
#pragma once

#include <functional>
#include <map>

#include "adapters/adapter.hpp"

namespace campus::adapters {

// Builds the adapter of one device from its `options`, or says precisely which option is
// wrong ("options.fields.lel.path: must be a non-empty string").
using factory = std::function<std::expected<std::unique_ptr<adapter>, std::string>(
    const boost::json::object& options)>;

class registry {
 public:
  void add(std::string family, factory f);
  bool contains(std::string_view family) const;
  std::expected<std::unique_ptr<adapter>, std::string> make(
      std::string_view family, const boost::json::object& options) const;
  std::vector<std::string> families() const;

 private:
  std::map<std::string, factory, std::less<>> factories_;
};

// A registry holding every family this build knows (all.cpp).
const registry& builtin_registry();
void register_all(registry&);

}  // namespace campus::adapters
