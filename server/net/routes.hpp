// Where an HTTP request goes: /healthz, /metrics, the JSON API under /api/, and otherwise the
// dashboards' static files. (The /ws upgrade is taken by http_session before this.)
#pragma once

#include <boost/beast/http/message_generator.hpp>

#include <filesystem>

#include "core/metrics.hpp"
#include "ingest/live_state.hpp"
#include "net/api.hpp"
#include "net/responses.hpp"
#include "net/static_files.hpp"

namespace campus::net {

class routes {
 public:
  routes(const ingest::live_state& state, core::metrics& metrics,
         std::filesystem::path dashboards_dir);

  // Answers any request; never throws for bad input. Safe to call from several threads at once.
  http::message_generator handle(request&& req) const;

 private:
  api api_;
  static_files files_;
  core::metrics& metrics_;
};

}  // namespace campus::net
