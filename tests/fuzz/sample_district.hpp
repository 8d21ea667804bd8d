// The sample district (config/district.yaml), loaded once per fuzz process: the devices,
// adapters and rules the targets run against are the ones a real deployment starts with.
#pragma once

#include "config/district.hpp"

namespace campus::fuzz {

// Aborts when the sample does not load: a broken sample is a build problem, not a finding.
const config::district& sample_district();

}  // namespace campus::fuzz
