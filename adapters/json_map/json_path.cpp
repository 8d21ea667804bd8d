#include "adapters/json_map/json_path.hpp"

#include <fmt/format.h>

#include "adapters/common/rejections.hpp"

namespace campus::adapters {

std::expected<json_path, std::string> json_path::parse(std::string_view text) {
  json_path p;
  p.text_ = text;
  std::size_t i = 0;
  auto at = [&](std::string_view what) {
    return std::unexpected(fmt::format("{} at character {}", what, i + 1));
  };
  while (true) {
    // A key: one or more characters up to '.', '[' or the end.
    std::size_t start = i;
    while (i < text.size() && text[i] != '.' && text[i] != '[' && text[i] != ']') ++i;
    if (i == start) return at("empty key");
    p.steps_.push_back({std::string(text.substr(start, i - start)), 0, false, i});
    // Any number of [n] indices.
    while (i < text.size() && text[i] == '[') {
      ++i;
      std::size_t digits = i;
      std::size_t index = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        index = index * 10 + static_cast<std::size_t>(text[i] - '0');
        if (index > max_index) return at(fmt::format("index above {}", max_index));
        ++i;
      }
      if (i == digits) return at("expected an array index (digits)");
      if (i == text.size() || text[i] != ']') return at("expected ']'");
      ++i;
      p.steps_.push_back({{}, index, true, i});
    }
    if (i == text.size()) return p;
    if (text[i] != '.') return at(fmt::format("unexpected '{}'", text[i]));
    ++i;
  }
}

std::expected<const boost::json::value*, rejection> json_path::find(
    const boost::json::object& root) const {
  const boost::json::value* v = nullptr;
  for (std::size_t s = 0; s < steps_.size(); ++s) {
    const step& st = steps_[s];
    if (!st.is_index) {
      const std::string* key = &st.key;
      if (s == 0) {
        v = root.if_contains(*key);
      } else if (v->is_object()) {
        v = v->get_object().if_contains(*key);
      } else {
        std::string_view prefix = std::string_view(text_).substr(0, steps_[s - 1].end);
        return std::unexpected(reject(reason::bad_type, prefix,
                                      fmt::format("must be an object, got {} {}",
                                                  kind_name(v->kind()), quote_json(*v))));
      }
    } else {
      std::size_t index = st.index;
      if (!v->is_array()) {
        std::string_view prefix = std::string_view(text_).substr(0, steps_[s - 1].end);
        return std::unexpected(reject(reason::bad_type, prefix,
                                      fmt::format("must be an array, got {} {}",
                                                  kind_name(v->kind()), quote_json(*v))));
      }
      const auto& arr = v->get_array();
      v = index < arr.size() ? &arr[index] : nullptr;
    }
    if (v == nullptr || v->is_null()) return nullptr;
  }
  return v;
}

}  // namespace campus::adapters
