// Opens the history store the configuration asks for: SQLite in the data directory by
// default, or InfluxDB with its spool in the data directory. Used by the server and by the
// simulator's backfill.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "config/district.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "history/history_store.hpp"

namespace campus::history {

std::expected<std::unique_ptr<history_store>, std::string> open_history(
    const config::district& d, core::metrics& metrics, const core::clock& clock);

}  // namespace campus::history
