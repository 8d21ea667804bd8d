#include "sim/backfill_hazards.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace campus::sim {
namespace {

using namespace std::chrono_literals;

struct hazard_kind {
  std::string_view title;
  std::string_view description;
  std::string_view zone_type;  // empty: anywhere in the school
  core::severity severity;
};

// What a safety inspection at a school typically finds. A kind whose zone type the school
// lacks is not planned there.
constexpr std::array<hazard_kind, 10> kinds{{
    {"灭火器过期", "教学楼二层走廊灭火器压力表指针在红区，已超过检验有效期。", "",
     core::severity::yellow},
    {"实验室通风橱故障", "化学实验室通风橱风机不转，实验时有刺激性气味。", "lab",
     core::severity::orange},
    {"食堂排烟管道油污", "后厨排烟管道内油污堆积较厚，存在火灾隐患。", "canteen_kitchen",
     core::severity::yellow},
    {"池塘护栏破损", "校外池塘东侧护栏一段断裂，学生可直接靠近水边。", "water_zone",
     core::severity::orange},
    {"疏散通道堆放杂物", "宿舍楼一楼疏散通道堆放桌椅杂物，影响疏散。", "", core::severity::yellow},
    {"应急照明灯损坏", "办公楼楼梯间应急照明灯断电测试不亮。", "", core::severity::blue},
    {"危化品台账与实物不符", "危化品储存室领用台账与柜内实物数量不一致。", "chemical_store",
     core::severity::yellow},
    {"锅炉房压力表未按期校验", "锅炉房压力表校验标签已过期。", "boiler_room",
     core::severity::yellow},
    {"宿舍私拉电线", "学生宿舍发现私拉电线给电动车充电。", "dormitory", core::severity::orange},
    {"校门防冲撞设施损坏", "南校门防冲撞升降柱无法升起。", "gate", core::severity::yellow},
}};

std::uint64_t key_of(std::string_view site, int month_index, int i) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : site) h = (h ^ c) * 1099511628211ULL;
  return h ^ (static_cast<std::uint64_t>(month_index) << 20) ^ static_cast<std::uint64_t>(i);
}

}  // namespace

std::vector<backfill_hazard> plan_backfill_hazards(const config::district& district,
                                                   const std::string& site, core::time_point from,
                                                   core::time_point to,
                                                   const backfill_people& people) {
  std::vector<backfill_hazard> out;
  for (const auto& s : district.sites) {
    if (!site.empty() && s.id != site) continue;
    const date::time_zone* tz = nullptr;
    try {
      tz = date::locate_zone(s.time_zone);
    } catch (const std::exception&) {
      continue;  // the generator refuses such a school anyway
    }
    std::vector<const hazard_kind*> possible;
    for (const auto& k : kinds) {
      const bool has_zone =
          k.zone_type.empty() || std::any_of(s.zones.begin(), s.zones.end(),
                                             [&](const auto& z) { return z.type == k.zone_type; });
      if (has_zone) possible.push_back(&k);
    }
    const auto local_from = date::floor<date::days>(tz->to_local(from));
    const auto local_to = date::floor<date::days>(tz->to_local(to));
    date::year_month month =
        date::year_month_day{local_from}.year() / date::year_month_day{local_from}.month();
    const date::year_month last =
        date::year_month_day{local_to}.year() / date::year_month_day{local_to}.month();
    for (; month <= last; month += date::months{1}) {
      const int month_index = static_cast<int>(month.year()) * 12 +
                              static_cast<int>(static_cast<unsigned>(month.month()));
      const auto month_key = key_of(s.id, month_index, 99);
      const int count = 2 + static_cast<int>(people.uniform(month_key, 0) * 3);  // 2–4
      const auto first = date::local_days{month / date::day{1}};
      const int days = static_cast<int>(
          (date::local_days{(month + date::months{1}) / date::day{1}} - first).count());
      for (int i = 0; i < count; ++i) {
        const auto key = key_of(s.id, month_index, i);
        auto day = first + date::days{static_cast<int>(people.uniform(key, 1) * days)};
        // Inspections happen on weekdays: a weekend moves to the Friday before.
        const date::weekday wd{day};
        if (wd == date::Saturday) day -= date::days{1};
        if (wd == date::Sunday) day -= date::days{2};
        if (day < first) day += date::days{3};
        const auto minute =
            std::chrono::minutes{8 * 60 + 30 + static_cast<int>(people.uniform(key, 2) * 8 * 60)};
        const auto at = std::chrono::time_point_cast<core::duration>(
            tz->to_sys(day + minute, date::choose::earliest));
        if (at < from || at >= to || possible.empty()) continue;

        // A different kind for each of the month's hazards, from a drawn starting point.
        const auto start = static_cast<std::size_t>(people.uniform(month_key, 1) *
                                                    static_cast<double>(possible.size()));
        const hazard_kind& k = *possible[(start + static_cast<std::size_t>(i)) % possible.size()];
        backfill_hazard h;
        h.key = key;
        h.at = at;
        h.zone_type = std::string(k.zone_type);
        h.spec.site = s.id;
        if (!k.zone_type.empty()) {
          for (const auto& z : s.zones) {
            if (z.type == k.zone_type) {
              h.spec.zone = z.id;
              break;
            }
          }
        }
        h.spec.title = std::string(k.title);
        h.spec.description = std::string(k.description);
        h.spec.severity = k.severity;
        h.spec.responsible = people.responsible(s.id, k.zone_type);
        const auto deadline = at + date::days{3 + static_cast<int>(people.uniform(key, 4) * 8)};
        h.spec.deadline = std::chrono::time_point_cast<core::duration>(deadline);
        const double fate = people.uniform(key, 5);
        h.end = fate < 4.0 / 6   ? backfill_hazard::outcome::on_time
                : fate < 5.0 / 6 ? backfill_hazard::outcome::late
                                 : backfill_hazard::outcome::open;
        if (h.end == backfill_hazard::outcome::on_time) {
          // In the working day, and still before the deadline (the deadline is a working
          // moment too: registration time, days later).
          h.rectify_at = std::min(
              people.by_day(s.id, at + people.between(key, 6, 2h, *h.spec.deadline - at - 1h)),
              *h.spec.deadline - 30min);
        } else if (h.end == backfill_hazard::outcome::late) {
          h.rectify_at = people.by_day(s.id, *h.spec.deadline + people.between(key, 6, 6h, 96h));
        }
        h.close_after = people.between(key, 7, 1h, 24h);
        out.push_back(std::move(h));
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const backfill_hazard& a, const backfill_hazard& b) { return a.at < b.at; });
  return out;
}

}  // namespace campus::sim
