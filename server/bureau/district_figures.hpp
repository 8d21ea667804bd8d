// The bureau's live figures, kept by one thread of their own so that no request for them can
// hold up ingest or alerting (docs/bureau.md, "At district scale").
//
// Once a second the thread makes one pass over the district: each device's presence (copied
// from live_state under its mutex in one go, a few bytes a device) and the desk's open entries
// give every school's tally (school_tally). Schools whose tally changed are handed to the
// change handler (the hub sends them to the dashboards). When the open entries changed, the
// latest entry of every school is read again from the ledger in one query, on the ledger's
// worker; the answer comes back to this thread.
//
// The overview and compliance answers are computed here, on demand, from the latest pass and
// shared: every request arriving while figures are fresh gets the same computation, and the
// whole district's JSON is serialised once per pass for all the bureau's users. A request is
// never made to wait for the ledger: until the latest entries are known, the answer says so
// (no last incident) rather than block.
//
// Threads: every public function may be called from any thread. Answers and the change
// handler run on the figures thread; they must only post elsewhere.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "alerts/alert_ledger.hpp"
#include "bureau/compliance.hpp"
#include "bureau/school_tally.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "incident/incident_desk.hpp"
#include "ingest/live_state.hpp"

namespace campus::bureau {

// Whose figures: the whole district (bureau and admin users, one shared answer) or the listed
// schools (a school's users).
struct figures_scope {
  bool whole_district = false;
  std::vector<std::string> sites;  // when not whole_district
};

class district_figures {
 public:
  using change_handler = std::function<void(const std::vector<school_tally>& changed)>;
  // The serialised JSON body, or why there is none.
  using json_answer = std::expected<std::shared_ptr<const std::string>, std::string>;
  using json_handler = std::function<void(json_answer)>;

  struct options {
    std::chrono::milliseconds period{1000};                 // between passes
    std::chrono::milliseconds compliance_max_age{2000};     // compliance reused this long
    int gauge_every = 60;                                   // passes between compliance gauges
  };

  // `state`, `clock` and `metrics` must outlive this. Metrics: campus_compliance_rate{site},
  // campus_compliance_district_rate (whole percents), campus_figures_pass_seconds (the last
  // pass), campus_figures_passes_total.
  district_figures(const ingest::live_state& state, const core::clock& clock,
                   core::metrics& metrics, options o);
  district_figures(const ingest::live_state& state, const core::clock& clock,
                   core::metrics& metrics)
      : district_figures(state, clock, metrics, options{}) {}
  ~district_figures();
  district_figures(const district_figures&) = delete;
  district_figures& operator=(const district_figures&) = delete;

  // Before start(). Either may be null: no open entries, or no last incidents.
  void set_sources(const incident::incident_desk* desk, alerts::alert_ledger* ledger);
  void set_on_change(change_handler handler);

  // Starts the thread; the first pass runs at once. stop() ends it (idempotent; the destructor
  // calls it): asked after that, an answer is an error at once; one still queued then is
  // dropped with the server.
  void start();
  void stop();

  // The tallies of the latest pass, every school in district order (empty before the first).
  std::vector<school_tally> tallies() const;

  // GET /api/overview's body (bureau::to_json(overview)) for `scope`.
  void overview_json(figures_scope scope, json_handler done);
  // GET /api/compliance's body (bureau::to_json(compliance_figures)) for `scope`.
  void compliance_json(figures_scope scope, json_handler done);

 private:
  struct pass;      // one pass's results, shared by the answers made from it
  struct incidents; // the latest entry of every school

  void schedule();
  void run_pass();                       // figures thread
  void read_incidents();                 // figures thread; the answer comes back to it
  std::shared_ptr<const pass> fresh_pass();  // figures thread: the latest, or a new one
  std::shared_ptr<const compliance_figures> fresh_compliance(const pass& p);
  std::vector<const config::site*> sites_of(const figures_scope& scope) const;
  void refresh_gauges(const compliance_figures& f);
  // Runs `job` on the figures thread; answers an error when stopped.
  void submit(std::function<void()> job, const json_handler& done);

  const ingest::live_state& state_;
  const config::district& district_;
  const core::clock& clock_;
  core::metrics& metrics_;
  options options_;
  compliance_plan plan_;
  const incident::incident_desk* desk_ = nullptr;
  alerts::alert_ledger* ledger_ = nullptr;
  change_handler on_change_;

  boost::asio::io_context io_{1};
  boost::asio::steady_timer timer_{io_};
  std::thread thread_;
  bool started_ = false;
  std::mutex stop_mutex_;  // start/stop

  // Figures thread only.
  std::shared_ptr<const pass> latest_;
  std::shared_ptr<const compliance_figures> compliance_;
  std::shared_ptr<const std::string> compliance_whole_json_;  // for compliance_
  std::shared_ptr<const std::string> overview_whole_json_;    // for latest_ and incidents_
  std::shared_ptr<const incidents> incidents_;
  std::uint64_t open_fingerprint_ = 0;
  bool incidents_stale_ = true;
  bool incidents_reading_ = false;
  std::uint64_t passes_ = 0;

  mutable std::mutex tallies_mutex_;
  std::shared_ptr<const std::vector<school_tally>> tallies_;  // under tallies_mutex_

  core::metrics::counter& pass_micros_;
  core::metrics::counter& passes_total_;
  core::metrics::counter& district_rate_;
};

}  // namespace campus::bureau
