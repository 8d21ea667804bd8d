#include "history/open_history.hpp"

#include "core/log.hpp"
#include "history/influx/influx_history_store.hpp"
#include "history/sqlite/sqlite_history_store.hpp"

namespace campus::history {

std::expected<std::unique_ptr<history_store>, std::string> open_history(const config::district& d,
                                                                        core::metrics& metrics,
                                                                        const core::clock& clock) {
  using kind = config::history_settings::backend_kind;
  const backpressure marks{d.history.queue_high_water, d.history.queue_low_water};
  if (d.history.backend == kind::influxdb) {
    core::log(core::log_level::info, "history: InfluxDB {} database {} (spool {})",
              d.history.influxdb.url, d.history.influxdb.database, d.spool_path());
    try {
      return std::make_unique<influx_history_store>(d.history.influxdb, d.spool_path(), metrics,
                                                    marks);
    } catch (const std::exception& e) {  // a URL it cannot use, or a spool it cannot open
      return std::unexpected(std::string(e.what()));
    }
  }
  core::log(core::log_level::info, "history: SQLite {}", d.history_db_path());
  auto store =
      sqlite_history_store::open(d.history_db_path(), d.history.sqlite.retention, metrics, clock,
                                 marks);
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<history_store>(std::move(*store));
}

}  // namespace campus::history
