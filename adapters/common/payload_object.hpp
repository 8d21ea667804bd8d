// Turning payload bytes into a JSON object, the first step of every JSON family.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <expected>
#include <string_view>

#include "adapters/adapter.hpp"

namespace campus::adapters {

// Deepest nesting of arrays/objects accepted. Boost.JSON's parser is iterative, but the value
// tree it builds is destroyed and serialised recursively, so depth stays bounded.
inline constexpr std::size_t max_payload_depth = 32;

// Parses strict JSON (no comments, no trailing commas, valid UTF-8) and requires an object at
// the top. Never throws for bad input: "malformed_json" (including nesting deeper than
// max_payload_depth) or "not_an_object".
std::expected<boost::json::object, rejection> parse_payload_object(std::string_view payload);

}  // namespace campus::adapters
