#include "config/yaml_reader.hpp"

#include <sstream>

#include <fstream>

#include <boost/json.hpp>

#include <charconv>
#include <cmath>

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
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    error_at_line(e.mark.line + 1, "", "YAML syntax: " + e.msg);
    return std::nullopt;
  }
}

void yaml_reader::check_keys(const YAML::Node& map, const std::string& path,
                             std::initializer_list<const char*> known) {
  if (!map.IsMap()) return;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    bool found = false;
    for (const char* k : known) found = found || key == k;
    if (!found) {
      std::string expected;
      for (const char* k : known) expected += std::string(expected.empty() ? "" : ", ") + k;
      error(kv.first, join_path(path, key), "unknown setting (expected one of: " + expected + ")");
    }
  }
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
    if (required) error(map, join_path(path, key), "is required");
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
    if (required) error(map, join_path(path, key), "is required");
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
    if (required) error(map, join_path(path, key), "is required");
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
    if (required) error(map, join_path(path, key), "is required");
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
    if (required) error(map, join_path(path, key), "is required");
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
