#include "bench/bench_report.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <fstream>

namespace campus::bench {

void bench_report::set_fact(const std::string& key, const std::string& value) {
  for (auto& [k, v] : facts_) {
    if (k == key) {
      v = value;
      return;
    }
  }
  facts_.emplace_back(key, value);
}

const bench_row* bench_report::find(const std::string& phase, const std::string& figure) const {
  for (const auto& r : rows_)
    if (r.phase == phase && r.figure == figure) return &r;
  return nullptr;
}

namespace {

std::string number(double v) {
  if (v == 0) return "0";
  if (std::abs(v) >= 100) return fmt::format("{:.0f}", v);
  if (std::abs(v) >= 10) return fmt::format("{:.1f}", v);
  if (std::abs(v) >= 0.1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3g}", v);
}

// Display width of UTF-8 text: code points, which is right for the symbols used here.
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pad(const std::string& s, std::size_t w) {
  return s + std::string(w > width(s) ? w - width(s) : 0, ' ');
}

}  // namespace

void bench_report::print(std::ostream& out) const {
  for (const auto& [k, v] : facts_) out << k << ": " << v << "\n";
  const std::vector<std::string> head{"phase", "figure", "value", "unit", "target", "ratio", "result"};
  std::vector<std::vector<std::string>> lines{head};
  for (const auto& r : rows_) {
    lines.push_back({r.phase, r.figure, number(r.value), r.unit, r.target,
                     r.ratio ? fmt::format("{:.2f}", *r.ratio) : "",
                     r.pass ? (*r.pass ? "pass" : "MISS") : ""});
    if (!r.note.empty()) {
      auto& result = lines.back().back();
      result += fmt::format("{}({})", result.empty() ? "" : " ", r.note);
    }
  }
  std::vector<std::size_t> w(head.size(), 0);
  for (const auto& l : lines)
    for (std::size_t i = 0; i < l.size(); ++i) w[i] = std::max(w[i], width(l[i]));
  for (std::size_t n = 0; n < lines.size(); ++n) {
    std::string line;
    for (std::size_t i = 0; i < lines[n].size(); ++i)
      line += (i ? " | " : "") + pad(lines[n][i], i + 1 < lines[n].size() ? w[i] : 0);
    out << line << "\n";
    if (n == 0) {
      std::string rule;
      for (std::size_t i = 0; i < w.size(); ++i) rule += (i ? "-|-" : "") + std::string(w[i], '-');
      out << rule << "\n";
    }
  }
}

bool bench_report::write_json(const std::filesystem::path& file) const {
  boost::json::object facts;
  for (const auto& [k, v] : facts_) facts[k] = v;
  boost::json::array rows;
  for (const auto& r : rows_) {
    boost::json::object o{{"phase", r.phase}, {"figure", r.figure}, {"value", r.value},
                          {"unit", r.unit},   {"target", r.target}, {"note", r.note}};
    o["ratio"] = r.ratio ? boost::json::value(*r.ratio) : nullptr;
    o["pass"] = r.pass ? boost::json::value(*r.pass) : nullptr;
    rows.push_back(std::move(o));
  }
  std::ofstream out(file);
  out << boost::json::serialize(boost::json::object{{"run", facts}, {"rows", rows}}) << "\n";
  return static_cast<bool>(out);
}

}  // namespace campus::bench
