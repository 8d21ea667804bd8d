#include "bureau/monthly_report.hpp"

#include <algorithm>
#include <set>

#include "bureau/compliance.hpp"
#include "bureau/percentile.hpp"

namespace campus::bureau {

namespace {

using alerts::ledger_entry;
using alerts::ledger_transition;
using alerts::transition_kind;
using std::chrono::duration_cast;
using std::chrono::seconds;

constexpr core::duration hour = std::chrono::hours{1};
constexpr core::duration report_within = std::chrono::hours{1};

const std::vector<ledger_transition>& history_of(const report_sources& in, std::int64_t id) {
  static const std::vector<ledger_transition> none;
  auto it = in.transitions.find(id);
  return it == in.transitions.end() ? none : it->second;
}

const ledger_transition* first_of(const std::vector<ledger_transition>& ts, transition_kind k) {
  for (const auto& t : ts)
    if (t.what == k) return &t;
  return nullptr;
}

// The colour an entry had when raised (or registered by a person).
core::severity raised_colour(const ledger_entry& e, const std::vector<ledger_transition>& ts) {
  for (const auto& t : ts) {
    if (t.what == transition_kind::raised || t.what == transition_kind::registered) {
      if (auto s = core::parse_severity(t.to)) return *s;
    }
  }
  return e.max_severity;
}

std::optional<core::time_point> first_acknowledged(const ledger_entry& e,
                                                   const std::vector<ledger_transition>& ts) {
  if (const auto* t = first_of(ts, transition_kind::acknowledged)) return t->at;
  return e.acknowledged_at;
}

// When the entry first reached orange or red: its raising when raised so, else the first level
// change (or re-fire) to orange or red.
core::time_point first_high(const ledger_entry& e, const std::vector<ledger_transition>& ts) {
  if (raised_colour(e, ts) >= core::severity::orange) return e.raised_at;
  for (const auto& t : ts) {
    if (t.what != transition_kind::severity_changed && t.what != transition_kind::refired) continue;
    if (auto s = core::parse_severity(t.to); s && *s >= core::severity::orange) return t.at;
  }
  return e.raised_at;  // reached it without a recorded change: count from the raising
}

entry_ref ref_of(const ledger_entry& e) {
  entry_ref r;
  r.id = e.id;
  r.site = e.site;
  r.title = e.title.empty() ? e.rule_name : e.title;
  r.title_en = e.title.empty() ? (e.rule_name_en.empty() ? r.title : e.rule_name_en) : e.title;
  r.severity = e.max_severity;
  r.raised_at = e.raised_at;
  r.closed_at = e.closed_at;
  r.deadline = e.deadline;
  return r;
}

bool closed_by(const ledger_entry& e, core::time_point t) {
  return e.closed_at.has_value() && *e.closed_at <= t;
}

std::int64_t seconds_between(core::time_point a, core::time_point b) {
  return duration_cast<seconds>(b - a).count();
}

std::optional<double> mean_availability(const std::vector<device_availability>& devices) {
  double sum = 0;
  int n = 0;
  for (const auto& d : devices) {
    if (!d.availability) continue;
    sum += *d.availability;
    ++n;
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

void add_entry(const ledger_entry& e, span m, const report_sources& in, report_figures& f) {
  const auto& ts = history_of(in, e.id);
  const core::time_point horizon = std::min(m.to, in.now);

  if (e.raised_at < m.from && !closed_by(e, m.from)) f.carried_in.push_back(ref_of(e));
  if (e.raised_at < m.to && !closed_by(e, m.to)) f.carried_over.push_back(ref_of(e));
  if (e.deadline && *e.deadline >= m.from && *e.deadline < horizon && !closed_by(e, *e.deadline)) {
    f.overdue.push_back(ref_of(e));
  }
  if (e.raised_at < m.from || e.raised_at >= m.to) return;

  // Raised in the month, below.
  const bool sensor = e.kind == alerts::entry_kind::sensor;
  const auto ack = first_acknowledged(e, ts);
  if (sensor) {
    f.alerts_by_family[e.family].add(e.max_severity);
    f.alerts.add(e.max_severity);
    if (ack) {
      ++f.acknowledge.count;
      f.acknowledge.seconds.push_back(seconds_between(e.raised_at, *ack));
    } else {
      ++f.acknowledge.not_done;
    }
  } else {
    f.hazards_registered.add(e.max_severity);
  }
  if (e.closed_at) {
    ++f.close.count;
    f.close.seconds.push_back(seconds_between(e.raised_at, *e.closed_at));
  } else {
    ++f.close.not_done;
  }

  const auto& steps = in.policy.for_severity(raised_colour(e, ts));
  if (steps.size() >= 2) {
    const core::time_point due = e.raised_at + steps[1].after;
    if (ack ? *ack > due : due < horizon) f.escalations.push_back(ref_of(e));
  }

  if (e.max_severity >= core::severity::orange) {
    auto& r = f.report_deadline;
    ++r.required;
    const core::time_point deadline = first_high(e, ts) + report_within;
    if (const auto* reported = first_of(ts, transition_kind::reported)) {
      ++(reported->at <= deadline ? r.on_time : r.late);
    } else if (deadline < in.now) {
      ++r.missing;
    } else {
      ++r.pending;
    }
  }
}

}  // namespace

void severity_counts::add(core::severity s) {
  switch (s) {
    case core::severity::blue: ++blue; break;
    case core::severity::yellow: ++yellow; break;
    case core::severity::orange: ++orange; break;
    case core::severity::red: ++red; break;
  }
  ++total;
}

void severity_counts::add(const severity_counts& o) {
  blue += o.blue;
  yellow += o.yellow;
  orange += o.orange;
  red += o.red;
  total += o.total;
}

std::optional<std::int64_t> duration_figures::median_s() const { return nearest_rank(seconds, 50); }
std::optional<std::int64_t> duration_figures::p90_s() const { return nearest_rank(seconds, 90); }

void report_figures::pool(const report_figures& o) {
  for (const auto& [family, counts] : o.alerts_by_family) alerts_by_family[family].add(counts);
  alerts.add(o.alerts);
  hazards_registered.add(o.hazards_registered);
  for (auto [mine, theirs] : {std::pair{&acknowledge, &o.acknowledge}, std::pair{&close, &o.close}}) {
    mine->count += theirs->count;
    mine->not_done += theirs->not_done;
    mine->seconds.insert(mine->seconds.end(), theirs->seconds.begin(), theirs->seconds.end());
  }
  auto append = [](std::vector<entry_ref>& to, const std::vector<entry_ref>& from) {
    to.insert(to.end(), from.begin(), from.end());
  };
  append(escalations, o.escalations);
  append(carried_in, o.carried_in);
  append(carried_over, o.carried_over);
  append(overdue, o.overdue);
  report_deadline.required += o.report_deadline.required;
  report_deadline.on_time += o.report_deadline.on_time;
  report_deadline.late += o.report_deadline.late;
  report_deadline.missing += o.report_deadline.missing;
  report_deadline.pending += o.report_deadline.pending;
  devices.insert(devices.end(), o.devices.begin(), o.devices.end());
  availability = mean_availability(devices);
  readings_stored += o.readings_stored;
}

report_figures school_figures(const config::district& d, const config::site& s, span m,
                              const report_sources& in) {
  report_figures f;
  for (const auto& e : in.entries) {
    if (e.site == s.id) add_entry(e, m, in, f);
  }
  const core::time_point end = std::min(m.to, in.now);
  const int hours = end > m.from ? static_cast<int>((end - m.from + hour - core::duration{1}) / hour) : 0;
  for (const auto& dev : d.devices) {
    if (dev.site != s.id) continue;
    device_availability a{dev.id, dev.site, dev.name, dev.name_en, dev.family, hours, 0, std::nullopt, 0};
    if (auto it = in.activity.find(dev.id); it != in.activity.end()) {
      // Buckets come in time order, so equal hours are adjacent: counted without a set.
      int heard = 0;
      std::int64_t last_hour = -1;
      for (auto b = it->second.lower_bound(m.from); b != it->second.end() && b->first < m.to; ++b) {
        a.readings += b->second;
        if (b->first >= end || b->second <= 0) continue;
        const std::int64_t h = (b->first - m.from) / hour;
        if (h != last_hour) ++heard;
        last_hour = h;
      }
      a.hours_heard = heard;
    }
    a.availability = percent(a.hours_heard, a.hours);
    f.readings_stored += a.readings;
    f.devices.push_back(std::move(a));
  }
  f.availability = mean_availability(f.devices);
  return f;
}

std::expected<std::vector<span>, month_error> school_months(
    std::chrono::year_month month, const std::vector<const config::site*>& sites,
    core::time_point now) {
  std::vector<span> out;
  bool begun = false;
  for (const auto* s : sites) {
    out.push_back(month_span(month, s->time_zone));
    begun = begun || out.back().from <= now;
  }
  if (!begun) {
    return std::unexpected(month_error{
        "future_month", "month " + to_string(month) + " has not begun; no report yet"});
  }
  return out;
}

std::expected<monthly_report, month_error> build_monthly_report(
    const config::district& d, std::chrono::year_month month,
    const std::vector<const config::site*>& sites, bool district, const report_sources& in) {
  auto months = school_months(month, sites, in.now);
  if (!months) return std::unexpected(months.error());
  monthly_report r;
  r.month = month;
  r.generated_at = in.now;
  r.district = district;
  r.month_bounds = {core::time_point::max(), core::time_point::min()};
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const config::site& s = *sites[i];
    const span m = (*months)[i];
    school_report school{s.id, s.name, s.name_en, s.time_zone, m, school_figures(d, s, m, in)};
    r.partial = r.partial || m.to > in.now;
    r.month_bounds.from = std::min(r.month_bounds.from, m.from);
    r.month_bounds.to = std::max(r.month_bounds.to, m.to);
    r.figures.pool(school.figures);
    r.schools.push_back(std::move(school));
  }
  return r;
}

}  // namespace campus::bureau
