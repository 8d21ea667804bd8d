#include "adapters/common/payload_object.hpp"

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include "adapters/common/rejections.hpp"

namespace campus::adapters {

std::expected<boost::json::object, rejection> parse_payload_object(std::string_view payload) {
  boost::json::parse_options opts;
  opts.max_depth = max_payload_depth;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(payload, ec, {}, opts);
  if (ec) {
    return std::unexpected(reject(reason::malformed_json, "payload",
                                  fmt::format("{} (payload starts {:?})", ec.message(),
                                              quote_text(payload))));
  }
  if (!v.is_object()) {
    return std::unexpected(reject(reason::not_an_object, "payload",
                                  fmt::format("must be a JSON object, got {} {}",
                                              kind_name(v.kind()), quote_json(v))));
  }
  return std::move(v.get_object());
}

}  // namespace campus::adapters
