#include "bureau/report_csv.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <initializer_list>
#include <map>

#include "alerts/ledger_entry.hpp"

namespace campus::bureau {

namespace {

std::string severity_zh(core::severity s) {
  switch (s) {
    case core::severity::blue: return "蓝色";
    case core::severity::yellow: return "黄色";
    case core::severity::orange: return "橙色";
    case core::severity::red: return "红色";
  }
  return "";
}

// The family's name as the dashboards show it (dashboards/i18n.js); the code when unknown.
std::string family_zh(std::string_view family) {
  static const std::map<std::string_view, std::string_view> names{
      {"gas_detector", "燃气探测器"},   {"hazmat_cabinet", "危化品柜"},
      {"kitchen_camera", "明厨亮灶摄像机"}, {"water_beacon", "防溺水信标"},
      {"alarm_input", "报警输入"},      {"json_map", "通用接入设备"}};
  auto it = names.find(family);
  return std::string(it == names.end() ? family : it->second);
}

// One CSV field, quoted when needed.
std::string field(std::string_view text, bool is_text = true) {
  std::string v(text);
  if (is_text && !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) {
    v.insert(v.begin(), '\'');
  }
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

class csv_writer {
 public:
  csv_writer() { out_ = "\xEF\xBB\xBF"; }
  void row(std::initializer_list<std::string> fields) {
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out_ += ',';
      out_ += f;
      first = false;
    }
    out_ += "\r\n";
  }
  void blank() { out_ += "\r\n"; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string num(std::int64_t n) { return std::to_string(n); }
std::string opt(const std::optional<std::int64_t>& n) { return n ? std::to_string(*n) : ""; }
std::string pct(const std::optional<double>& p) { return p ? fmt::format("{:.2f}", *p) : ""; }

std::string local(core::time_point t, const std::string& tz) {
  try {
    date::zoned_time<std::chrono::seconds> z{
        tz, date::floor<std::chrono::seconds>(date::sys_time<core::duration>{t.time_since_epoch()})};
    return date::format("%Y-%m-%d %H:%M", z);
  } catch (const std::exception&) {
    return fmt::format("{}", core::to_epoch_ms(t));
  }
}

std::string zone_of(const config::district& d, const std::string& site) {
  const auto* s = d.find_site(site);
  return s ? s->time_zone : "Asia/Shanghai";
}

void entries_block(csv_writer& w, const config::district& d, const char* title,
                   const std::vector<entry_ref>& list) {
  w.row({field(fmt::format("{}（{} 条）", title, list.size()))});
  w.row({"编号", "学校", "标题", "最高等级", "发生时间", "销号时间", "整改期限"});
  for (const auto& e : list) {
    const std::string tz = zone_of(d, e.site);
    const auto* s = d.find_site(e.site);
    w.row({alerts::display_id(e.id), field(s ? s->name : e.site), field(e.title),
           severity_zh(e.severity), local(e.raised_at, tz),
           e.closed_at ? local(*e.closed_at, tz) : "", e.deadline ? local(*e.deadline, tz) : ""});
  }
  w.blank();
}

}  // namespace

std::string report_csv(const monthly_report& r, const config::district& d) {
  csv_writer w;
  const auto& f = r.figures;
  const std::string tz = r.schools.empty() ? "Asia/Shanghai" : r.schools.front().time_zone;
  const std::string scope =
      r.district ? d.name : (r.schools.empty() ? std::string() : r.schools.front().name);

  w.row({"安全月报表"});
  w.row({"范围", "月份", "起", "止", "统计截至", "生成时间"});
  w.row({field(scope), to_string(r.month), local(r.month_bounds.from, tz),
         local(r.month_bounds.to, tz), r.partial ? "本月未结束，数据截至生成时间" : "整月",
         local(r.generated_at, tz)});
  w.blank();

  // One row per family with its colours, then the column totals (by_severity).
  w.row({"预警（按设备类型和最高等级）"});
  w.row({"设备类型", "类型代码", "蓝色", "黄色", "橙色", "红色", "合计"});
  for (const auto& [family, c] : f.alerts_by_family) {
    const std::string code = family.empty() ? "unknown" : family;
    w.row({field(family_zh(code)), field(code), num(c.blue), num(c.yellow), num(c.orange),
           num(c.red), num(c.total)});
  }
  w.row({"合计", "", num(f.alerts.blue), num(f.alerts.yellow), num(f.alerts.orange),
         num(f.alerts.red), num(f.alerts.total)});
  w.blank();

  w.row({"隐患登记（按最高等级）"});
  w.row({"蓝色", "黄色", "橙色", "红色", "合计"});
  const auto& h = f.hazards_registered;
  w.row({num(h.blue), num(h.yellow), num(h.orange), num(h.red), num(h.total)});
  w.blank();

  w.row({"响应时间（秒）"});
  w.row({"环节", "已完成", "未完成", "中位数", "90分位"});
  w.row({"确认（传感器预警）", num(f.acknowledge.count), num(f.acknowledge.not_done),
         opt(f.acknowledge.median_s()), opt(f.acknowledge.p90_s())});
  w.row({"销号（全部挂账）", num(f.close.count), num(f.close.not_done), opt(f.close.median_s()),
         opt(f.close.p90_s())});
  w.blank();

  const auto& rd = f.report_deadline;
  w.row({"1小时内报告"});
  w.row({"应报", "按时", "迟报", "漏报", "待报", "违规合计"});
  w.row({num(rd.required), num(rd.on_time), num(rd.late), num(rd.missing), num(rd.pending),
         num(rd.breaches())});
  w.blank();

  entries_block(w, d, "升级", f.escalations);
  entries_block(w, d, "上月结转挂账", f.carried_in);
  entries_block(w, d, "结转下月挂账", f.carried_over);
  entries_block(w, d, "逾期未整改", f.overdue);

  w.row({"设备在线率"});
  w.row({"设备编号", "学校", "名称", "类型", "统计小时", "有数据小时", "在线率(%)", "存储读数"});
  for (const auto& dev : f.devices) {
    const auto* s = d.find_site(dev.site);
    w.row({field(dev.device), field(s ? s->name : dev.site), field(dev.name), field(dev.family),
           num(dev.hours), num(dev.hours_heard), pct(dev.availability), num(dev.readings)});
  }
  w.row({"平均在线率(%)", pct(f.availability)});
  w.row({"存储读数合计", num(f.readings_stored)});
  w.blank();

  if (r.district) {
    w.row({"各校汇总"});
    w.row({"学校", "预警", "红色", "橙色", "隐患登记", "确认中位数(秒)", "销号中位数(秒)", "升级",
           "报告违规", "结转下月", "逾期", "平均在线率(%)", "存储读数"});
    for (const auto& s : r.schools) {
      const auto& g = s.figures;
      w.row({field(s.name), num(g.alerts.total), num(g.alerts.red), num(g.alerts.orange),
             num(g.hazards_registered.total), opt(g.acknowledge.median_s()),
             opt(g.close.median_s()), num(static_cast<std::int64_t>(g.escalations.size())),
             num(g.report_deadline.breaches()),
             num(static_cast<std::int64_t>(g.carried_over.size())),
             num(static_cast<std::int64_t>(g.overdue.size())), pct(g.availability),
             num(g.readings_stored)});
    }
    w.blank();
  }
  return w.take();
}

std::string report_csv_filename(const monthly_report& r, bool ascii) {
  const std::string who = r.district || r.schools.empty() ? "district" : r.schools.front().site;
  return fmt::format("{}_{}_{}.csv", ascii ? "safety-report" : "安全月报表", to_string(r.month), who);
}

}  // namespace campus::bureau
