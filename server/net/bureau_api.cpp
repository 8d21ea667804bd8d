#include "net/bureau_api.hpp"

#include <malloc.h>

#include <boost/asio/post.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <unordered_set>
#include <optional>

#include "bureau/compliance.hpp"
#include "bureau/daily_compliance.hpp"
#include "bureau/figures_json.hpp"
#include "bureau/monthly_report.hpp"
#include "bureau/overview.hpp"
#include "bureau/report_csv.hpp"
#include "bureau/report_month.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "net/access.hpp"

namespace campus::net {

namespace json = boost::json;

namespace {

constexpr int default_days = 30;
constexpr int max_days = 400;

string_response bad_request(const request& req, std::string_view code, std::string message) {
  return json_response(req, http::status::bad_request,
                       json::object{{"error", message}, {"code", code}});
}

string_response unavailable(const request& req, std::string_view what) {
  return json_error(req, http::status::service_unavailable, what);
}

std::vector<const config::site*> sites_of(const config::district& d, const auth::principal& who) {
  std::vector<const config::site*> out;
  for (const auto& s : d.sites)
    if (who.may_see(s.id)) out.push_back(&s);
  return out;
}

std::vector<std::string> site_ids(const std::vector<const config::site*>& sites) {
  std::vector<std::string> out;
  for (const auto* s : sites) out.push_back(s->id);
  return out;
}

std::vector<std::string> devices_of(const config::district& d,
                                    const std::vector<const config::site*>& sites) {
  std::unordered_set<std::string_view> wanted;
  wanted.reserve(sites.size());
  for (const auto* s : sites) wanted.insert(s->id);
  std::vector<std::string> out;
  for (const auto& dev : d.devices)
    if (wanted.contains(dev.site)) out.push_back(dev.id);
  return out;
}

// A monthly report as JSON, or as CSV with its file name.
string_response report_response(const request& req, const bureau::monthly_report& r,
                                const config::district& d, bool csv) {
  if (!csv) return json_response(req, http::status::ok, bureau::to_json(r));
  auto res = text_response(req, http::status::ok, bureau::report_csv(r, d), "text/csv; charset=utf-8");
  // RFC 6266: an ASCII name for old clients, the Chinese one percent-encoded.
  std::string encoded;
  for (unsigned char c : bureau::report_csv_filename(r, false)) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') encoded += static_cast<char>(c);
    else encoded += fmt::format("%{:02X}", c);
  }
  res.set(http::field::content_disposition,
          fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}",
                      bureau::report_csv_filename(r, true), encoded));
  res.set(http::field::cache_control, "no-store");
  return res;
}

// Hands a finished answer from the report thread to the session's strand.
void answer_on(const boost::asio::any_io_executor& strand, const reply_handler& reply,
               string_response res) {
  boost::asio::post(strand, [reply, res = std::move(res)]() mutable { reply(std::move(res)); });
}

// The store's answer by device; each device's buckets are freed as they are copied, so a
// district month is held about once, not twice.
bureau::hourly_activity rekey(std::vector<history::device_activity>& in) {
  bureau::hourly_activity out;
  for (auto& a : in) {
    auto& hours = out[a.device];
    hours.reserve(hours.size() + a.buckets.size());
    for (const auto& b : a.buckets) hours[b.start] += b.readings;  // in time order: appended
    std::vector<history::activity_bucket>().swap(a.buckets);
  }
  return out;
}

// Both answers of a report, gathered on the session's strand (each source posts there, so the
// fields are only touched on that strand); the figures are computed when the second arrives.
struct report_gathering {
  std::optional<alerts::ledger_result<alerts::ledger_slice>> slice;
  std::optional<history::activity_result> activity;
};

}  // namespace

bureau_api::bureau_api(const ingest::live_state& state, core::metrics& metrics,
                       std::shared_ptr<boost::asio::thread_pool> work)
    : state_(state),
      policy_(std::make_shared<const notify::duty::escalation_policy>(
          notify::duty::escalation_policy::seed_default())),
      reports_(std::move(work)),
      reports_json_(metrics.get("campus_reports_generated_total", "format=\"json\"")),
      reports_csv_(metrics.get("campus_reports_generated_total", "format=\"csv\"")) {
  metrics.describe("campus_reports_generated_total", "counter",
                   "Monthly safety reports answered, by format.");
}

bool bureau_api::serves(std::string_view path) {
  return path == "/api/overview" || path == "/api/compliance" ||
         path == "/api/compliance/daily" || path == "/api/reports/monthly";
}

route_result bureau_api::handle(request&& req, const request_target& target,
                                const request_context& ctx) const {
  if (req.method() != http::verb::get) {
    auto res = json_error(req, http::status::method_not_allowed,
                          fmt::format("method {} not allowed; use GET", req.method_string()));
    res.set(http::field::allow, "GET");
    return res;
  }
  const auth::principal& who = *ctx.who;
  const std::string& path = target.path();
  if (path == "/api/overview") return overview(std::move(req), target, who);
  if (path == "/api/compliance") return compliance(std::move(req), target, who);
  if (path == "/api/compliance/daily") return daily(std::move(req), target, who);
  return monthly(std::move(req), target, who);
}

route_result bureau_api::compliance(request&& req, const request_target& target,
                                    const auth::principal& who) const {
  if (auto bad = target.unknown_param({})) return json_error(req, http::status::bad_request, *bad);
  return from_figures(std::move(req), who, &bureau::district_figures::compliance_json);
}

route_result bureau_api::overview(request&& req, const request_target& target,
                                  const auth::principal& who) const {
  if (auto bad = target.unknown_param({})) return json_error(req, http::status::bad_request, *bad);
  return from_figures(std::move(req), who, &bureau::district_figures::overview_json);
}

route_result bureau_api::from_figures(request&& req, const auth::principal& who,
                                      figures_call call) const {
  bureau::district_figures* figures = figures_.load();
  if (!figures) return unavailable(req, "the district's figures are not available");
  bureau::figures_scope scope;
  scope.whole_district = who.all_sites;
  if (!scope.whole_district) scope.sites = site_ids(sites_of(state_.district(), who));
  // Computed on the figures' own thread (shared with every request of the same moment); the
  // answer comes back to the session's strand.
  return deferred_response([figures, call, scope = std::move(scope), req = std::move(req)](
                               const boost::asio::any_io_executor& strand,
                               reply_handler reply) mutable {
    (figures->*call)(std::move(scope), [strand, reply, req](bureau::district_figures::json_answer a) {
      boost::asio::post(strand, [reply, req, a = std::move(a)] {
        if (!a) return reply(unavailable(req, a.error()));
        reply(json_body_response(req, http::status::ok, **a));
      });
    });
  });
}

route_result bureau_api::daily(request&& req, const request_target& target,
                               const auth::principal& who) const {
  if (auto bad = target.unknown_param({"from", "to"})) {
    return json_error(req, http::status::bad_request, *bad);
  }
  const auto& d = state_.district();
  auto sites = sites_of(d, who);
  const auto now = core::system_clock{}.now();
  const std::string& tz = sites.empty() ? d.sites.front().time_zone : sites.front()->time_zone;
  std::chrono::year_month_day last = bureau::local_date(now, tz);
  if (const auto* text = target.param("to")) {
    auto v = bureau::parse_date(*text);
    if (!v) return bad_request(req, "bad_date", "'to' " + v.error());
    last = *v;
  }
  std::chrono::year_month_day first{std::chrono::sys_days{last} -
                                    std::chrono::days{default_days - 1}};
  if (const auto* text = target.param("from")) {
    auto v = bureau::parse_date(*text);
    if (!v) return bad_request(req, "bad_date", "'from' " + v.error());
    first = *v;
  }
  const auto days = (std::chrono::sys_days{last} - std::chrono::sys_days{first}).count() + 1;
  if (days < 1) return bad_request(req, "bad_date", "'from' must not be after 'to'");
  if (days > max_days) {
    return bad_request(req, "bad_date", fmt::format("at most {} days at once; asked {}", max_days, days));
  }
  history::history_store* store = history_.load();
  if (!store) return unavailable(req, "history is not available");

  const double target_pct = d.compliance.target_pct;
  auto range = bureau::daily_range(sites, first, last, now);
  history::activity_query q{range.from, range.to, std::chrono::hours{1}, devices_of(d, sites)};
  // The same days for the same schools, asked at once (or again within half a minute), are
  // computed once.
  std::string key = fmt::format("{}|{}|", bureau::to_string(first), bureau::to_string(last));
  if (who.all_sites) {
    key += "*";
  } else {
    for (const auto* s : sites) key.append(s->id).append(1, ',');
  }
  return deferred_response([store, &d, sites, first, last, now, target_pct, q = std::move(q),
                            work = reports_->get_executor(), cache = daily_cache_,
                            key = std::move(key), req = std::move(req)](
                               const boost::asio::any_io_executor& strand, reply_handler reply) {
    auto answer = [req, strand, reply](const daily_cache::outcome& o) {
      if (!o) return answer_on(strand, reply, o.error()(req));
      answer_on(strand, reply, json_body_response(req, http::status::ok, **o));
    };
    if (!cache->join(key, now, answer)) return;
    // Computed on the report thread, not the session's strand: a district's month of hours
    // is work the loop that carries alarms must not do.
    auto compute = [&d, sites, first, last, now, target_pct, cache, key](history::activity_result& r) {
      if (!r) {
        return cache->finish(key, std::unexpected([why = r.error()](const request& q) {
                               return unavailable(q, "history could not be read: " + why);
                             }), now);
      }
      auto rows = bureau::daily_compliance(d, sites, first, last, rekey(*r), now);
      auto body = std::make_shared<const std::string>(
          boost::json::serialize(bureau::daily_json(target_pct, rows)));
      r = history::activity_result{};  // the store's buckets, freed before the pages go back
      ::malloc_trim(0);  // a district's month of hours, freed: its pages back to the system
      cache->finish(key, std::move(body), now);
    };
    if (q.to <= q.from || q.devices.empty()) {
      return boost::asio::post(work, [compute]() mutable {
        history::activity_result none{std::vector<history::device_activity>{}};
        compute(none);
      });
    }
    store->activity(q, [work, compute](history::activity_result r) {
      // On the store's thread: compute on the report thread.
      boost::asio::post(work, [compute, r = std::move(r)]() mutable { compute(r); });
    });
  });
}

route_result bureau_api::monthly(request&& req, const request_target& target,
                                 const auth::principal& who) const {
  if (auto bad = target.unknown_param({"month", "site", "format"})) {
    return json_error(req, http::status::bad_request, *bad);
  }
  const auto& d = state_.district();
  const auto now = core::system_clock{}.now();
  bool csv = false;
  if (const auto* f = target.param("format")) {
    if (*f != "csv" && *f != "json") {
      return json_error(req, http::status::bad_request,
                        fmt::format("'format' must be json or csv; got '{}'", *f));
    }
    csv = *f == "csv";
  }
  std::vector<const config::site*> sites;
  bool district_view = false;
  if (const auto* id = target.param("site")) {
    const config::site* s = d.find_site(*id);
    if (!s) return json_error(req, http::status::not_found, fmt::format("unknown site '{}'", *id));
    if (!who.may_see(s->id)) return access::forbidden(req, "this report belongs to another school");
    sites.push_back(s);
  } else {
    sites = sites_of(d, who);
    // The bureau's (and a user of several schools') report pools its schools.
    district_view = who.all_sites || sites.size() > 1;
  }
  if (sites.empty()) return access::forbidden(req, "no school to report on");

  std::chrono::year_month month;
  if (const auto* text = target.param("month")) {
    auto m = bureau::parse_month(*text);
    if (!m) return bad_request(req, m.error().code, m.error().message);
    month = *m;
  } else {  // last month, in the first school's zone
    auto today = bureau::local_date(now, sites.front()->time_zone);
    month = today.year() / today.month() - std::chrono::months{1};
  }
  auto months = bureau::school_months(month, sites, now);
  if (!months) return bad_request(req, months.error().code, months.error().message);

  alerts::alert_ledger* ledger = ledger_.load();
  history::history_store* store = history_.load();
  if (!ledger) return unavailable(req, "the alert ledger is not available");
  if (!store) return unavailable(req, "history is not available");

  bureau::span whole{core::time_point::max(), core::time_point::min()};
  for (const auto& m : *months) {
    whole.from = std::min(whole.from, m.from);
    whole.to = std::max(whole.to, m.to);
  }
  (csv ? reports_csv_ : reports_json_).inc();
  // The same report asked by several users at once (or again within half a minute) is
  // computed once: see shared_answers.
  std::string key = fmt::format("{}|{}|", bureau::to_string(month), district_view ? "pooled" : "one");
  if (who.all_sites && !target.param("site")) {
    key += "*";
  } else {
    for (const auto* s : sites) key.append(s->id).append(1, ',');
  }
  return deferred_response([ledger, store, &d, sites, district_view, month, whole, now, csv,
                            policy = policy_, pool = reports_, cache = reports_cache_,
                            key = std::move(key), req = std::move(req)](
                               const boost::asio::any_io_executor& session_strand,
                               reply_handler session_reply) {
    // This request's answer, once the report is there (on the thread that made it).
    auto answer = [&d, csv, req, session_strand, session_reply](const report_cache::outcome& o) {
      if (!o) return answer_on(session_strand, session_reply, o.error()(req));
      answer_on(session_strand, session_reply, report_response(req, **o, d, csv));
    };
    if (!cache->join(key, now, answer)) return;

    // Both answers are gathered, and the report computed, on a strand of the report thread,
    // not the session's: a district's month is work the loop that carries alarms must not do.
    const boost::asio::any_io_executor strand = boost::asio::make_strand(pool->get_executor());
    auto g = std::make_shared<report_gathering>();
    auto finish = [&d, sites, district_view, month, now, policy, cache, key, g] {
      if (!g->slice || !g->activity) return;  // the other answer is still to come
      const auto fail = [&](std::function<string_response(const request&)> make) {
        cache->finish(key, std::unexpected(std::move(make)), now);
      };
      if (!*g->slice) {
        return fail([why = g->slice->error().message](const request& r) {
          return unavailable(r, "the alert ledger could not be read: " + why);
        });
      }
      if (!*g->activity) {
        return fail([why = g->activity->error()](const request& r) {
          return unavailable(r, "history could not be read: " + why);
        });
      }
      auto r = [&] {
        const auto activity = rekey(**g->activity);
        g->activity.reset();  // the store's copy, freed before the report is built
        const bureau::report_sources in{(*g->slice)->entries, (*g->slice)->transitions,
                                        activity, *policy, now};
        return bureau::build_monthly_report(d, month, sites, district_view, in);
      }();
      g->slice.reset();
      // The month's entries and hours are freed: their pages go back to the system, or the
      // report thread's malloc arena would keep a district's month for ever.
      ::malloc_trim(0);
      if (!r) {
        return fail([e = r.error()](const request& q) { return bad_request(q, e.code, e.message); });
      }
      cache->finish(key, std::make_shared<const bureau::monthly_report>(std::move(*r)), now);
    };
    ledger->slice(site_ids(sites), whole.from, whole.to,
                  [strand, g, finish](alerts::ledger_result<alerts::ledger_slice> r) {
                    // On the ledger's thread: hand over to the strand.
                    boost::asio::post(strand, [g, finish, r = std::move(r)]() mutable {
                      g->slice = std::move(r);
                      finish();
                    });
                  });
    history::activity_query q{whole.from, whole.to, std::chrono::hours{1}, devices_of(d, sites)};
    if (q.devices.empty()) {
      boost::asio::post(strand, [g, finish] {
        g->activity = history::activity_result{std::vector<history::device_activity>{}};
        finish();
      });
      return;
    }
    store->activity(std::move(q), [strand, g, finish](history::activity_result r) {
      // On the store's thread: hand over to the strand.
      boost::asio::post(strand, [g, finish, r = std::move(r)]() mutable {
        g->activity = std::move(r);
        finish();
      });
    });
  });
}

}  // namespace campus::net
