// Building HTTP responses that answer a given request (same HTTP version, keep-alive as asked).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace campus::net {

namespace http = boost::beast::http;

// Every request the server reads has a string body (bounded by the parser's body limit).
using request = http::request<http::string_body>;
using string_response = http::response<http::string_body>;

string_response text_response(const request& req, http::status status, std::string body,
                              std::string_view content_type);
string_response json_response(const request& req, http::status status,
                              const boost::json::value& body);
// {"error": message}
string_response json_error(const request& req, http::status status, std::string_view message);

}  // namespace campus::net
