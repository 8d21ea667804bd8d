// Factory-side checks of a device's `options` (configuration, so errors fail start-up).
// Every message starts with the option's path, "options.fields[1].scale: must be a number,
// got \"x\"", so check-config can point at the exact setting.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace campus::adapters {

// "<path>: <what>".
std::string option_error(std::string_view path, std::string_view what);

// "<path>: must be <wanted>, got <json>".
std::string option_type_error(std::string_view path, std::string_view wanted,
                              const boost::json::value& got);

// The error for the first key of `o` not in `known` (typos must not silently become defaults),
// or nothing. `path` is the path of `o` itself, e.g. "options" or "options.fields[0]".
std::optional<std::string> unknown_option(const boost::json::object& o, std::string_view path,
                                          std::initializer_list<std::string_view> known);

}  // namespace campus::adapters
