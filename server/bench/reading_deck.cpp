#include "bench/reading_deck.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string_view>

#include "adapters/registry.hpp"

namespace campus::bench {
namespace {

// campus/<site>/<zone>/<device>/<stream>: the device and the stream.
std::pair<std::string_view, std::string_view> device_and_stream(std::string_view topic) {
  std::string_view parts[5];
  for (auto& p : parts) {
    const auto slash = topic.find('/');
    p = topic.substr(0, slash);
    topic = slash == std::string_view::npos ? std::string_view{} : topic.substr(slash + 1);
  }
  return {parts[3], parts[4]};
}

}  // namespace

reading_deck reading_deck::make(const bench_district& d, payload_deck& deck) {
  reading_deck out;
  std::map<std::string_view, const config::device*, std::less<>> devices;
  for (const auto& dev : d.district.devices) devices.emplace(dev.id, &dev);
  std::map<std::string_view, std::unique_ptr<adapters::adapter>, std::less<>> made;
  std::optional<core::time_point> first, last;
  const auto now = wall_now();
  for (auto& slice : deck.slices()) {
    for (const auto& m : slice) {
      const auto [id, stream] = device_and_stream(m.topic);
      const auto dev = devices.find(id);
      if (dev == devices.end()) {
        ++out.refused_;
        continue;
      }
      auto& adapter = made[dev->first];
      if (!adapter) {
        auto a = adapters::builtin_registry().make(dev->second->family, dev->second->options);
        if (!a) {
          ++out.refused_;
          continue;
        }
        adapter = std::move(*a);
      }
      const adapters::context ctx{dev->second->site, dev->second->zone, dev->second->id, stream, now};
      auto parsed = adapter->parse(m.payload, ctx);
      if (!parsed || parsed->empty()) {
        out.refused_ += parsed ? 0 : 1;
        continue;
      }
      for (const auto& r : *parsed) {
        if (!first || r.ts < *first) first = r.ts;
        if (!last || r.ts > *last) last = r.ts;
      }
      out.points_ += parsed->size();
      out.messages_.push_back(std::move(*parsed));
    }
  }
  if (first) out.span_ = *last - *first + core::duration{1000};
  return out;
}

}  // namespace campus::bench
