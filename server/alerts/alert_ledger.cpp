#include "alerts/alert_ledger.hpp"

#include <fmt/format.h>

#include <future>
#include <utility>

#include "core/log.hpp"

namespace campus::alerts {

namespace {

ledger_error stopped_error() {
  return ledger_error{ledger_error::code::stopped, "the ledger has stopped"};
}

ledger_error not_found(std::int64_t id) {
  return ledger_error{ledger_error::code::not_found, fmt::format("no entry {}", display_id(id))};
}

}  // namespace

ledger_result<std::unique_ptr<alert_ledger>> alert_ledger::open(const std::string& path,
                                                                const core::clock& clock,
                                                                core::metrics& metrics,
                                                                family_lookup family_of) {
  auto db = ledger_database::open(path);
  if (!db) return std::unexpected(db.error());
  auto open_entries = db->load_open();
  if (!open_entries) return std::unexpected(open_entries.error());
  return std::unique_ptr<alert_ledger>(new alert_ledger(std::move(*db), std::move(*open_entries),
                                                        clock, metrics, std::move(family_of)));
}

alert_ledger::alert_ledger(ledger_database db, std::vector<ledger_entry> open_entries,
                           const core::clock& clock, core::metrics& metrics,
                           family_lookup family_of)
    : clock_(clock),
      family_of_(std::move(family_of)),
      db_(std::move(db)),
      metrics_(metrics),
      overdue_gauge_(metrics.get("campus_ledger_overdue")),
      transitions_total_(metrics.get("campus_ledger_transitions_total")),
      storage_errors_(metrics.get("campus_ledger_storage_errors_total")),
      queue_depth_(metrics.get("campus_ledger_queue_depth")),
      worker_([this](std::size_t depth) { queue_depth_.set(static_cast<std::int64_t>(depth)); }) {
  // The worker runs already, but nothing reaches it before open() returns the ledger.
  metrics.describe("campus_ledger_open_entries", "gauge",
                   "Ledger entries not yet closed, by current severity.");
  metrics.describe("campus_ledger_overdue", "gauge",
                   "Open ledger entries past their deadline (as of the last change or check).");
  metrics.describe("campus_ledger_transitions_total", "counter",
                   "Transitions committed to the ledger.");
  metrics.describe("campus_ledger_refused_total", "counter",
                   "Ledger requests refused by its rules, by reason.");
  metrics.describe("campus_ledger_storage_errors_total", "counter",
                   "Ledger changes not stored because SQLite failed.");
  metrics.describe("campus_ledger_queue_depth", "gauge", "Requests waiting for the ledger.");
  for (auto s : {core::severity::blue, core::severity::yellow, core::severity::orange,
                 core::severity::red}) {
    open_gauges_[s] =
        &metrics.get("campus_ledger_open_entries", fmt::format("severity=\"{}\"", to_string(s)));
  }
  for (auto& e : open_entries) {
    if (e.kind == entry_kind::sensor) by_key_[key_of(e)] = e.id;
    const auto id = e.id;
    open_.emplace(id, std::move(e));
  }
  refresh_gauges();
}

alert_ledger::~alert_ledger() { stop(); }

void alert_ledger::stop() { worker_.stop(); }

ledger_result<std::vector<ledger_entry>> alert_ledger::restore() {
  std::promise<std::vector<ledger_entry>> answer;
  auto result = answer.get_future();
  if (!post([this, &answer] {
        std::vector<ledger_entry> out;
        const auto now = clock_.now();
        for (const auto& [id, e] : open_) {
          out.push_back(e);
          out.back().overdue = e.overdue_at(now);
        }
        answer.set_value(std::move(out));
      })) {
    return std::unexpected(stopped_error());
  }
  return result.get();
}

void alert_ledger::apply(const rules::alert_event& event, ledger_callback<ledger_change> done) {
  if (!post([this, event, done] { apply_now(event, done); }))
    done(std::unexpected(stopped_error()));
}

void alert_ledger::apply_now(const rules::alert_event& event,
                             const ledger_callback<ledger_change>& done) {
  const auto& a = event.current;
  const auto found = by_key_.find(key_of(a));
  if (found == by_key_.end()) {
    if (event.what == rules::alert_event::kind::cleared) {
      return done(std::unexpected(refused(ledger_error{
          ledger_error::code::not_found, fmt::format("no open entry for alert {}", a.id)})));
    }
    // An `updated` with no open entry (its `raised` was never seen) still opens one, so
    // nothing the engine reports is missing from the ledger.
    auto entry = lifecycle::open_sensor_entry(a, family_of_ ? family_of_(a) : std::string{});
    auto ts = lifecycle::raised(entry);
    return commit(std::move(entry), std::move(ts), done);
  }
  ledger_entry entry = open_.at(found->second);  // a copy: kept only once stored
  lifecycle::transitions ts;
  switch (event.what) {
    case rules::alert_event::kind::raised:
      ts = lifecycle::refire(entry, a);
      break;
    case rules::alert_event::kind::updated:
      ts = lifecycle::update(entry, a);
      break;
    case rules::alert_event::kind::cleared:
      ts = lifecycle::clear(entry, a);
      break;
  }
  commit(std::move(entry), std::move(ts), done);
}

void alert_ledger::register_hazard(hazard_spec spec, ledger_callback<ledger_change> done) {
  if (!post([this, spec = std::move(spec), done] {
        auto entry = lifecycle::open_manual_entry(spec, clock_.now());
        if (!entry) return done(std::unexpected(refused(entry.error())));
        auto ts = lifecycle::registered(*entry, spec.reported_by);
        commit(std::move(*entry), std::move(ts), done);
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::acknowledge(std::int64_t id, std::string who, std::string note,
                               ledger_callback<ledger_change> done) {
  if (!post([this, id, who = std::move(who), note = std::move(note), done] {
        change_now(
            id, [&](ledger_entry& e) { return lifecycle::acknowledge(e, who, note, clock_.now()); },
            done);
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::rectify(std::int64_t id, std::string who, std::string note,
                           ledger_callback<ledger_change> done) {
  if (!post([this, id, who = std::move(who), note = std::move(note), done] {
        change_now(
            id, [&](ledger_entry& e) { return lifecycle::rectify(e, who, note, clock_.now()); },
            done);
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::close(std::int64_t id, std::string who, std::string verification_note,
                         ledger_callback<ledger_change> done) {
  if (!post([this, id, who = std::move(who), note = std::move(verification_note), done] {
        change_now(
            id, [&](ledger_entry& e) { return lifecycle::close(e, who, note, clock_.now()); },
            done);
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::assign(std::int64_t id, std::string who, std::string responsible,
                          std::optional<core::time_point> deadline,
                          ledger_callback<ledger_change> done) {
  if (!post([this, id, who = std::move(who), responsible = std::move(responsible), deadline, done] {
        change_now(
            id,
            [&](ledger_entry& e) {
              return lifecycle::assign(e, who, responsible, deadline, clock_.now());
            },
            done);
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::add_note(std::int64_t id, std::string who, std::string note,
                            ledger_callback<ledger_change> done) {
  if (!post([this, id, who = std::move(who), note = std::move(note), done] {
        change_now(
            id, [&](ledger_entry& e) { return lifecycle::add_note(e, who, note, clock_.now()); },
            done);
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::report(std::int64_t id, std::string who, std::string note,
                          ledger_callback<ledger_change> done) {
  if (!post([this, id, who = std::move(who), note = std::move(note), done] {
        change_now(
            id, [&](ledger_entry& e) { return lifecycle::report(e, who, note, clock_.now()); },
            done);
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::notified(std::int64_t id, std::string role, std::string target,
                            std::string outcome, ledger_callback<ledger_change> done) {
  if (!post([this, id, role = std::move(role), target = std::move(target),
             outcome = std::move(outcome), done] {
        change_now(
            id,
            [&](ledger_entry& e) {
              return lifecycle::notified(e, role, target, outcome, clock_.now());
            },
            done);
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::change_now(std::int64_t id, const change_step& step,
                              const ledger_callback<ledger_change>& done) {
  ledger_entry entry;
  if (auto it = open_.find(id); it != open_.end()) {
    entry = it->second;  // a copy: the open view changes only once the change is stored
  } else {
    // Closed entries live only in the file; they still take notes and explain refusals.
    auto loaded = db_.load(id);
    if (!loaded) {
      storage_errors_.inc();
      return done(std::unexpected(loaded.error()));
    }
    if (!*loaded) return done(std::unexpected(refused(not_found(id))));
    entry = std::move(**loaded);
  }
  auto ts = step(entry);
  if (!ts) return done(std::unexpected(refused(ts.error())));
  commit(std::move(entry), std::move(*ts), done);
}

void alert_ledger::commit(ledger_entry entry, lifecycle::transitions ts,
                          const ledger_callback<ledger_change>& done) {
  if (auto stored = db_.store(entry, ts); !stored) {
    storage_errors_.inc();
    core::log(core::log_level::error, "{}", stored.error().message);
    return done(std::unexpected(stored.error()));
  }
  transitions_total_.inc(ts.size());
  if (entry.kind == entry_kind::sensor) {
    if (entry.is_open()) {
      by_key_[key_of(entry)] = entry.id;
    } else {
      by_key_.erase(key_of(entry));
    }
  }
  if (entry.is_open()) {
    open_[entry.id] = entry;
  } else {
    open_.erase(entry.id);
  }
  refresh_gauges();
  entry.overdue = entry.overdue_at(clock_.now());
  done(ledger_change{std::move(entry), std::move(ts)});
}

void alert_ledger::list(ledger_filter filter, ledger_callback<ledger_page> done) {
  if (filter.limit < 1 || filter.limit > ledger_filter::max_limit || filter.offset < 0) {
    // Answered on the worker like every other result, so callers see one threading rule.
    if (!post([this, limit = filter.limit, offset = filter.offset, done] {
          done(std::unexpected(refused(
              ledger_error{ledger_error::code::invalid_argument,
                           fmt::format("limit must be 1 … {} and offset ≥ 0: limit {}, offset {}",
                                       ledger_filter::max_limit, limit, offset)})));
        })) {
      done(std::unexpected(stopped_error()));
    }
    return;
  }
  if (!post([this, filter = std::move(filter), done] {
        const auto now = clock_.now();
        auto page = db_.query(filter, now);
        if (!page) {
          storage_errors_.inc();
          return done(std::unexpected(page.error()));
        }
        for (auto& e : page->entries) e.overdue = e.overdue_at(now);
        done(std::move(*page));
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::get(std::int64_t id, ledger_callback<ledger_entry> done) {
  if (!post([this, id, done] {
        auto loaded = db_.load(id);
        if (!loaded) {
          storage_errors_.inc();
          return done(std::unexpected(loaded.error()));
        }
        if (!*loaded) return done(std::unexpected(not_found(id)));
        auto e = std::move(**loaded);
        e.overdue = e.overdue_at(clock_.now());
        done(std::move(e));
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::transitions(std::int64_t id,
                               ledger_callback<std::vector<ledger_transition>> done) {
  if (!post([this, id, done] {
        auto loaded = db_.load(id);
        if (loaded && !*loaded) return done(std::unexpected(not_found(id)));
        auto ts =
            loaded ? db_.transitions_of(id)
                   : ledger_result<std::vector<ledger_transition>>(std::unexpected(loaded.error()));
        if (!ts) storage_errors_.inc();
        done(std::move(ts));
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::slice(std::vector<std::string> sites, core::time_point from,
                         core::time_point to, ledger_callback<ledger_slice> done) {
  if (!post([this, sites = std::move(sites), from, to, done] {
        auto read = db_.slice(sites, from, to);
        if (!read) {
          storage_errors_.inc();
          return done(std::unexpected(read.error()));
        }
        const auto now = clock_.now();
        for (auto& e : read->entries) e.overdue = e.overdue_at(now);
        done(std::move(*read));
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::latest_by_site(ledger_callback<std::vector<ledger_entry>> done) {
  if (!post([this, done] {
        auto read = db_.latest_by_site();
        if (!read) {
          storage_errors_.inc();
          return done(std::unexpected(read.error()));
        }
        const auto now = clock_.now();
        for (auto& e : *read) e.overdue = e.overdue_at(now);
        done(std::move(*read));
      })) {
    done(std::unexpected(stopped_error()));
  }
}

void alert_ledger::overdue(ledger_callback<std::vector<ledger_entry>> done) {
  if (!post([this, done] {
        const auto now = clock_.now();
        std::vector<ledger_entry> out;
        for (const auto& [id, e] : open_) {
          if (!e.overdue_at(now)) continue;
          out.push_back(e);
          out.back().overdue = true;
        }
        overdue_gauge_.set(static_cast<std::int64_t>(out.size()));
        done(std::move(out));
      })) {
    done(std::unexpected(stopped_error()));
  }
}

ledger_error alert_ledger::refused(ledger_error e) {
  metrics_.get("campus_ledger_refused_total", fmt::format("reason=\"{}\"", to_string(e.what)))
      .inc();
  return e;
}

void alert_ledger::refresh_gauges() {
  std::map<core::severity, std::int64_t> by_severity;
  std::int64_t overdue_now = 0;
  const auto now = clock_.now();
  for (const auto& [id, e] : open_) {
    ++by_severity[e.severity];
    if (e.overdue_at(now)) ++overdue_now;
  }
  for (auto& [s, gauge] : open_gauges_) gauge->set(by_severity[s]);
  overdue_gauge_.set(overdue_now);
}

alert_ledger::alert_key alert_ledger::key_of(const rules::alert& a) {
  return {a.site, a.rule, a.device, a.subject};
}

alert_ledger::alert_key alert_ledger::key_of(const ledger_entry& e) {
  return {e.site, e.rule, e.device, e.subject};
}

}  // namespace campus::alerts
