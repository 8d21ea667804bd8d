#include "adapters/common/rejections.hpp"

#include <boost/json/serialize.hpp>

namespace campus::adapters {

std::string quote_text(std::string_view text) {
  if (text.size() <= max_quoted_chars) return std::string(text);
  std::size_t cut = max_quoted_chars - 3;
  // Step back over UTF-8 continuation bytes so the log line stays valid UTF-8.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  out += "...";
  return out;
}

std::string quote_json(const boost::json::value& v) { return quote_text(boost::json::serialize(v)); }

std::string_view kind_name(boost::json::kind k) {
  switch (k) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "an unknown kind";
}

rejection reject(std::string_view reason, std::string_view field, std::string_view what) {
  std::string detail;
  detail.reserve(field.size() + 2 + what.size());
  detail.append(field).append(": ").append(what);
  return rejection{std::string(reason), std::move(detail)};
}

}  // namespace campus::adapters
