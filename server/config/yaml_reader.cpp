#include "config/yaml_reader.hpp"

#include <sstream>

#include <fstream>

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <string_view>

namespace campus::config {

std::string join_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string index_path(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string config_error::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!setting.empty()) out += setting + ": ";
  out += message;
  return out;
}

void yaml_reader::error(const YAML::Node& at, const std::string& setting,
                        const std::string& message) {
  int line = at.IsDefined() ? at.Mark().line + 1 : 0;
  errors_.push_back({file_, line, setting, message});
}

void yaml_reader::error_at_line(int line, const std::string& setting, const std::string& message) {
  errors_.push_back({file_, line, setting, message});
}

std::expected<std::string, std::vector<config_error>> yaml_reader::read_file(
    const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return std::unexpected(std::vector<config_error>{
        {file.string(), 0, "", "cannot open the configuration file"}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<YAML::Node> yaml_reader::load(const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    error_at_line(e.mark.line + 1, "", "YAML syntax: " + e.msg);
    return std::nullopt;
  }
  check_duplicate_keys(root, "");
  return root;
}

// yaml-cpp accepts a mapping with a key twice: iteration yields both entries, lookups the
// first. So the check walks the entries themselves, with the marks of their keys.
void yaml_reader::check_duplicate_keys(const YAML::Node& node, const std::string& path) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) check_duplicate_keys(node[i], index_path(path, i));
    return;
  }
  if (!node.IsMap()) return;
  std::map<std::string, int> first_line;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) continue;  // a complex key: the settings never use one
    const std::string& key = kv.first.Scalar();
    const int line = kv.first.Mark().line + 1;
    auto [it, fresh] = first_line.emplace(key, line);
    if (!fresh && duplicates_seen_.emplace(line, kv.first.Mark().column).second) {
      error_at_line(line, join_path(path, key),
                    "duplicate key `" + key + "` at line " + std::to_string(line) +
                        " (first at line " + std::to_string(it->second) + ")");
    }
    if (fresh) check_duplicate_keys(kv.second, join_path(path, key));
  }
}

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`, ignoring case: the
// optimal-string-alignment distance.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// The known key that `key` most likely misspells, among those `map` lacks: at most one edit
// for a key of up to 5 characters, two up to 10, three beyond (`thresold`, `treshhold` →
// threshold; `name_zh` is not taken for `id`). nullptr when none is that close.
const char* closest_known(const std::string& key, const YAML::Node& map,
                          std::initializer_list<const char*> known) {
  const char* best = nullptr;
  std::size_t best_distance = 0;
  for (const char* k : known) {
    if (map[k]) continue;  // present: the unknown key is something else
    const std::size_t length = std::string_view(k).size();
    const std::size_t limit = length <= 5 ? 1 : length <= 10 ? 2 : 3;
    const std::size_t distance = edit_distance(key, k);
    if (distance > limit || distance >= key.size()) continue;
    if (!best || distance < best_distance) {
      best = k;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace

void yaml_reader::check_keys(const YAML::Node& map, const std::string& path,
                             std::initializer_list<const char*> known) {
  if (!map.IsMap()) return;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    bool found = false;
    for (const char* k : known) found = found || key == k;
    if (found) continue;
    if (const char* meant = closest_known(key, map, known)) {
      error(kv.first, join_path(path, key),
            std::string("unknown setting: did you mean `") + meant + "`?");
      misspellings_.push_back({map, meant});
      continue;
    }
    std::string expected;
    for (const char* k : known) expected += std::string(expected.empty() ? "" : ", ") + k;
    error(kv.first, join_path(path, key), "unknown setting (expected one of: " + expected + ")");
  }
}

bool yaml_reader::misspelt(const YAML::Node& map, const char* key) const {
  if (!map.IsDefined()) return false;
  for (const auto& m : misspellings_)
    if (m.known == key && m.map.is(map)) return true;
  return false;
}

void yaml_reader::missing(const YAML::Node& map, const char* key, const std::string& setting,
                          const std::string& message) {
  if (!misspelt(map, key)) error(map, setting, message);
}

namespace {
std::string shown(const YAML::Node& n) {
  if (n.IsScalar()) return "\"" + n.Scalar() + "\"";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "nothing";
}
}  // namespace

std::optional<std::string> yaml_reader::string(const YAML::Node& map, const char* key,
                                               const std::string& path, bool required) {
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) {
    if (required) missing(map, key, join_path(path, key), "is required");
    return std::nullopt;
  }
  if (!n.IsScalar()) {
    error(n, join_path(path, key), "must be a string, got " + shown(n));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<double> yaml_reader::number(const YAML::Node& map, const char* key,
                                          const std::string& path, bool required) {
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) {
    if (required) missing(map, key, join_path(path, key), "is required");
    return std::nullopt;
  }
  double v = 0;
  const std::string& s = n.IsScalar() ? n.Scalar() : std::string();
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!n.IsScalar() || ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) {
    error(n, join_path(path, key), "must be a number, got " + shown(n));
    return std::nullopt;
  }
  return v;
}

std::optional<long long> yaml_reader::integer(const YAML::Node& map, const char* key,
                                              const std::string& path, bool required) {
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) {
    if (required) missing(map, key, join_path(path, key), "is required");
    return std::nullopt;
  }
  long long v = 0;
  const std::string& s = n.IsScalar() ? n.Scalar() : std::string();
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!n.IsScalar() || ec != std::errc{} || end != s.data() + s.size()) {
    error(n, join_path(path, key), "must be an integer, got " + shown(n));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> yaml_reader::boolean(const YAML::Node& map, const char* key,
                                         const std::string& path, bool required) {
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) {
    if (required) missing(map, key, join_path(path, key), "is required");
    return std::nullopt;
  }
  if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
  error(n, join_path(path, key), "must be true or false, got " + shown(n));
  return std::nullopt;
}

std::optional<core::duration> yaml_reader::parse_duration(const std::string& text) {
  long long amount = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (ec != std::errc{} || amount < 0) return std::nullopt;
  std::string_view unit(end, text.data() + text.size());
  using namespace std::chrono;
  if (unit == "ms") return milliseconds{amount};
  if (unit == "s") return duration_cast<milliseconds>(seconds{amount});
  if (unit == "m") return duration_cast<milliseconds>(minutes{amount});
  if (unit == "h") return duration_cast<milliseconds>(hours{amount});
  if (unit == "d") return duration_cast<milliseconds>(hours{24 * amount});
  return std::nullopt;
}

std::optional<core::duration> yaml_reader::duration(const YAML::Node& map, const char* key,
                                                    const std::string& path, bool required) {
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) {
    if (required) missing(map, key, join_path(path, key), "is required");
    return std::nullopt;
  }
  auto d = n.IsScalar() ? parse_duration(n.Scalar()) : std::nullopt;
  if (!d) {
    error(n, join_path(path, key),
          "must be a duration such as 500ms, 30s, 10m, 6h or 7d, got " + shown(n));
  }
  return d;
}

std::optional<int> yaml_reader::time_of_day(const YAML::Node& map, const char* key,
                                            const std::string& path, bool required) {
  auto s = string(map, key, path, required);
  if (!s) return std::nullopt;
  int h = -1, m = -1;
  if (s->size() == 5 && (*s)[2] == ':') {
    std::from_chars(s->data(), s->data() + 2, h);
    std::from_chars(s->data() + 3, s->data() + 5, m);
  }
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) {
    error(map[key], join_path(path, key), "must be a time of day HH:MM, got \"" + *s + "\"");
    return std::nullopt;
  }
  return h * 60 + m;
}

std::vector<std::string> yaml_reader::string_list(const YAML::Node& map, const char* key,
                                                  const std::string& path) {
  std::vector<std::string> out;
  const YAML::Node n = map[key];
  if (!n || n.IsNull()) return out;
  if (!n.IsSequence()) {
    error(n, join_path(path, key), "must be a list, got " + shown(n));
    return out;
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar()) {
      error(n[i], index_path(join_path(path, key), i), "must be a string, got " + shown(n[i]));
      continue;
    }
    out.push_back(n[i].Scalar());
  }
  return out;
}

boost::json::value yaml_reader::to_json(const YAML::Node& node) {
  if (node.IsMap()) {
    boost::json::object o;
    for (const auto& kv : node) o[kv.first.Scalar()] = to_json(kv.second);
    return o;
  }
  if (node.IsSequence()) {
    boost::json::array a;
    for (const auto& item : node) a.push_back(to_json(item));
    return a;
  }
  if (!node.IsScalar()) return nullptr;
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return boost::json::string(s);  // quoted in the file: a string
  if (s == "null" || s == "~") return nullptr;
  if (s == "true") return true;
  if (s == "false") return false;
  long long i = 0;
  if (auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
      ec == std::errc{} && end == s.data() + s.size()) {
    return i;
  }
  double d = 0;
  if (auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
      ec == std::errc{} && end == s.data() + s.size() && std::isfinite(d)) {
    return d;
  }
  return boost::json::string(s);
}

}  // namespace campus::config
