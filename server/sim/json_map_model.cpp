#include "sim/json_map_model.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "sim/json_text.hpp"

namespace campus::sim {
namespace {

using path = std::vector<std::variant<std::string, std::size_t>>;

// "d.items[0].v" → d, items, 0, v. Paths the adapter would refuse give nullopt.
std::optional<path> parse_path(std::string_view text) {
  path out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t end = text.find_first_of(".[", i);
    const std::string_view key = text.substr(i, end == std::string_view::npos ? end : end - i);
    if (key.empty() || key.find(']') != std::string_view::npos) return std::nullopt;
    out.emplace_back(std::string(key));
    i = end == std::string_view::npos ? text.size() : end;
    while (i < text.size() && text[i] == '[') {
      const std::size_t close = text.find(']', i);
      if (close == std::string_view::npos) return std::nullopt;
      std::size_t index = 0;
      const auto [ptr, ec] = std::from_chars(text.data() + i + 1, text.data() + close, index);
      if (ec != std::errc{} || ptr != text.data() + close || index > 1024) return std::nullopt;
      out.emplace_back(index);
      i = close + 1;
    }
    if (i < text.size()) {
      if (text[i] != '.') return std::nullopt;
      ++i;
      if (i == text.size()) return std::nullopt;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

void write_at(boost::json::value& root, const path& where, boost::json::value v) {
  // Each step descends into the slot it creates, so no reference to a container that is
  // being grown is kept.
  boost::json::value* cur = &root;
  for (const auto& step : where) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      if (!cur->is_object()) *cur = boost::json::object{};
      cur = &cur->as_object()[*key];
    } else {
      const std::size_t index = std::get<std::size_t>(step);
      if (!cur->is_array()) *cur = boost::json::array{};
      auto& arr = cur->as_array();
      while (arr.size() <= index) arr.emplace_back(nullptr);
      cur = &arr[index];
    }
  }
  *cur = std::move(v);
}

double number_or(const boost::json::object& o, std::string_view key, double fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return fallback;
}

std::string string_or(const boost::json::object& o, std::string_view key, std::string fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return fallback;
  return std::string(v->get_string());
}

}  // namespace

json_map_model::json_map_model(device_place place, std::uint64_t seed)
    : device_model(std::move(place), seed) {
  const auto& options = this->place().options;
  ts_path_ = parse_path(string_or(options, "ts_path", "ts")).value_or(path{std::string("ts")});
  ts_seconds_ = string_or(options, "ts_unit", "ms") == "s";
  const auto* list = options.if_contains("fields");
  if (list == nullptr || !list->is_array()) return;
  for (const auto& item : list->get_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.get_object();
    auto where = parse_path(string_or(o, "path", ""));
    if (!where) continue;
    field f;
    f.where = std::move(*where);
    f.metric = string_or(o, "metric", "");
    f.state = string_or(o, "type", "number") == "state";
    f.scale = number_or(o, "scale", 1.0);
    if (f.scale == 0) f.scale = 1;
    f.offset = number_or(o, "offset", 0.0);
    fields_.push_back(std::move(f));
  }
}

double json_map_model::metric_value(field& f, const local_moment& local) {
  const bool kitchen = place().zone_type == "canteen_kitchen";
  const double noise = f.noise.next(rng());
  if (f.metric == "temp_c") {
    const double base = kitchen ? 24.0 + 6.0 * meal_activity(local) : 22.0;
    return std::clamp(base + noise, 18.0, 32.0);
  }
  if (f.metric == "rh_pct") {
    const double base = kitchen ? 55.0 + 8.0 * meal_activity(local) : 50.0;
    return std::clamp(base + 2.0 * noise, 40.0, 75.0);
  }
  if (f.metric == "lel_pct") return std::clamp(0.5 + 0.1 * noise, 0.1, 1.0);
  if (f.metric == "co_ppm") return std::clamp(2.0 + noise, 0.0, 5.0);
  if (f.metric == "voc_ppm") return std::clamp(0.3 + 0.05 * noise, 0.1, 0.5);
  return std::clamp(50.0 + 10.0 * noise, 0.0, 100.0);
}

std::vector<sim_message> json_map_model::sample(core::time_point now, const local_moment& local) {
  boost::json::value root = boost::json::object{};
  const std::int64_t ms = core::to_epoch_ms(now);
  write_at(root, ts_path_, ts_seconds_ ? ms / 1000 : ms);
  for (auto& f : fields_) {
    if (f.state) {
      write_at(root, f.where, "normal");
      continue;
    }
    const double raw = (metric_value(f, local) - f.offset) / f.scale;
    if (std::abs(f.scale) < 1) {
      write_at(root, f.where, static_cast<std::int64_t>(std::llround(raw)));
    } else {
      write_at(root, f.where, round_to(raw, f.scale == 1 ? 1 : 2));
    }
  }
  return {telemetry(root.as_object())};
}

}  // namespace campus::sim
