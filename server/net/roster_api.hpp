// GET /api/roster?site=ID[&at=TIME] — who is on duty at a school at a time (now by default),
// every role, from the duty roster (server/notify/duty/roster.hpp). `at` is epoch ms or
// ISO-8601. Phone numbers are masked: the API has no login until users and roles exist.
#pragma once

#include "auth/principal.hpp"
#include "ingest/live_state.hpp"
#include "net/request_target.hpp"
#include "net/responses.hpp"
#include "notify/duty/roster.hpp"

namespace campus::net {

class roster_api {
 public:
  explicit roster_api(const ingest::live_state& state) : state_(state) {}

  // nullptr: no roster configured, the route answers 503. Set before the server starts.
  void set_roster(const notify::duty::roster* r) { roster_ = r; }

  // `target.path()` is "/api/roster". Safe to call from several threads at once.
  // Only schools `who` may see.
  string_response handle(const request& req, const request_target& target,
                         const auth::principal& who) const;

  // "+8613800000001" → "+86138****0001"
  static std::string mask_phone(std::string_view phone);

 private:
  const ingest::live_state& state_;
  const notify::duty::roster* roster_ = nullptr;
};

}  // namespace campus::net
