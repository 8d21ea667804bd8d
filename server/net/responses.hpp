// Building HTTP responses that answer a given request (same HTTP version, keep-alive as asked).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <variant>

namespace campus::net {

namespace http = boost::beast::http;

// Every request the server reads has a string body (bounded by the parser's body limit).
using request = http::request<http::string_body>;
using string_response = http::response<http::string_body>;

// A response that is ready later (a history query runs on the store's thread). The route
// returns a deferred_response; the session calls it once with its strand and a reply_handler,
// and reads no further request until the reply is written. The route must call `reply` exactly
// once, on `strand` (it posts there from wherever its work completes).
using reply_handler = std::function<void(string_response)>;
using deferred_response =
    std::function<void(const boost::asio::any_io_executor& strand, reply_handler reply)>;
// What a route answers: a response now, or one later.
using route_result = std::variant<http::message_generator, deferred_response>;

string_response text_response(const request& req, http::status status, std::string body,
                              std::string_view content_type);
string_response json_response(const request& req, http::status status,
                              const boost::json::value& body);
// The same for a body already serialised (answers shared by several requests).
string_response json_body_response(const request& req, http::status status, std::string body);
// {"error": message}
string_response json_error(const request& req, http::status status, std::string_view message);

}  // namespace campus::net
