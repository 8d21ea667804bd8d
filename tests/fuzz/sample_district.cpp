#include "sample_district.hpp"

#include <cstdio>
#include <cstdlib>

#include "config/loader.hpp"

namespace campus::fuzz {

const config::district& sample_district() {
  static const config::district d = [] {
    auto loaded = config::load_file(CAMPUS_SOURCE_DIR "/config/district.yaml");
    if (!loaded) {
      for (const auto& e : loaded.error()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
      std::abort();
    }
    return std::move(*loaded);
  }();
  return d;
}

}  // namespace campus::fuzz
