#include "sim/backfill_writer.hpp"

#include <thread>

namespace campus::sim {

backfill_writer::backfill_writer(history::history_store& store,
                                 std::function<std::int64_t()> backlog, settings s)
    : store_(store), backlog_(std::move(backlog)), settings_(s) {}

void backfill_writer::wait_for_backlog() const {
  if (!backlog_) return;
  // The store's own thread drains the queue; polling is enough, this is a batch program.
  while (backlog_() > settings_.max_backlog) {
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
}

backfill_summary backfill_writer::run(
    backfill_generator& gen, const std::function<void(const backfill_progress&)>& progress,
    const std::function<void(const std::vector<core::reading>&)>& observe) {
  using steady = std::chrono::steady_clock;
  const auto started = steady::now();
  auto next_report = started + settings_.progress_every;
  const auto& span = gen.settings();
  const double span_ms = static_cast<double>((span.to - span.from).count());

  backfill_summary summary;
  auto report = [&] {
    if (!progress) return;
    backfill_progress p;
    p.position = gen.position();
    p.fraction = static_cast<double>((p.position - span.from).count()) / span_ms;
    p.readings = summary.readings;
    p.wall = steady::now() - started;
    progress(p);
  };

  std::vector<core::reading> chunk;
  chunk.reserve(settings_.chunk + 64);
  while (gen.next(chunk, settings_.chunk) > 0) {
    if (observe) observe(chunk);
    store_.append(chunk);
    summary.readings += chunk.size();
    chunk.clear();
    wait_for_backlog();
    if (steady::now() >= next_report) {
      report();
      next_report += settings_.progress_every;
    }
  }
  store_.close();
  summary.samples = gen.samples();
  summary.wall = steady::now() - started;
  report();
  return summary;
}

}  // namespace campus::sim
