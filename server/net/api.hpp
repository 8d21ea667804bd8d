// The JSON API under /api/, read-only in step 1:
//   GET /api/sites                     the district, its sites and their zones
//   GET /api/devices[?site=ID]         devices with status and last values
//   GET /api/alerts[?state=active][&site=ID]  active alerts (the only state kept in step 1)
// Unknown paths answer 404, other methods 405, bad queries 400, each with {"error": "..."}.
#pragma once

#include "auth/principal.hpp"
#include "ingest/live_state.hpp"
#include "net/request_target.hpp"
#include "net/responses.hpp"

namespace campus::net {

class api {
 public:
  // `state` must outlive the api; it is read (copied out under its lock) on any strand.
  explicit api(const ingest::live_state& state) : state_(state) {}

  // `target.path()` starts with "/api/". Safe to call from several threads at once.
  // Shows only the schools `who` may see.
  string_response handle(const request& req, const request_target& target,
                         const auth::principal& who) const;

  const config::district& district() const { return state_.district(); }

 private:
  string_response sites(const request& req, const request_target& target,
                        const auth::principal& who) const;
  string_response devices(const request& req, const request_target& target,
                          const auth::principal& who) const;
  string_response alerts(const request& req, const request_target& target,
                         const auth::principal& who) const;

  const ingest::live_state& state_;
};

}  // namespace campus::net
