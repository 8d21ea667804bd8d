#include "bureau/district_figures.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "bureau/figures_json.hpp"
#include "bureau/overview.hpp"
#include "core/log.hpp"

namespace campus::bureau {

namespace asio = boost::asio;

struct district_figures::pass {
  core::time_point at{};
  std::vector<ingest::device_presence> presence;  // configuration order
  std::vector<school_tally> tallies;              // district order
};

struct district_figures::incidents {
  std::map<std::string, alerts::ledger_entry, std::less<>> by_site;
};

namespace {

// Changes when an open entry is added, changes or leaves; the order of the board is not
// part of it (a sum of per-entry hashes).
std::uint64_t fingerprint(const std::vector<incident::entry_brief>& open) {
  std::uint64_t sum = open.size();
  for (const auto& e : open) {
    std::uint64_t h = static_cast<std::uint64_t>(e.id) * 0x9E3779B97F4A7C15ULL;
    h ^= static_cast<std::uint64_t>(core::to_epoch_ms(e.updated_at)) + 0x7F4A7C15ULL + (h << 6) + (h >> 2);
    h ^= static_cast<std::uint64_t>(e.state) * 31 + static_cast<std::uint64_t>(e.cond);
    sum += h;
  }
  return sum;
}

std::shared_ptr<const std::string> serialised(const boost::json::object& o) {
  return std::make_shared<const std::string>(boost::json::serialize(o));
}

}  // namespace

district_figures::district_figures(const ingest::live_state& state, const core::clock& clock,
                                   core::metrics& metrics, options o)
    : state_(state),
      district_(state.district()),
      clock_(clock),
      metrics_(metrics),
      options_(o),
      plan_(state.district()),
      pass_micros_(metrics.get("campus_figures_pass_microseconds")),
      passes_total_(metrics.get("campus_figures_passes_total")),
      district_rate_(metrics.get("campus_compliance_district_rate")) {
  metrics.describe("campus_figures_pass_microseconds", "gauge",
                   "Time the last pass over the district's figures took (its own thread).");
  metrics.describe("campus_figures_passes_total", "counter",
                   "Passes over the district's figures (schools' tallies).");
  metrics.describe("campus_compliance_rate", "gauge",
                   "Smart-security compliance of each school now, whole percent.");
  metrics.describe("campus_compliance_district_rate", "gauge",
                   "Smart-security compliance of the district now, whole percent.");
}

district_figures::~district_figures() { stop(); }

void district_figures::set_sources(const incident::incident_desk* desk,
                                   alerts::alert_ledger* ledger) {
  desk_ = desk;
  ledger_ = ledger;
}

void district_figures::set_on_change(change_handler handler) { on_change_ = std::move(handler); }

void district_figures::start() {
  std::lock_guard lock(stop_mutex_);
  if (started_) return;
  started_ = true;
  asio::post(io_, [this] {
    run_pass();
    schedule();
  });
  thread_ = std::thread([this] {
    // The loop runs while the timer is armed or work is posted; stop() cancels the timer.
    auto guard = asio::make_work_guard(io_);
    io_.run();
  });
}

void district_figures::stop() {
  std::lock_guard lock(stop_mutex_);
  if (!started_ || !thread_.joinable()) return;
  io_.stop();
  thread_.join();
}

void district_figures::schedule() {
  timer_.expires_after(options_.period);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    run_pass();
    schedule();
  });
}

void district_figures::run_pass() {
  const auto started = std::chrono::steady_clock::now();
  auto p = std::make_shared<pass>();
  p->at = clock_.now();
  p->presence = state_.presence();
  std::vector<incident::entry_brief> open;
  if (desk_) open = desk_->open_briefs();
  p->tallies = tally_schools(district_, p->presence, open, p->at);

  // Schools whose tally changed since the last pass (all of them the first time).
  std::vector<school_tally> changed;
  if (!latest_) {
    changed = p->tallies;
  } else {
    for (std::size_t i = 0; i < p->tallies.size(); ++i) {
      if (i >= latest_->tallies.size() || !(p->tallies[i] == latest_->tallies[i])) {
        changed.push_back(p->tallies[i]);
      }
    }
  }
  {
    auto shared = std::make_shared<const std::vector<school_tally>>(p->tallies);
    std::lock_guard lock(tallies_mutex_);
    tallies_ = std::move(shared);
  }
  latest_ = std::move(p);
  overview_whole_json_.reset();

  // A new, changed or closed entry may be some school's latest: read them again.
  if (const auto fp = fingerprint(open); fp != open_fingerprint_) {
    open_fingerprint_ = fp;
    incidents_stale_ = true;
  }
  if (incidents_stale_) read_incidents();

  if (passes_++ % static_cast<std::uint64_t>(std::max(1, options_.gauge_every)) == 0) {
    refresh_gauges(*fresh_compliance(*latest_));
  }
  passes_total_.inc();
  pass_micros_.set(std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::steady_clock::now() - started)
                       .count());
  if (!changed.empty() && on_change_) on_change_(changed);
}

void district_figures::read_incidents() {
  if (incidents_reading_) return;  // the answer in flight was asked before the change: ask again then
  if (!ledger_) {
    incidents_ = std::make_shared<const incidents>();
    incidents_stale_ = false;
    return;
  }
  incidents_reading_ = true;
  incidents_stale_ = false;
  ledger_->latest_by_site([this](alerts::ledger_result<std::vector<alerts::ledger_entry>> r) {
    // On the ledger's worker: the answer is taken on the figures thread.
    asio::post(io_, [this, r = std::move(r)]() mutable {
      incidents_reading_ = false;
      if (!r) {
        // The last answer stays; the next change, or the next pass, asks again.
        core::log(core::log_level::warn, "bureau: latest entries per school could not be read: {}",
                  r.error().message);
        incidents_stale_ = true;
        if (!incidents_) incidents_ = std::make_shared<const incidents>();
        return;
      }
      auto fresh = std::make_shared<incidents>();
      for (auto& e : *r) {
        auto site = e.site;
        fresh->by_site.insert_or_assign(std::move(site), std::move(e));
      }
      incidents_ = std::move(fresh);
      overview_whole_json_.reset();
    });
  });
}

std::shared_ptr<const district_figures::pass> district_figures::fresh_pass() {
  if (!latest_ || clock_.now() - latest_->at >= options_.period) run_pass();
  return latest_;
}

std::shared_ptr<const compliance_figures> district_figures::fresh_compliance(const pass& p) {
  if (compliance_ && compliance_->generated_at <= p.at &&
      p.at - compliance_->generated_at < options_.compliance_max_age) {
    return compliance_;
  }
  std::vector<const config::site*> all;
  all.reserve(district_.sites.size());
  for (const auto& s : district_.sites) all.push_back(&s);
  compliance_ = std::make_shared<const compliance_figures>(plan_.assess(all, p.presence, p.at));
  compliance_whole_json_.reset();
  return compliance_;
}

std::vector<const config::site*> district_figures::sites_of(const figures_scope& scope) const {
  std::vector<const config::site*> out;
  if (scope.whole_district) {
    out.reserve(district_.sites.size());
    for (const auto& s : district_.sites) out.push_back(&s);
    return out;
  }
  // District order, whatever the order of the scope's list.
  for (const auto& s : district_.sites) {
    for (const auto& id : scope.sites) {
      if (id == s.id) {
        out.push_back(&s);
        break;
      }
    }
  }
  return out;
}

void district_figures::refresh_gauges(const compliance_figures& f) {
  for (const auto& s : f.schools) {
    if (!s.rate) continue;  // nothing required: no rate to show
    metrics_.get("campus_compliance_rate", fmt::format("site=\"{}\"", s.site))
        .set(std::llround(*s.rate));
  }
  if (f.district.rate) district_rate_.set(std::llround(*f.district.rate));
}

std::vector<school_tally> district_figures::tallies() const {
  std::shared_ptr<const std::vector<school_tally>> t;
  {
    std::lock_guard lock(tallies_mutex_);
    t = tallies_;
  }
  return t ? *t : std::vector<school_tally>{};
}

void district_figures::submit(std::function<void()> job, const json_handler& done) {
  {
    std::lock_guard lock(stop_mutex_);
    if (started_ && !io_.stopped()) {
      asio::post(io_, std::move(job));
      return;
    }
  }
  done(std::unexpected(std::string("the district's figures are not being kept (stopping)")));
}

void district_figures::overview_json(figures_scope scope, json_handler done) {
  submit(
      [this, scope = std::move(scope), done] {
        const auto p = fresh_pass();
        const auto compliance = fresh_compliance(*p);
        static const incidents none;
        const incidents& last = incidents_ ? *incidents_ : none;
        if (scope.whole_district && overview_whole_json_) return done(overview_whole_json_);

        const auto sites = sites_of(scope);
        std::vector<const school_tally*> tallies;
        tallies.reserve(sites.size());
        compliance_figures scoped;
        const compliance_figures* c = compliance.get();
        if (!scope.whole_district) {
          scoped = plan_.assess(sites, p->presence, compliance->generated_at);
          c = &scoped;
        }
        for (const auto* s : sites) {
          tallies.push_back(&p->tallies[static_cast<std::size_t>(s - district_.sites.data())]);
        }
        auto body = serialised(to_json(build_overview(*c, tallies, last.by_site, p->at)));
        // Until the latest entries are known the whole district's answer is not kept: the
        // next request then gets them.
        if (scope.whole_district && incidents_) overview_whole_json_ = body;
        done(std::move(body));
      },
      done);
}

void district_figures::compliance_json(figures_scope scope, json_handler done) {
  submit(
      [this, scope = std::move(scope), done] {
        const auto p = fresh_pass();
        const auto compliance = fresh_compliance(*p);
        if (scope.whole_district) {
          if (!compliance_whole_json_) compliance_whole_json_ = serialised(to_json(*compliance));
          return done(compliance_whole_json_);
        }
        done(serialised(to_json(plan_.assess(sites_of(scope), p->presence, compliance->generated_at))));
      },
      done);
}

}  // namespace campus::bureau
