#include "sim/backfill_people.hpp"

#include <date/tz.h>

#include <array>
#include <string_view>

#include "notify/duty/duty_plan.hpp"

namespace campus::sim {
namespace {

// SplitMix64: a good 64-bit mix, enough to turn (seed, key, index) into independent draws.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t text_key(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

template <std::size_t N>
std::string pick(const std::array<std::string_view, N>& texts, std::uint64_t draw) {
  return std::string(texts[draw % N]);
}

constexpr std::array<std::string_view, 6> surnames{"周敏", "陈明", "林晓", "何军", "高峰", "罗琳"};

}  // namespace

backfill_people::backfill_people(const config::district& district,
                                 const notify::duty::roster* roster, std::uint64_t seed)
    : district_(district), roster_(roster), seed_(seed) {
  for (const auto& s : district.sites) {
    try {
      zones_.emplace(s.id, date::locate_zone(s.time_zone));
    } catch (const std::exception&) {
      // Unknown zone: the generator refuses the school; by_day leaves its times alone.
    }
  }
}

core::time_point backfill_people::by_day(std::string_view site, core::time_point t) const {
  const auto zone = zones_.find(site);
  if (zone == zones_.end()) return t;
  const auto local = zone->second->to_local(t);
  const auto day = date::floor<date::days>(local);
  const auto hour = std::chrono::floor<std::chrono::hours>(local - day);
  if (hour >= std::chrono::hours{8} && hour < std::chrono::hours{20}) return t;
  const auto past_hour = local - day - hour;  // keeps the spread of the draws
  const auto morning = (hour < std::chrono::hours{8} ? day : day + date::days{1}) +
                       std::chrono::hours{8} + past_hour;
  return std::chrono::time_point_cast<core::duration>(
      zone->second->to_sys(morning, date::choose::earliest));
}

double backfill_people::uniform(std::uint64_t key, std::uint64_t index) const {
  const std::uint64_t x = mix(mix(seed_ ^ mix(key)) ^ (index * 0x632be59bd9b4e019ULL));
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

core::duration backfill_people::between(std::uint64_t key, std::uint64_t index, core::duration lo,
                                        core::duration hi) const {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(hi - lo).count();
  const auto offset =
      static_cast<std::int64_t>(uniform(key, index) * static_cast<double>(seconds + 1));
  return lo + std::chrono::seconds{offset};
}

std::string backfill_people::school_name(std::string_view site) const {
  const auto* s = district_.find_site(site);
  return s && !s->name.empty() ? s->name : std::string(site);
}

std::string backfill_people::on_duty(std::string_view site, std::string_view role,
                                     core::time_point t, std::string_view not_this) const {
  if (roster_ == nullptr) return {};
  for (const auto& p : roster_->on_duty(site, role, t)) {
    if (!p.name.empty() && p.name != not_this) return p.name;
  }
  return {};
}

std::string backfill_people::duty_leader(std::string_view site, core::time_point t) const {
  auto name = on_duty(site, notify::duty::duty_leader, t, {});
  return name.empty() ? school_name(site) + "值班领导" : name;
}

std::string backfill_people::verifier(std::string_view site, core::time_point t,
                                      std::string_view not_this) const {
  for (auto role : {notify::duty::safety_director, notify::duty::principal}) {
    if (auto name = on_duty(site, role, t, not_this); !name.empty()) return name;
  }
  auto fixed = school_name(site) + "安全负责人";
  return fixed != not_this ? fixed : school_name(site) + "校长";
}

std::string backfill_people::responsible(std::string_view site, std::string_view zone_type) const {
  std::string_view office = "总务处";
  if (zone_type == "canteen_kitchen") office = "食堂管理员";
  if (zone_type == "chemical_store" || zone_type == "lab") office = "实验室管理员";
  if (zone_type == "water_zone" || zone_type == "gate") office = "保卫科";
  if (zone_type == "boiler_room") office = "后勤主任";
  if (zone_type == "dormitory") office = "宿管科";
  // Fixed per school and office (not a draw): the same person answers for the kitchen all month.
  const auto who = mix(text_key(site) ^ mix(text_key(office))) % surnames.size();
  return std::string(office) + " " + std::string(surnames[who]);
}

std::string backfill_people::acknowledgement_note(std::uint64_t key) const {
  static constexpr std::array<std::string_view, 4> notes{"已收到，正在赶往现场", "已到场核查",
                                                         "已通知相关人员处置", "收到，立即处理"};
  return pick(notes, mix(seed_ ^ key ^ 0xac));
}

std::string backfill_people::rectification_note(std::string_view rule, std::uint64_t key) const {
  const auto draw = mix(seed_ ^ key ^ 0x7ec);
  if (rule == "gas-leak" || rule == "co-high") {
    static constexpr std::array<std::string_view, 3> notes{
        "已关闭燃气总阀并开窗通风，燃气公司检修了灶具接口，复测浓度正常。",
        "排查发现软管老化漏气，已更换软管并做肥皂水检漏，浓度恢复正常。",
        "已通风并检修管道阀门，对后厨人员进行燃气安全操作再培训。"};
    return pick(notes, draw);
  }
  if (rule.starts_with("cabinet-door") || rule.starts_with("cabinet-unlocked")) {
    static constexpr std::array<std::string_view, 2> notes{
        "已将危化品柜关闭上锁，清点药品无缺失，对当班管理员进行提醒教育。",
        "柜门已关好上锁，药品账物相符；已要求下班前双人检查柜门。"};
    return pick(notes, draw);
  }
  if (rule.find("offline") != std::string_view::npos) {
    static constexpr std::array<std::string_view, 2> notes{
        "排查为交换机端口故障，已更换端口，设备恢复在线。",
        "设备电源适配器损坏，已更换，设备恢复正常上报。"};
    return pick(notes, draw);
  }
  if (rule == "pond-dwell") return "已加强池塘周边巡查，补设警示牌，并通知家长加强看护教育。";
  if (rule == "one-key-alarm") return "已到场核查，系误触，报警按钮已复位。";
  if (rule == "gas-sensor-stuck") return "已对探测器进行标定，读数恢复正常变化。";
  static constexpr std::array<std::string_view, 2> notes{"已现场处置并排查隐患，情况恢复正常。",
                                                         "已按预案处置完毕，相关设施检查正常。"};
  return pick(notes, draw);
}

std::string backfill_people::verification_note(std::uint64_t key) const {
  static constexpr std::array<std::string_view, 3> notes{
      "现场复查合格，同意销号。", "整改到位，复核无误，予以销号。", "已复查，隐患消除，销号。"};
  return pick(notes, mix(seed_ ^ key ^ 0x5e1));
}

std::string backfill_people::report_note(core::severity level, std::uint64_t key) const {
  static constexpr std::array<std::string_view, 2> notes{"已电话报告区教育局值班室",
                                                         "已通过电话和书面形式报告区教育局"};
  const std::string_view colour = level == core::severity::red ? "红色预警" : "橙色预警";
  return pick(notes, mix(seed_ ^ key ^ 0x4e9)) + "（" + std::string(colour) + "）";
}

}  // namespace campus::sim
