#include "sim/ledger_clerk.hpp"

namespace campus::sim {

using alerts::ledger_result;

template <class T, class Request>
ledger_result<T> ledger_clerk::wait(Request&& request) {
  // The callback runs on the ledger's worker (or here, at once, once stopped); the promise
  // carries the answer back. Waiting is the point: this is a batch program.
  std::promise<ledger_result<T>> answer;
  auto future = answer.get_future();
  request([&answer](ledger_result<T> r) { answer.set_value(std::move(r)); });
  return future.get();
}

void ledger_clerk::set_clock(core::time_point at) {
  if (at < clock_.now()) {
    ++clamped_;
    return;
  }
  clock_.set(at);
}

ledger_clerk::change ledger_clerk::apply(core::time_point at, const rules::alert_event& event) {
  set_clock(at);
  return wait<alerts::ledger_change>([&](auto done) { ledger_.apply(event, std::move(done)); });
}

ledger_clerk::change ledger_clerk::register_hazard(core::time_point at, alerts::hazard_spec spec) {
  set_clock(at);
  return wait<alerts::ledger_change>(
      [&](auto done) { ledger_.register_hazard(std::move(spec), std::move(done)); });
}

ledger_clerk::change ledger_clerk::acknowledge(core::time_point at, std::int64_t id,
                                               std::string who, std::string note) {
  set_clock(at);
  return wait<alerts::ledger_change>([&](auto done) {
    ledger_.acknowledge(id, std::move(who), std::move(note), std::move(done));
  });
}

ledger_clerk::change ledger_clerk::rectify(core::time_point at, std::int64_t id, std::string who,
                                           std::string note) {
  set_clock(at);
  return wait<alerts::ledger_change>(
      [&](auto done) { ledger_.rectify(id, std::move(who), std::move(note), std::move(done)); });
}

ledger_clerk::change ledger_clerk::close(core::time_point at, std::int64_t id, std::string who,
                                         std::string note) {
  set_clock(at);
  return wait<alerts::ledger_change>(
      [&](auto done) { ledger_.close(id, std::move(who), std::move(note), std::move(done)); });
}

ledger_clerk::change ledger_clerk::assign(core::time_point at, std::int64_t id, std::string who,
                                          std::string responsible,
                                          std::optional<core::time_point> deadline) {
  set_clock(at);
  return wait<alerts::ledger_change>([&](auto done) {
    ledger_.assign(id, std::move(who), std::move(responsible), deadline, std::move(done));
  });
}

ledger_clerk::change ledger_clerk::report(core::time_point at, std::int64_t id, std::string who,
                                          std::string note) {
  set_clock(at);
  return wait<alerts::ledger_change>(
      [&](auto done) { ledger_.report(id, std::move(who), std::move(note), std::move(done)); });
}

ledger_clerk::change ledger_clerk::add_note(core::time_point at, std::int64_t id, std::string who,
                                            std::string note) {
  set_clock(at);
  return wait<alerts::ledger_change>(
      [&](auto done) { ledger_.add_note(id, std::move(who), std::move(note), std::move(done)); });
}

ledger_result<alerts::ledger_page> ledger_clerk::list(alerts::ledger_filter filter) {
  return wait<alerts::ledger_page>(
      [&](auto done) { ledger_.list(std::move(filter), std::move(done)); });
}

ledger_result<std::vector<alerts::ledger_entry>> ledger_clerk::overdue() {
  return wait<std::vector<alerts::ledger_entry>>(
      [&](auto done) { ledger_.overdue(std::move(done)); });
}

}  // namespace campus::sim
