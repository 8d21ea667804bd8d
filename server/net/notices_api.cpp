#include "net/notices_api.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "net/notice_messages.hpp"
#include "notify/sms/sms_template.hpp"

namespace campus::net {

namespace json = boost::json;

namespace {

constexpr std::size_t max_title_chars = 100;
constexpr std::size_t max_body_chars = 2000;
constexpr std::string_view prefix = "/api/notices";

messages::notice_audience audience_of(const auth::principal& who) {
  return {who.all_sites, who.user};
}

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A refusal of the draft: the code for the client and the message for a person.
struct draft_problem {
  std::string_view code;
  std::string message;
};

std::expected<notice::notice_draft, draft_problem> parse_draft(std::string_view body,
                                                               const config::district& d) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    return std::unexpected(draft_problem{"bad_json", "the body must be a JSON object"});
  }
  const json::object& o = v.as_object();
  for (const auto& field : o) {
    const std::string_view key = field.key();
    if (key != "title" && key != "body" && key != "kind" && key != "severity" &&
        key != "sites" && key != "sms") {
      return std::unexpected(draft_problem{
          "unknown_field", fmt::format("unknown field '{}'; a notice has title, body, kind, "
                                       "severity, sites and sms",
                                       key)});
    }
  }
  notice::notice_draft draft;

  const json::value* title = o.if_contains("title");
  if (!title || !title->is_string()) {
    return std::unexpected(draft_problem{"bad_title", "'title' is required (a string)"});
  }
  draft.title = trimmed(std::string_view(title->as_string()));
  const auto title_chars = notify::sms::count_chars(draft.title);
  if (title_chars == 0 || title_chars > max_title_chars || has_control(draft.title)) {
    return std::unexpected(draft_problem{
        "bad_title", fmt::format("'title' must be 1 to {} characters on one line",
                                 max_title_chars)});
  }

  if (const json::value* b = o.if_contains("body"); b && !b->is_null()) {
    if (!b->is_string()) return std::unexpected(draft_problem{"bad_body", "'body' must be a string"});
    draft.body = trimmed(std::string_view(b->as_string()));
    if (notify::sms::count_chars(draft.body) > max_body_chars) {
      return std::unexpected(draft_problem{
          "bad_body", fmt::format("'body' must be at most {} characters", max_body_chars)});
    }
  }

  const json::value* kind = o.if_contains("kind");
  std::optional<notice::notice_kind> k;
  if (kind && kind->is_string()) k = notice::parse_notice_kind(std::string_view(kind->as_string()));
  if (!k) {
    return std::unexpected(
        draft_problem{"bad_kind", "'kind' must be weather, inspection or other"});
  }
  draft.kind = *k;

  if (const json::value* s = o.if_contains("severity");
      s && !s->is_null() && !(s->is_string() && s->as_string().empty())) {
    std::optional<core::severity> level;
    if (s->is_string()) level = core::parse_severity(std::string_view(s->as_string()));
    if (!level) {
      return std::unexpected(draft_problem{
          "bad_severity", "'severity' must be blue, yellow, orange or red (or left out)"});
    }
    draft.severity = level;
  }

  const json::value* sites = o.if_contains("sites");
  if (!sites || !sites->is_array() || sites->as_array().empty()) {
    return std::unexpected(draft_problem{
        "bad_sites", "'sites' must be a list of school ids, or [\"*\"] for every school"});
  }
  for (const auto& s : sites->as_array()) {
    if (!s.is_string()) {
      return std::unexpected(draft_problem{"bad_sites", "'sites' must hold school ids (strings)"});
    }
    const std::string_view id(s.as_string());
    if (id == "*") {
      if (sites->as_array().size() != 1) {
        return std::unexpected(
            draft_problem{"bad_sites", "\"*\" (every school) must be alone in 'sites'"});
      }
      for (const auto& site : d.sites) draft.sites.push_back(site.id);
      break;
    }
    if (!d.find_site(id)) {
      return std::unexpected(draft_problem{"unknown_site", fmt::format("unknown site '{}'", id)});
    }
    if (std::find(draft.sites.begin(), draft.sites.end(), id) == draft.sites.end()) {
      draft.sites.emplace_back(id);
    }
  }
  if (draft.sites.empty()) {
    return std::unexpected(draft_problem{"bad_sites", "the district has no school to send to"});
  }

  if (const json::value* sms = o.if_contains("sms"); sms && !sms->is_null()) {
    if (!sms->is_bool()) return std::unexpected(draft_problem{"bad_sms", "'sms' must be true or false"});
    draft.sms = sms->as_bool();
  }
  return draft;
}

// The board answers on its worker thread: carry the answer to the session's strand.
template <class T, class Format>
notice::notice_callback<T> answer_on(const boost::asio::any_io_executor& strand,
                                     reply_handler reply, Format format) {
  return [strand, reply = std::move(reply), format](notice::notice_result<T> r) mutable {
    boost::asio::post(strand, [reply, format, r = std::move(r)]() mutable { reply(format(r)); });
  };
}

}  // namespace

notices_api::notices_api(const config::district& district, core::metrics& metrics)
    : district_(district), metrics_(metrics) {
  metrics.describe("campus_notice_requests_refused_total", "counter",
                   "Notice API requests refused, by code (bad_title, unknown_site, forbidden, "
                   "not_found, not_a_recipient, ...).");
}

bool notices_api::serves(std::string_view path) {
  return path == prefix || (path.starts_with(prefix) && path.size() > prefix.size() &&
                            path[prefix.size()] == '/');
}

string_response notices_api::refuse(const request& req, http::status status,
                                    std::string_view code, std::string_view message) const {
  metrics_.get("campus_notice_requests_refused_total", fmt::format("code=\"{}\"", code)).inc();
  long suppressed = 0;
  if (refusal_log_.allow(suppressed)) {
    core::log(core::log_level::warn, "notices: {} {} refused ({}): {}{}", req.method_string(),
              req.target(), code, message,
              suppressed > 0 ? fmt::format(" ({} more not logged)", suppressed) : std::string());
  }
  return json_response(req, status, json::object{{"error", message}, {"code", code}});
}

string_response notices_api::refuse(const request& req, const notice::notice_error& e) const {
  using code = notice::notice_error::code;
  switch (e.what) {
    case code::not_found:
    case code::not_targeted:
      return refuse(req, http::status::not_found, "not_found", "no such notice");
    case code::invalid_argument:
      return refuse(req, http::status::bad_request, "invalid", e.message);
    case code::storage:
      return refuse(req, http::status::service_unavailable, "storage", e.message);
    case code::stopped:
      return refuse(req, http::status::service_unavailable, "unavailable", e.message);
  }
  return refuse(req, http::status::internal_server_error, "internal", e.message);
}

void notices_api::deny(const request_context& ctx, const request& req, std::string_view why) const {
  if (denials_) denials_->record(ctx, req.method_string(), req.target(), why);
}

route_result notices_api::handle(request&& req, const request_target& target,
                                 const request_context& ctx) const {
  notice::notice_board* board = board_.load();
  if (!board) {
    return refuse(req, http::status::service_unavailable, "unavailable",
                  "the notice board is not running");
  }
  auto wrong_method = [&](std::string_view allowed) {
    auto res = refuse(req, http::status::method_not_allowed, "method_not_allowed",
                      fmt::format("method {} not allowed; use {}", req.method_string(), allowed));
    res.set(http::field::allow, allowed);
    return res;
  };
  const std::string& path = target.path();
  if (path == prefix) {
    if (req.method() == http::verb::post) return create(std::move(req), ctx, *board);
    if (req.method() == http::verb::get) return list(std::move(req), target, ctx, *board);
    return wrong_method("GET, POST");
  }
  // /api/notices/{id}[/read]
  std::string_view rest = std::string_view(path).substr(prefix.size() + 1);
  const auto slash = rest.find('/');
  const auto id = notice::parse_notice_id(rest.substr(0, slash));
  if (!id) {
    return refuse(req, http::status::not_found, "not_found",
                  "no such notice; ids look like 3 or N-000003");
  }
  if (auto bad = target.unknown_param({})) {
    return refuse(req, http::status::bad_request, "bad_parameter", *bad);
  }
  if (slash == std::string_view::npos) {
    if (req.method() != http::verb::get) return wrong_method("GET");
    return detail(std::move(req), *id, ctx, *board);
  }
  if (rest.substr(slash + 1) != "read") {
    return refuse(req, http::status::not_found, "not_found",
                  "no such action; POST /api/notices/{id}/read");
  }
  if (req.method() != http::verb::post) return wrong_method("POST");
  return read(std::move(req), *id, ctx, *board);
}

route_result notices_api::create(request&& req, const request_context& ctx,
                                 notice::notice_board& board) const {
  const auth::principal& who = *ctx.who;
  if (!who.at_least(auth::role::bureau)) {
    deny(ctx, req, fmt::format("role {} may not send notices", auth::to_string(who.level)));
    return refuse(req, http::status::forbidden, "forbidden",
                  "sending a notice needs the role bureau or admin");
  }
  auto draft = parse_draft(req.body(), district_);
  if (!draft) return refuse(req, http::status::bad_request, draft.error().code, draft.error().message);
  draft->author = who.user;
  draft->author_name = who.display_name.empty() ? who.user : who.display_name;
  return deferred_response([this, &board, req = std::move(req), draft = std::move(*draft),
                            to = audience_of(who)](const boost::asio::any_io_executor& strand,
                                                   reply_handler reply) {
    board.create(draft, answer_on<notice::notice>(
                            strand, std::move(reply),
                            [this, req, to](const notice::notice_result<notice::notice>& r) {
                              if (!r) return refuse(req, r.error());
                              return json_response(
                                  req, http::status::created,
                                  json::object{{"notice", messages::notice_json(*r, to)}});
                            }));
  });
}

route_result notices_api::list(request&& req, const request_target& target,
                               const request_context& ctx, notice::notice_board& board) const {
  const auth::principal& who = *ctx.who;
  if (auto bad = target.unknown_param({"unread"})) {
    return refuse(req, http::status::bad_request, "bad_parameter", *bad);
  }
  notice::notice_filter filter;
  if (const std::string* unread = target.param("unread")) {
    if (*unread != "1" && *unread != "true" && *unread != "0" && *unread != "false") {
      return refuse(req, http::status::bad_request, "bad_parameter",
                    fmt::format("'unread' must be 1 or 0; got '{}'", *unread));
    }
    filter.unread_only = *unread == "1" || *unread == "true";
  }
  filter.all_sites = who.all_sites;
  filter.sites = who.sites;
  filter.user = who.user;
  if (!who.all_sites && who.sites.empty()) {  // bound to no school: nothing (never "all")
    return json_response(req, http::status::ok, json::object{{"notices", json::array{}}});
  }
  return deferred_response([this, &board, req = std::move(req), filter = std::move(filter),
                            to = audience_of(who)](const boost::asio::any_io_executor& strand,
                                                   reply_handler reply) {
    board.list(filter, answer_on<std::vector<notice::notice>>(
                           strand, std::move(reply),
                           [this, req, to](const notice::notice_result<std::vector<notice::notice>>& r) {
                             if (!r) return refuse(req, r.error());
                             json::array out;
                             for (const auto& n : *r) out.push_back(messages::notice_json(n, to));
                             return json_response(req, http::status::ok,
                                                  json::object{{"notices", std::move(out)}});
                           }));
  });
}

route_result notices_api::detail(request&& req, std::int64_t id, const request_context& ctx,
                                 notice::notice_board& board) const {
  return deferred_response([this, &board, id, ctx, req = std::move(req)](
                               const boost::asio::any_io_executor& strand, reply_handler reply) {
    board.get(id, answer_on<notice::notice>(
                      strand, std::move(reply),
                      [this, req, ctx](const notice::notice_result<notice::notice>& r) {
                        if (!r) return refuse(req, r.error());
                        const auth::principal& who = *ctx.who;
                        // Another school's notice is answered like a missing one.
                        if (!who.all_sites && !r->targets_any(who.sites)) {
                          deny(ctx, req, "another school's notice");
                          return refuse(req, http::status::not_found, "not_found",
                                        "no such notice");
                        }
                        return json_response(
                            req, http::status::ok,
                            json::object{{"notice", messages::notice_json(*r, audience_of(who))}});
                      }));
  });
}

route_result notices_api::read(request&& req, std::int64_t id, const request_context& ctx,
                               notice::notice_board& board) const {
  const auth::principal& who = *ctx.who;
  // The bureau sends notices; its own reading is no school's receipt.
  if (who.all_sites) {
    return refuse(req, http::status::forbidden, "not_a_recipient",
                  "only a user of a school the notice was sent to can mark it read");
  }
  notice::notice_reader_identity reader{who.user,
                                        who.display_name.empty() ? who.user : who.display_name,
                                        who.sites};
  return deferred_response([this, &board, id, ctx, reader = std::move(reader),
                            req = std::move(req)](const boost::asio::any_io_executor& strand,
                                                  reply_handler reply) {
    board.mark_read(
        id, reader,
        answer_on<notice::notice_read_change>(
            strand, std::move(reply),
            [this, req, ctx](const notice::notice_result<notice::notice_read_change>& r) {
              if (!r) {
                if (r.error().what == notice::notice_error::code::not_targeted) {
                  deny(ctx, req, "another school's notice");
                }
                return refuse(req, r.error());
              }
              return json_response(
                  req, http::status::ok,
                  json::object{{"notice", messages::notice_json(r->after, audience_of(*ctx.who))}});
            }));
  });
}

}  // namespace campus::net
