// The hazard ledger over HTTP (docs/alerts.md):
//   GET  /api/alerts?site=&zone=&device=&family=&severity=&condition=&state=&overdue=1&from=&to=&limit=&offset=
//   GET  /api/alerts/{id}                         the entry and its transitions
//   POST /api/alerts/{id}/ack|rectify|close|report|note   {"who","note"}
//   POST /api/alerts/{id}/assign                  {"who","responsible","deadline"}
//   POST /api/hazards                             {"who","site","zone","device","title",…}
// `{id}` is 17 or A-000017. Bad requests are answered at once; good ones are deferred: the
// incident desk answers once the ledger has committed (or refused), and the answer is
// formatted on the session's strand. The person acting is the session's user.
#pragma once

#include <atomic>

#include "auth/principal.hpp"
#include "config/district.hpp"
#include "incident/incident_desk.hpp"
#include "net/denial_log.hpp"
#include "net/request_context.hpp"
#include "net/request_target.hpp"
#include "net/responses.hpp"

namespace campus::net {

class alerts_api {
 public:
  // `district` must outlive the api.
  explicit alerts_api(const config::district& district) : district_(district) {}

  // The desk must outlive the requests it is given. nullptr (the default): the routes are
  // not served here (the step-1 read-only /api/alerts answers instead).
  void set_desk(incident::incident_desk* desk) { desk_.store(desk); }
  bool ready() const { return desk_.load() != nullptr; }

  // True for the paths above.
  static bool serves(std::string_view path);

  // Safe to call from several threads at once.
  // `who` sees and changes only entries of their schools (another school's entry is "no such
  // alert" to them); acknowledging, rectifying, reporting, noting and registering need
  // duty_leader, closing and assigning safety_director. The person recorded is `who`.
  // `ctx.who` must be set. Refusals of another school's entry or beyond the role are recorded
  // in `denials` (see set_denials).
  route_result handle(request&& req, const request_target& target,
                      const request_context& ctx) const;
  // Where refusals are recorded; must outlive the api. Set before the server starts.
  void set_denials(const denial_log* d) { denials_ = d; }

 private:
  route_result list(request&& req, const request_target& target, const request_context& ctx,
                    incident::incident_desk& desk) const;
  route_result detail(request&& req, std::int64_t id, const request_context& ctx,
                      incident::incident_desk& desk) const;
  route_result act(request&& req, std::int64_t id, std::string_view what,
                   const request_context& ctx, incident::incident_desk& desk) const;
  route_result hazard(request&& req, const request_context& ctx,
                      incident::incident_desk& desk) const;
  void deny(const request_context& ctx, const request& req, std::string_view why) const;

  const config::district& district_;
  std::atomic<incident::incident_desk*> desk_{nullptr};
  const denial_log* denials_ = nullptr;
};

}  // namespace campus::net
