#include "net/static_files.hpp"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>

#include <algorithm>
#include <cctype>

#include "core/log.hpp"

namespace campus::net {

namespace fs = std::filesystem;

static_files::static_files(fs::path root) {
  std::error_code ec;
  auto canonical = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canonical, ec)) {
    core::log(core::log_level::warn, "net: dashboards folder '{}' not found; static files disabled",
              root.string());
    return;
  }
  root_ = std::move(canonical);
}

std::expected<fs::path, static_files::refusal> static_files::resolve(
    std::string_view url_path) const {
  if (url_path.empty() || url_path.front() != '/') return std::unexpected(refusal::bad_path);
  fs::path relative;
  std::string_view rest = url_path.substr(1);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    // ".." could climb out of the root; a backslash or NUL has no business in a file name here.
    if (segment == ".." || segment.find_first_of(std::string_view("\\\0", 2)) !=
                               std::string_view::npos) {
      return std::unexpected(refusal::bad_path);
    }
    relative /= fs::path(segment);
  }
  // The folder also holds what builds it (npm packages, lock file, the vendoring script);
  // only the page and its assets are served.
  if (relative.begin() != relative.end()) {
    const std::string first = relative.begin()->string();
    if (first == "node_modules" || first == "package.json" || first == "package-lock.json" ||
        first == "vendor.mjs") {
      return std::unexpected(refusal::not_found);
    }
  }
  if (root_.empty()) return std::unexpected(refusal::not_found);

  std::error_code ec;
  fs::path file = fs::weakly_canonical(root_ / relative, ec);
  if (ec) return std::unexpected(refusal::not_found);
  if (fs::is_directory(file, ec)) file /= "index.html";
  file = fs::weakly_canonical(file, ec);
  if (ec) return std::unexpected(refusal::not_found);
  // A symbolic link inside the folder may point outside it: compare resolved paths.
  const auto [root_end, _] = std::mismatch(root_.begin(), root_.end(), file.begin(), file.end());
  if (root_end != root_.end()) return std::unexpected(refusal::not_found);
  if (!fs::is_regular_file(file, ec)) return std::unexpected(refusal::not_found);
  return file;
}

std::string_view static_files::mime_type(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".gif") return "image/gif";
  if (ext == ".ico") return "image/vnd.microsoft.icon";
  if (ext == ".webp") return "image/webp";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".map") return "application/json";
  return "application/octet-stream";
}

http::message_generator static_files::serve(const request& req, std::string_view url_path) const {
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = text_response(req, http::status::method_not_allowed, "method not allowed\n",
                             "text/plain; charset=utf-8");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  auto file = resolve(url_path);
  if (!file) {
    if (file.error() == refusal::bad_path) {
      return text_response(req, http::status::bad_request, "bad path\n",
                           "text/plain; charset=utf-8");
    }
    return text_response(req, http::status::not_found, "not found\n", "text/plain; charset=utf-8");
  }

  http::file_body::value_type body;
  boost::beast::error_code ec;
  body.open(file->c_str(), boost::beast::file_mode::scan, ec);
  if (ec) {
    return text_response(req, http::status::not_found, "not found\n", "text/plain; charset=utf-8");
  }
  const auto size = body.size();
  if (req.method() == http::verb::head) {
    http::response<http::empty_body> res{http::status::ok, req.version()};
    res.set(http::field::server, "campus-shield");
    res.set(http::field::content_type, mime_type(*file));
    res.content_length(size);
    res.keep_alive(req.keep_alive());
    return res;
  }
  http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                      std::make_tuple(http::status::ok, req.version())};
  res.set(http::field::server, "campus-shield");
  res.set(http::field::content_type, mime_type(*file));
  res.content_length(size);
  res.keep_alive(req.keep_alive());
  return res;
}

}  // namespace campus::net
