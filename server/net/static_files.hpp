// Serves the dashboards folder: "/" is index.html, a folder serves its index.html, the
// content type follows the extension. A path is resolved only inside the folder: ".."
// segments are refused, and the resolved file (symbolic links followed) must lie under it.
#pragma once

#include <boost/beast/http/message_generator.hpp>

#include <expected>
#include <filesystem>
#include <string_view>

#include "net/responses.hpp"

namespace campus::net {

class static_files {
 public:
  enum class refusal { bad_path, not_found };

  // A root that does not exist serves 404 for everything (logged once, here).
  explicit static_files(std::filesystem::path root);

  // Maps a percent-decoded URL path ("/js/app.js") to a regular file under the root.
  std::expected<std::filesystem::path, refusal> resolve(std::string_view url_path) const;

  // GET and HEAD; other methods answer 405. Safe to call from several threads at once.
  http::message_generator serve(const request& req, std::string_view url_path) const;

  static std::string_view mime_type(const std::filesystem::path& file);

 private:
  std::filesystem::path root_;  // canonical; empty when the folder does not exist
};

}  // namespace campus::net
