// A location inside a payload, written the way vendors' manuals do: dot-separated object keys
// with [n] array indices, e.g. "data.gas.lel" or "readings[0].v" or "m[2][1]".
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "adapters/adapter.hpp"

namespace campus::adapters {

class json_path {
 public:
  // Largest array index accepted in a path; bigger ones are certainly typos.
  static constexpr std::size_t max_index = 65535;

  // Parses `text`; the error says what is wrong and where ("empty key at character 6").
  // Keys are any characters but '.', '[' and ']'; the path starts with a key.
  static std::expected<json_path, std::string> parse(std::string_view text);

  const std::string& text() const { return text_; }

  // The value at this path in `root`, or nullptr when a key or index is absent or the value
  // on the way is null (vendors send null for "no value"). A value on the way that is neither
  // absent nor of the kind the next step needs is a "bad_type" rejection naming that prefix.
  std::expected<const boost::json::value*, rejection> find(const boost::json::object& root) const;

 private:
  struct step {
    // An object key, or an array index when is_index. (Not a std::variant: GCC 12 warns
    // falsely about moving a variant holding a string.)
    std::string key;
    std::size_t index = 0;
    bool is_index = false;
    std::size_t end;  // length of the text prefix up to and including this step, for messages
  };

  std::string text_;
  std::vector<step> steps_;
};

}  // namespace campus::adapters
