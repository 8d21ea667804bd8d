// Bureau notices over HTTP (docs/bureau.md "Notices"):
//   POST /api/notices                 bureau or admin: {"title","body","kind","severity","sites","sms"}
//   GET  /api/notices[?unread=1]      bureau/admin: every notice with receipts; a school user:
//                                     the notices to their schools, with read_by_me
//   GET  /api/notices/{id}            the notice (another school's is "no such notice")
//   POST /api/notices/{id}/read       a user of a targeted school has read it (idempotent)
// `{id}` is 3 or N-000003. Bad requests are answered at once with 400 {"error","code"}; good
// ones are deferred: the notice board answers from its worker thread once committed (or
// refused), and the answer is posted to the session's strand and formatted there. Every
// refusal is counted (campus_notice_requests_refused_total{code}) and logged at a bounded rate.
#pragma once

#include <atomic>

#include "config/district.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "net/denial_log.hpp"
#include "net/request_context.hpp"
#include "net/request_target.hpp"
#include "net/responses.hpp"
#include "notice/notice_board.hpp"

namespace campus::net {

class notices_api {
 public:
  // `district` and `metrics` must outlive the api.
  notices_api(const config::district& district, core::metrics& metrics);

  // The board must outlive the requests it is given. nullptr (the default): 503.
  void set_board(notice::notice_board* board) { board_.store(board); }
  // Where refusals of another school or beyond the role are recorded; set before the server
  // starts; must outlive the api.
  void set_denials(const denial_log* d) { denials_ = d; }

  // True for the paths above.
  static bool serves(std::string_view path);

  // `ctx.who` must be set. Safe to call from several threads at once.
  route_result handle(request&& req, const request_target& target,
                      const request_context& ctx) const;

 private:
  route_result create(request&& req, const request_context& ctx,
                      notice::notice_board& board) const;
  route_result list(request&& req, const request_target& target, const request_context& ctx,
                    notice::notice_board& board) const;
  route_result detail(request&& req, std::int64_t id, const request_context& ctx,
                      notice::notice_board& board) const;
  route_result read(request&& req, std::int64_t id, const request_context& ctx,
                    notice::notice_board& board) const;
  // 4xx/5xx {"error","code"}, counted and logged (thread-safe).
  string_response refuse(const request& req, http::status status, std::string_view code,
                         std::string_view message) const;
  string_response refuse(const request& req, const notice::notice_error& e) const;
  void deny(const request_context& ctx, const request& req, std::string_view why) const;

  const config::district& district_;
  core::metrics& metrics_;
  std::atomic<notice::notice_board*> board_{nullptr};
  const denial_log* denials_ = nullptr;
  mutable core::log_rate_limiter refusal_log_;
};

}  // namespace campus::net
