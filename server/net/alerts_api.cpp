#include "net/alerts_api.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <charconv>

#include "net/ledger_messages.hpp"
#include "net/utc_time.hpp"

namespace campus::net {

namespace json = boost::json;

namespace {

constexpr std::size_t max_person = 100;  // characters of a name, in bytes
constexpr std::size_t max_text = 4000;   // a note or description, in bytes

string_response method_not_allowed(const request& req, std::string_view allowed) {
  auto res = json_error(req, http::status::method_not_allowed,
                        fmt::format("method {} not allowed; use {}", req.method_string(), allowed));
  res.set(http::field::allow, allowed);
  return res;
}

string_response refused(const request& req, const alerts::ledger_error& e) {
  using code = alerts::ledger_error::code;
  auto status = http::status::conflict;
  switch (e.what) {
    case code::not_found:
      status = http::status::not_found;
      break;
    case code::missing_note:
    case code::invalid_argument:
      status = http::status::bad_request;
      break;
    case code::storage:
    case code::stopped:
      status = http::status::service_unavailable;
      break;
    case code::invalid_state:
    case code::condition_active:
    case code::not_rectified:
    case code::self_verification:
      break;
  }
  return json_response(req, status,
                       json::object{{"error", e.message}, {"code", alerts::to_string(e.what)}});
}

// The desk answers on its strand; carry the answer to the session's strand and reply there.
template <class T, class Format>
incident::incident_desk::callback<T> answer_on(const boost::asio::any_io_executor& strand,
                                               reply_handler reply, request req, Format format) {
  return [strand, reply = std::move(reply), req = std::move(req),
          format](alerts::ledger_result<T> r) mutable {
    boost::asio::post(strand, [reply, req, format, r = std::move(r)]() mutable {
      if (!r) return reply(refused(req, r.error()));
      reply(format(req, *r));
    });
  };
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  if (text.starts_with("A-") || text.starts_with("a-")) text.remove_prefix(2);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

std::expected<int, std::string> int_param(const request_target& t, std::string_view name,
                                          int fallback, int low, int high) {
  const std::string* text = t.param(name);
  if (!text) return fallback;
  int n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc{} || end != text->data() + text->size() || n < low || n > high) {
    return std::unexpected(
        fmt::format("'{}' must be a whole number from {} to {}; got '{}'", name, low, high, *text));
  }
  return n;
}

std::expected<alerts::ledger_filter, std::string> parse_filter(const request_target& t,
                                                               const config::district& d) {
  if (auto bad = t.unknown_param({"site", "zone", "device", "family", "severity", "condition", "state",
                                  "overdue", "from", "to", "limit", "offset"})) {
    return std::unexpected(*bad);
  }
  alerts::ledger_filter f;
  if (const auto* site = t.param("site")) {
    if (!d.find_site(*site)) return std::unexpected(fmt::format("unknown site '{}'", *site));
    f.sites.push_back(*site);
  }
  if (const auto* zone = t.param("zone")) f.zone = *zone;
  if (const auto* device = t.param("device")) f.device = *device;
  if (const auto* family = t.param("family")) f.family = *family;
  // The peak colour (max_severity): an entry that reached red is found by red after it fell
  // back, as the dashboards and the monthly report count it.
  if (const auto* s = t.param("severity")) {
    f.severity = core::parse_severity(*s);
    if (!f.severity) {
      return std::unexpected(
          fmt::format("'severity' must be blue, yellow, orange or red; got '{}'", *s));
    }
  }
  if (const auto* c = t.param("condition")) {
    f.cond = alerts::parse_condition(*c);
    if (!f.cond) {
      return std::unexpected(fmt::format("'condition' must be active or cleared; got '{}'", *c));
    }
  }
  if (const auto* s = t.param("state")) {
    if (*s == "open") {
      f.open_only = true;
    } else if (*s == "active") {  // step 1's ?state=active: the condition
      if (f.cond && *f.cond != rules::condition::active) {
        return std::unexpected("'state=active' contradicts 'condition'");
      }
      f.cond = rules::condition::active;
    } else if (auto h = alerts::parse_handling(*s)) {
      f.state = h;
    } else {
      return std::unexpected(fmt::format(
          "'state' must be open, new, acknowledged, rectified, closed or active; got '{}'", *s));
    }
  }
  if (const auto* o = t.param("overdue")) {
    if (*o != "1" && *o != "true" && *o != "0" && *o != "false") {
      return std::unexpected(fmt::format("'overdue' must be 1 or 0; got '{}'", *o));
    }
    f.overdue_only = *o == "1" || *o == "true";
  }
  for (auto [name, slot] : {std::pair{"from", &f.raised_from}, std::pair{"to", &f.raised_to}}) {
    if (const auto* text = t.param(name)) {
      auto at = utc_time::parse(*text);
      if (!at) return std::unexpected(fmt::format("bad '{}': {}", name, at.error()));
      *slot = *at;
    }
  }
  if (f.raised_from && f.raised_to && *f.raised_to <= *f.raised_from) {
    return std::unexpected("'to' must be after 'from'");
  }
  auto limit = int_param(t, "limit", alerts::ledger_filter::default_limit, 1,
                         alerts::ledger_filter::max_limit);
  if (!limit) return std::unexpected(limit.error());
  auto offset = int_param(t, "offset", 0, 0, 100'000'000);
  if (!offset) return std::unexpected(offset.error());
  f.limit = *limit;
  f.offset = *offset;
  return f;
}

// The request body as a JSON object of strings (and a number for deadlines).
class body_fields {
 public:
  static std::expected<body_fields, std::string> parse(const request& req) {
    boost::system::error_code ec;
    json::value v = json::parse(req.body(), ec);
    if (ec) return std::unexpected("the body must be a JSON object: " + ec.message());
    if (!v.is_object()) return std::unexpected("the body must be a JSON object");
    return body_fields(std::move(v.as_object()));
  }

  // A string field; absent → empty. Refuses another type and an over-long value.
  std::expected<std::string, std::string> text(std::string_view name, std::size_t max_bytes,
                                               bool required = false) const {
    const json::value* v = object_.if_contains(name);
    if (!v || v->is_null()) {
      if (required) return std::unexpected(fmt::format("'{}' is required", name));
      return std::string{};
    }
    if (!v->is_string()) return std::unexpected(fmt::format("'{}' must be a string", name));
    const auto& s = v->as_string();
    if (s.size() > max_bytes) {
      return std::unexpected(fmt::format("'{}' is longer than {} bytes", name, max_bytes));
    }
    if (required && s.find_first_not_of(" \t\r\n") == json::string::npos) {
      return std::unexpected(fmt::format("'{}' is required", name));
    }
    return std::string(s);
  }

  // Epoch ms (a number) or ISO 8601 (a string); absent or null → nullopt.
  std::expected<std::optional<core::time_point>, std::string> time(std::string_view name) const {
    const json::value* v = object_.if_contains(name);
    if (!v || v->is_null()) return std::optional<core::time_point>{};
    if (v->is_int64()) {
      return std::optional<core::time_point>{core::time_point{} +
                                             std::chrono::milliseconds(v->as_int64())};
    }
    if (v->is_string()) {
      auto t = utc_time::parse(std::string_view(v->as_string()));
      if (!t) return std::unexpected(fmt::format("bad '{}': {}", name, t.error()));
      return std::optional<core::time_point>{*t};
    }
    return std::unexpected(fmt::format("'{}' must be epoch milliseconds or ISO 8601", name));
  }

 private:
  explicit body_fields(json::object o) : object_(std::move(o)) {}
  json::object object_;
};

// Another school's entry is answered like a missing one: its existence is not told.
string_response not_yours(const request& req, std::int64_t id) {
  return json_response(req, http::status::not_found,
                       json::object{{"error", fmt::format("no such alert {}", alerts::display_id(id))},
                                    {"code", "not_found"}});
}

// The name recorded in the ledger for the person acting.
std::string person_of(const auth::principal& who) {
  return who.display_name.empty() ? who.user : who.display_name;
}

auth::role required_role(std::string_view what) {
  if (what == "close" || what == "assign") return auth::role::safety_director;
  return auth::role::duty_leader;
}

string_response entry_answer(const request& req, const incident::entry_view& v,
                             http::status status = http::status::ok) {
  return json_response(req, status, json::object{{"alert", messages::entry_json(v)}});
}

}  // namespace

bool alerts_api::serves(std::string_view path) {
  return path == "/api/alerts" || path.starts_with("/api/alerts/") || path == "/api/hazards";
}

void alerts_api::deny(const request_context& ctx, const request& req, std::string_view why) const {
  if (denials_) denials_->record(ctx, req.method_string(), req.target(), why);
}

route_result alerts_api::handle(request&& req, const request_target& target,
                                const request_context& ctx) const {
  const auth::principal& who = *ctx.who;
  incident::incident_desk* desk = desk_.load();
  if (!desk) {
    return json_error(req, http::status::service_unavailable, "the alert ledger is not running");
  }
  const std::string& path = target.path();
  if (path == "/api/hazards") {
    if (req.method() != http::verb::post) return method_not_allowed(req, "POST");
    return hazard(std::move(req), ctx, *desk);
  }
  if (path == "/api/alerts") {
    if (req.method() != http::verb::get) return method_not_allowed(req, "GET");
    return list(std::move(req), target, ctx, *desk);
  }
  // /api/alerts/{id}[/{action}]
  std::string_view rest = std::string_view(path).substr(std::string_view("/api/alerts/").size());
  const auto slash = rest.find('/');
  const auto id = parse_id(rest.substr(0, slash));
  if (!id) {
    return json_error(req, http::status::not_found,
                      fmt::format("no such alert '{}'; ids look like 17 or A-000017",
                                  rest.substr(0, slash)));
  }
  if (slash == std::string_view::npos) {
    if (req.method() != http::verb::get) return method_not_allowed(req, "GET");
    if (auto bad = target.unknown_param({})) return json_error(req, http::status::bad_request, *bad);
    return detail(std::move(req), *id, ctx, *desk);
  }
  const std::string_view what = rest.substr(slash + 1);
  if (what != "assign" && !incident::parse_action(what)) {
    return json_error(req, http::status::not_found,
                      fmt::format("no such action '{}'; use ack, rectify, close, report, note "
                                  "or assign",
                                  what));
  }
  if (req.method() != http::verb::post) return method_not_allowed(req, "POST");
  const auth::role needed = required_role(what);
  if (!who.at_least(needed)) {
    deny(ctx, req, fmt::format("role {} may not {}", auth::to_string(who.level), what));
    return json_error(req, http::status::forbidden,
                      fmt::format("'{}' needs the role {} or higher", what, auth::to_string(needed)));
  }
  return act(std::move(req), *id, what, ctx, *desk);
}

route_result alerts_api::list(request&& req, const request_target& target,
                              const request_context& ctx, incident::incident_desk& desk) const {
  const auth::principal& who = *ctx.who;
  auto filter = parse_filter(target, district_);
  if (!filter) return json_error(req, http::status::bad_request, filter.error());
  if (!who.all_sites) {
    if (filter->sites.empty()) {
      filter->sites = who.sites;
    } else if (!who.may_see(filter->sites.front())) {
      deny(ctx, req, "another school");
      return json_error(req, http::status::bad_request,
                        fmt::format("unknown site '{}'", filter->sites.front()));
    }
    if (filter->sites.empty()) {  // bound to no school: nothing to show (never "all")
      return json_response(req, http::status::ok,
                           json::object{{"alerts", json::array{}}, {"total", 0}});
    }
  }
  return deferred_response([&desk, req = std::move(req), f = std::move(*filter)](
                               const boost::asio::any_io_executor& strand, reply_handler reply) {
    desk.list(f, answer_on<incident::view_page>(
                     strand, std::move(reply), req,
                     [](const request& req, const incident::view_page& page) {
                       json::array entries;
                       for (const auto& v : page.entries) entries.push_back(messages::entry_json(v));
                       return json_response(req, http::status::ok,
                                            json::object{{"alerts", std::move(entries)},
                                                         {"total", page.total}});
                     }));
  });
}

route_result alerts_api::detail(request&& req, std::int64_t id, const request_context& ctx,
                                incident::incident_desk& desk) const {
  return deferred_response([this, &desk, id, ctx, req = std::move(req)](
                               const boost::asio::any_io_executor& strand, reply_handler reply) {
    desk.detail(id, answer_on<incident::entry_detail>(
                        strand, std::move(reply), req,
                        [this, ctx, id](const request& req, const incident::entry_detail& d) {
                          if (!ctx.who->may_see(d.view.entry.site)) {
                            deny(ctx, req, "another school's entry");
                            return not_yours(req, id);
                          }
                          json::array ts;
                          for (const auto& t : d.transitions)
                            ts.push_back(messages::transition_json(t));
                          return json_response(req, http::status::ok,
                                               json::object{{"alert", messages::entry_json(d.view)},
                                                            {"transitions", std::move(ts)}});
                        }));
  });
}

route_result alerts_api::act(request&& req, std::int64_t id, std::string_view what,
                             const request_context& ctx, incident::incident_desk& desk) const {
  const auth::principal& who = *ctx.who;
  auto body = body_fields::parse(req);
  if (!body) return json_error(req, http::status::bad_request, body.error());
  auto note = body->text("note", max_text);
  if (!note) return json_error(req, http::status::bad_request, note.error());
  auto responsible = body->text("responsible", max_person);
  if (!responsible) return json_error(req, http::status::bad_request, responsible.error());
  auto deadline = body->time("deadline");
  if (!deadline) return json_error(req, http::status::bad_request, deadline.error());
  // The change goes to the desk only once the entry is known to be of the user's schools.
  return deferred_response([this, &desk, id, who, ctx, what = std::string(what), req = std::move(req),
                            note = std::move(*note), responsible = std::move(*responsible),
                            deadline = *deadline](const boost::asio::any_io_executor& strand,
                                                  reply_handler reply) mutable {
    desk.entry(id, [this, &desk, id, who, ctx, what, req, note, responsible, deadline, strand,
                    reply](alerts::ledger_result<incident::entry_view> found) mutable {
      // On the desk's strand.
      if (!found || !who.may_see(found->entry.site)) {
        if (found) deny(ctx, req, "another school's entry");
        auto answer = found ? not_yours(req, id) : refused(req, found.error());
        return boost::asio::post(strand, [reply, answer = std::move(answer)]() mutable {
          reply(std::move(answer));
        });
      }
      auto done = answer_on<incident::entry_view>(
          strand, std::move(reply), req,
          [](const request& req, const incident::entry_view& v) { return entry_answer(req, v); });
      if (what == "assign") {
        return desk.assign(id, person_of(who), std::move(responsible), deadline, std::move(done));
      }
      desk.act(*incident::parse_action(what), id, person_of(who), std::move(note),
               std::move(done));
    });
  });
}

route_result alerts_api::hazard(request&& req, const request_context& ctx,
                                incident::incident_desk& desk) const {
  const auth::principal& who = *ctx.who;
  if (!who.at_least(auth::role::duty_leader)) {
    deny(ctx, req, fmt::format("role {} may not register hazards", auth::to_string(who.level)));
    return json_error(req, http::status::forbidden,
                      "registering a hazard needs the role duty_leader or higher");
  }
  auto body = body_fields::parse(req);
  if (!body) return json_error(req, http::status::bad_request, body.error());
  alerts::hazard_spec spec;
  std::string error;
  auto take = [&](std::string_view name, std::size_t max, bool required, std::string& into) {
    if (!error.empty()) return;
    auto v = body->text(name, max, required);
    if (!v) {
      error = v.error();
    } else {
      into = std::move(*v);
    }
  };
  spec.reported_by = person_of(who);
  take("site", max_person, true, spec.site);
  take("zone", max_person, false, spec.zone);
  take("device", max_person, false, spec.device);
  take("title", 200, true, spec.title);
  take("description", max_text, false, spec.description);
  take("responsible", max_person, false, spec.responsible);
  std::string severity;
  take("severity", 10, false, severity);
  if (!error.empty()) return json_error(req, http::status::bad_request, error);
  const config::site* site = district_.find_site(spec.site);
  if (site && !who.may_see(spec.site)) deny(ctx, req, "another school");
  if (!site || !who.may_see(spec.site)) {
    return json_error(req, http::status::bad_request, fmt::format("unknown site '{}'", spec.site));
  }
  if (!spec.zone.empty() && !site->find_zone(spec.zone)) {
    return json_error(req, http::status::bad_request,
                      fmt::format("site '{}' has no zone '{}'", spec.site, spec.zone));
  }
  if (!spec.device.empty()) {
    const config::device* d = district_.find_device(spec.device);
    if (!d || d->site != spec.site) {
      return json_error(req, http::status::bad_request,
                        fmt::format("site '{}' has no device '{}'", spec.site, spec.device));
    }
    spec.family = d->family;
    if (spec.zone.empty()) spec.zone = d->zone;
  }
  if (!severity.empty()) {
    auto s = core::parse_severity(severity);
    if (!s) {
      return json_error(req, http::status::bad_request,
                        "'severity' must be blue, yellow, orange or red");
    }
    spec.severity = *s;
  }
  auto deadline = body->time("deadline");
  if (!deadline) return json_error(req, http::status::bad_request, deadline.error());
  spec.deadline = *deadline;
  return deferred_response([&desk, req = std::move(req), spec = std::move(spec)](
                               const boost::asio::any_io_executor& strand, reply_handler reply) {
    desk.register_hazard(spec, answer_on<incident::entry_view>(
                                   strand, std::move(reply), req,
                                   [](const request& req, const incident::entry_view& v) {
                                     return entry_answer(req, v, http::status::created);
                                   }));
  });
}

}  // namespace campus::net
