#include "bench/payload_deck.hpp"

#include <boost/json.hpp>

#include <map>
#include <memory>

#include "sim/device_model.hpp"
#include "sim/site_clock.hpp"

namespace campus::bench {
namespace {

void write_digits(std::string& s, std::size_t at, std::size_t len, std::uint64_t v) {
  for (std::size_t i = len; i-- > 0; v /= 10) s[at + i] = static_cast<char>('0' + v % 10);
}

}  // namespace

void stamp(deck_message& m, core::time_point now) {
  if (m.ts_len == 0) return;
  const auto ms = static_cast<std::uint64_t>(core::to_epoch_ms(now));
  write_digits(m.payload, m.ts_at, m.ts_len, m.ts_len == 13 ? ms : ms / 1000);
}

deck_message to_deck_message(std::string topic, std::string payload, core::time_point sampled) {
  deck_message m{std::move(topic), std::move(payload)};
  const auto ms = std::to_string(core::to_epoch_ms(sampled));
  const auto s = std::to_string(core::to_epoch_ms(sampled) / 1000);
  // The digits must stand alone (not part of a longer number).
  for (const auto& digits : {ms, s}) {
    const auto at = m.payload.find(digits);
    if (at == std::string::npos) continue;
    const auto end = at + digits.size();
    const bool alone = (at == 0 || !std::isdigit(static_cast<unsigned char>(m.payload[at - 1]))) &&
                       (end == m.payload.size() ||
                        !std::isdigit(static_cast<unsigned char>(m.payload[end])));
    if (!alone) continue;
    m.ts_at = static_cast<std::uint32_t>(at);
    m.ts_len = static_cast<std::uint8_t>(digits.size());
    break;
  }
  return m;
}

payload_deck payload_deck::make(const bench_district& d, int rounds, int slices,
                                std::uint64_t seed, bool telemetry_only) {
  payload_deck deck;
  deck.slices_.resize(static_cast<std::size_t>(slices));
  struct live {
    std::unique_ptr<sim::device_model> model;
    sim::site_clock clock;
  };
  std::vector<live> models;
  models.reserve(d.background.size());
  std::map<std::string_view, const config::site*> sites;
  for (const auto& s : d.district.sites) sites.emplace(s.id, &s);
  // The district's own order (district::find_device is a linear search).
  for (const auto& dev : d.district.devices) {
    if (dev.site == bench_district::probe_site) continue;
    const auto* site = sites.at(dev.site);
    auto model = sim::make_device_model(dev, *site, seed);
    auto clock = sim::site_clock::make(site->time_zone);
    if (model && clock) models.push_back({std::move(model), *clock});
  }
  // Samples a few seconds apart, as devices would send them; the time is now, so the models'
  // daily patterns (meal times) match the hour the bench runs at.
  const auto start = wall_now();
  for (int r = 0; r < rounds; ++r) {
    const auto at = start + std::chrono::seconds(2 * r);
    for (std::size_t i = 0; i < models.size(); ++i) {
      auto& slice = deck.slices_[i % deck.slices_.size()];
      for (auto& m : models[i].model->sample(at, models[i].clock.at(at)))
        if (!telemetry_only || m.topic.ends_with("/telemetry"))
          slice.push_back(to_deck_message(std::move(m.topic), std::move(m.payload), at));
    }
  }
  return deck;
}

std::size_t payload_deck::size() const {
  std::size_t n = 0;
  for (const auto& s : slices_) n += s.size();
  return n;
}

std::vector<probe_payloads> make_probe_payloads(const bench_district& d, std::uint64_t seed) {
  std::vector<probe_payloads> out;
  const auto now = wall_now();
  for (const auto& p : d.probes) {
    const auto* dev = d.district.find_device(p.device);
    const auto* site = dev ? d.district.find_site(dev->site) : nullptr;
    auto model = site ? sim::make_device_model(*dev, *site, seed) : nullptr;
    auto clock = site ? sim::site_clock::make(site->time_zone) : std::unexpected(std::string{});
    if (!model || !clock) continue;
    auto sampled = model->sample(now, clock->at(now));
    if (sampled.empty()) continue;
    auto with_lel = [&](double lel) {
      boost::system::error_code ec;
      auto v = boost::json::parse(sampled.front().payload, ec);
      if (ec || !v.is_object()) return deck_message{};
      v.as_object()["lel_pct"] = lel;
      return to_deck_message(sampled.front().topic, boost::json::serialize(v), now);
    };
    out.push_back({with_lel(d.red_threshold + 5), with_lel(d.clear_below / 4)});
  }
  return out;
}

}  // namespace campus::bench
