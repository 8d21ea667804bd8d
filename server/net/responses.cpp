#include "net/responses.hpp"

#include <boost/json/serialize.hpp>

namespace campus::net {

string_response text_response(const request& req, http::status status, std::string body,
                              std::string_view content_type) {
  string_response res{status, req.version()};
  res.set(http::field::server, "campus-shield");
  res.set(http::field::content_type, content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  // A HEAD answer has the GET answer's headers and no body: a body would be read as the start
  // of the next response on a keep-alive connection.
  if (req.method() == http::verb::head) res.body().clear();
  return res;
}

string_response json_response(const request& req, http::status status,
                              const boost::json::value& body) {
  return json_body_response(req, status, boost::json::serialize(body));
}

string_response json_body_response(const request& req, http::status status, std::string body) {
  auto res = text_response(req, status, std::move(body), "application/json");
  // Live data: a cached copy would be wrong a second later.
  res.set(http::field::cache_control, "no-store");
  return res;
}

string_response json_error(const request& req, http::status status, std::string_view message) {
  return json_response(req, status, boost::json::object{{"error", message}});
}

}  // namespace campus::net
