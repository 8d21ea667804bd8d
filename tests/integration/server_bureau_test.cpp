// The monthly safety report through the whole server process: campus-sim backfills last month
// (history and ledger) for one school, the server serves it, and every figure checked here is
// recomputed by the test with its own SQL on ledger.db and history.db. Also the CSV form, the
// scope of a school user and refused months.
//
// The month is backfilled once for the suite (SetUpTestSuite, into a suite-wide temporary
// directory removed in TearDownTestSuite) and one server serves every case, since the cases only
// read. ctest runs the binary as one test (tests/integration/CMakeLists.txt), so the backfill is
// not repeated per case.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "campus_server.hpp"
#include "support/child_process.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr auto shanghai = std::chrono::hours{8};  // the sample schools' zone, no DST

struct month_bounds {
  std::string month;     // "YYYY-MM"
  std::string first_day;  // "YYYY-MM-01"
  std::int64_t from_ms = 0, to_ms = 0;
};

// Last month in Asia/Shanghai, computed here with plain calendar arithmetic.
month_bounds last_month() {
  using namespace std::chrono;
  const auto local_today = floor<days>(system_clock::now() + shanghai);
  const year_month_day today{local_today};
  const year_month last = today.year() / today.month() - months{1};
  const sys_days first{last / 1};
  const sys_days next{(last + months{1}) / 1};
  month_bounds b;
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u", int(last.year()), unsigned(last.month()));
  b.month = text;
  b.first_day = b.month + "-01";
  b.from_ms = duration_cast<milliseconds>((first - shanghai).time_since_epoch()).count();
  b.to_ms = duration_cast<milliseconds>((next - shanghai).time_since_epoch()).count();
  return b;
}

// A read-only SQLite connection and integer queries.
class database {
 public:
  explicit database(const std::filesystem::path& p) {
    if (sqlite3_open_v2(p.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot open " + p.string());
  }
  ~database() { sqlite3_close(db_); }
  // Every row's columns as integers.
  std::vector<std::vector<std::int64_t>> rows(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("bad SQL: ") + sqlite3_errmsg(db_));
    std::vector<std::vector<std::int64_t>> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::int64_t> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) row.push_back(sqlite3_column_int64(st, i));
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return out;
  }
  std::int64_t one(const std::string& sql) { return rows(sql).at(0).at(0); }
  std::vector<std::pair<std::string, std::int64_t>> text_counts(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("bad SQL: ") + sqlite3_errmsg(db_));
    std::vector<std::pair<std::string, std::int64_t>> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                       sqlite3_column_int64(st, 1));
    }
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::optional<std::int64_t> nearest_rank(std::vector<std::int64_t> v, int pct) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const double rank = std::ceil(pct / 100.0 * static_cast<double>(v.size()));
  return v[static_cast<std::size_t>(rank) - 1];
}

json::value as_json(const std::optional<std::int64_t>& v) {
  if (!v) return nullptr;
  return *v;
}

class bureau_server : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new temp_dir("campus-bureau-");
    bounds_ = last_month();
    // Backfill from the first day of last month (local) for one school: history and ledger.
    const auto data = dir_->path() / "data";
    std::filesystem::create_directories(data);
    child_process sim({CAMPUS_SIM_BINARY, "--config",
                       std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml", "--data-dir",
                       data.string(), "--backfill-from", bounds_.first_day, "--site",
                       "xh-primary"},
                      dir_->path() / "sim.log");
    backfill_status_ = sim.wait_exit(900s).value_or(-1);
    if (backfill_status_ != 0) sim.dump_log();
  }
  static void TearDownTestSuite() {
    delete server_;  // stops the server, then the broker, before their directory goes
    server_ = nullptr;
    delete broker_;
    broker_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_EQ(backfill_status_, 0) << "campus-sim --backfill-from failed";
    if (!server_) {
      broker_ = new mosquitto_broker();
      server_ = new campus_server(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml",
                                  broker_->port(), dir_->path(),
                                  {campus_server::admin(),
                                   {"xh-duty", "duty_leader", {"xh-primary"}, "星火值班"},
                                   {"bh-duty", "duty_leader", {"bh-middle"}, "滨湖值班"}});
      ASSERT_TRUE(server_->wait_until_connected());
    }
  }

  static std::string report_target(const std::string& extra = {}) {
    return "/api/reports/monthly?month=" + bounds_.month + extra;
  }

  static inline temp_dir* dir_ = nullptr;
  static inline month_bounds bounds_;
  static inline int backfill_status_ = -1;
  static inline mosquitto_broker* broker_ = nullptr;
  static inline campus_server* server_ = nullptr;
};

TEST_F(bureau_server, monthly_report_figures_match_the_databases) {
  auto reply = server_->get(report_target("&site=xh-primary"));
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->status, 200) << reply->body;
  const json::object r = json::parse(reply->body).as_object();
  EXPECT_EQ(r.at("scope").as_string(), "school");
  EXPECT_FALSE(r.at("partial").as_bool());
  EXPECT_EQ(r.at("from").as_int64(), bounds_.from_ms);
  EXPECT_EQ(r.at("to").as_int64(), bounds_.to_ms);

  database ledger(server_->data_dir() / "ledger.db");
  const std::string F = std::to_string(bounds_.from_ms), T = std::to_string(bounds_.to_ms);
  const std::string in_month =
      " site = 'xh-primary' AND raised_at >= " + F + " AND raised_at < " + T;

  // alerts: sensor entries raised in the month, by max_severity (1 blue … 4 red)
  std::int64_t by[5] = {0, 0, 0, 0, 0};
  for (const auto& row : ledger.rows("SELECT max_severity, COUNT(*) FROM entries WHERE kind = "
                                     "'sensor' AND" + in_month + " GROUP BY 1")) {
    by[row[0]] = row[1];
  }
  const auto& sev = r.at("alerts").at("by_severity");
  EXPECT_EQ(sev.at("blue").as_int64(), by[1]);
  EXPECT_EQ(sev.at("yellow").as_int64(), by[2]);
  EXPECT_EQ(sev.at("orange").as_int64(), by[3]);
  EXPECT_EQ(sev.at("red").as_int64(), by[4]);
  EXPECT_EQ(sev.at("total").as_int64(), by[1] + by[2] + by[3] + by[4]);
  EXPECT_GT(sev.at("total").as_int64(), 0) << "the backfill raised no alert last month";
  // The cross table: for each family, its entries by max_severity; the rows add up to by_severity.
  const auto& by_family = r.at("alerts").at("by_family").as_object();
  std::size_t families = 0;
  std::int64_t column[5] = {0, 0, 0, 0, 0};
  for (const auto& [family, n] : ledger.text_counts(
           "SELECT family, COUNT(*) FROM entries WHERE kind = 'sensor' AND" + in_month +
           " GROUP BY 1")) {
    ++families;
    const auto* row = by_family.if_contains(family.empty() ? "unknown" : family);
    ASSERT_NE(row, nullptr) << "no row for " << family;
    std::int64_t cell[5] = {0, 0, 0, 0, 0};
    for (const auto& c : ledger.rows("SELECT max_severity, COUNT(*) FROM entries WHERE kind = "
                                     "'sensor' AND family = '" + family + "' AND" + in_month +
                                     " GROUP BY 1")) {
      cell[c[0]] = c[1];
      column[c[0]] += c[1];
    }
    EXPECT_EQ(row->at("blue").as_int64(), cell[1]) << family;
    EXPECT_EQ(row->at("yellow").as_int64(), cell[2]) << family;
    EXPECT_EQ(row->at("orange").as_int64(), cell[3]) << family;
    EXPECT_EQ(row->at("red").as_int64(), cell[4]) << family;
    EXPECT_EQ(row->at("total").as_int64(), n) << family;
  }
  EXPECT_EQ(by_family.size(), families);
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(column[i], by[i]) << "colour " << i;
  EXPECT_EQ(r.at("hazards_registered").at("total").as_int64(),
            ledger.one("SELECT COUNT(*) FROM entries WHERE kind = 'manual' AND" + in_month));

  // acknowledge: over sensor entries, the first acknowledged transition − raised_at
  std::vector<std::int64_t> ack;
  for (const auto& row : ledger.rows(
           "SELECT (MIN(t.at) - e.raised_at) / 1000 FROM entries e JOIN transitions t ON "
           "t.entry_id = e.id AND t.what = 'acknowledged' WHERE e.kind = 'sensor' AND e." +
           std::string(in_month.substr(1)) + " GROUP BY e.id")) {
    ack.push_back(row[0]);
  }
  const auto& a = r.at("acknowledge");
  EXPECT_EQ(a.at("count").as_int64(), static_cast<std::int64_t>(ack.size()));
  EXPECT_EQ(a.at("not_acknowledged").as_int64(), sev.at("total").as_int64() - std::int64_t(ack.size()));
  EXPECT_EQ(a.at("median_s"), as_json(nearest_rank(ack, 50)));
  EXPECT_EQ(a.at("p90_s"), as_json(nearest_rank(ack, 90)));

  // close: over all entries raised in the month
  std::vector<std::int64_t> closed;
  for (const auto& row : ledger.rows("SELECT (closed_at - raised_at) / 1000 FROM entries WHERE "
                                     "closed_at IS NOT NULL AND" + in_month)) {
    closed.push_back(row[0]);
  }
  const auto& c = r.at("close");
  EXPECT_EQ(c.at("count").as_int64(), static_cast<std::int64_t>(closed.size()));
  EXPECT_EQ(c.at("not_closed").as_int64(),
            ledger.one("SELECT COUNT(*) FROM entries WHERE closed_at IS NULL AND" + in_month));
  EXPECT_EQ(c.at("median_s"), as_json(nearest_rank(closed, 50)));
  EXPECT_EQ(c.at("p90_s"), as_json(nearest_rank(closed, 90)));

  // hazards carried in and over, overdue
  const auto& h = r.at("hazards");
  EXPECT_EQ(h.at("carried_in").at("count").as_int64(),
            ledger.one("SELECT COUNT(*) FROM entries WHERE site = 'xh-primary' AND raised_at < " +
                       F + " AND (closed_at IS NULL OR closed_at > " + F + ")"));
  EXPECT_EQ(h.at("carried_over").at("count").as_int64(),
            ledger.one("SELECT COUNT(*) FROM entries WHERE site = 'xh-primary' AND raised_at < " +
                       T + " AND (closed_at IS NULL OR closed_at > " + T + ")"));
  EXPECT_EQ(h.at("overdue").at("count").as_int64(),
            ledger.one("SELECT COUNT(*) FROM entries WHERE site = 'xh-primary' AND deadline >= " +
                       F + " AND deadline < " + T +
                       " AND (closed_at IS NULL OR closed_at > deadline)"));

  // one-hour reports: orange/red entries raised in the month
  const auto& rd = r.at("report_deadline");
  EXPECT_EQ(rd.at("required").as_int64(),
            ledger.one("SELECT COUNT(*) FROM entries WHERE max_severity >= 3 AND" + in_month));
  EXPECT_EQ(rd.at("on_time").as_int64() + rd.at("late").as_int64() + rd.at("missing").as_int64() +
                rd.at("pending").as_int64(),
            rd.at("required").as_int64());
  EXPECT_EQ(rd.at("on_time").as_int64() + rd.at("late").as_int64(),
            ledger.one("SELECT COUNT(DISTINCT e.id) FROM entries e JOIN transitions t ON "
                       "t.entry_id = e.id AND t.what = 'reported' WHERE e.max_severity >= 3 AND e." +
                       std::string(in_month.substr(1))));

  // devices: readings stored per device in [from, to) and hours with at least one
  database history(server_->data_dir() / "history.db");
  std::map<std::string, std::int64_t> readings;
  for (const auto& [device, n] : history.text_counts(
           "SELECT device, COUNT(*) FROM readings WHERE site = 'xh-primary' AND ts >= " + F +
           " AND ts < " + T + " GROUP BY device")) {
    readings[device] = n;
  }
  std::map<std::string, std::int64_t> hours;
  for (const auto& [device, n] : history.text_counts(
           "SELECT device, COUNT(DISTINCT ts / 3600000) FROM readings WHERE site = 'xh-primary' "
           "AND ts >= " + F + " AND ts < " + T + " GROUP BY device")) {
    hours[device] = n;
  }
  std::int64_t total = 0;
  const auto& devices = r.at("devices").as_array();
  EXPECT_EQ(devices.size(), 13u);
  const std::int64_t month_hours = (bounds_.to_ms - bounds_.from_ms) / 3'600'000;
  for (const auto& v : devices) {
    const std::string id(v.at("device").as_string());
    EXPECT_EQ(v.at("readings").as_int64(), readings[id]) << id;
    EXPECT_EQ(v.at("hours").as_int64(), month_hours) << id;
    EXPECT_EQ(v.at("hours_heard").as_int64(), hours[id]) << id;
    total += readings[id];
  }
  EXPECT_GT(total, 0);
  EXPECT_EQ(r.at("readings_stored").as_int64(), total);
}

TEST_F(bureau_server, csv_parses_and_its_totals_match_the_json) {
  auto j = server_->get(report_target("&site=xh-primary"));
  auto c = server_->get(report_target("&site=xh-primary&format=csv"));
  ASSERT_TRUE(j && c);
  ASSERT_EQ(c->status, 200) << c->body;
  const json::object r = json::parse(j->body).as_object();
  ASSERT_TRUE(c->body.starts_with("\xEF\xBB\xBF"));
  // Lines (CRLF); quoted fields may hold line breaks, so count quotes to join them.
  std::vector<std::string> lines;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 3; i < c->body.size(); ++i) {
    char ch = c->body[i];
    if (ch == '"') quoted = !quoted;
    if (!quoted && ch == '\r' && i + 1 < c->body.size() && c->body[i + 1] == '\n') {
      lines.push_back(cur);
      cur.clear();
      ++i;
      continue;
    }
    cur += ch;
  }
  EXPECT_FALSE(quoted) << "unbalanced quotes";
  auto after = [&](const std::string& title) -> std::string {
    for (std::size_t i = 0; i + 2 < lines.size(); ++i)
      if (lines[i] == title) return lines[i + 2];
    return {};
  };
  auto colours = [](const json::value& v) {
    std::ostringstream o;
    o << v.at("blue").as_int64() << ',' << v.at("yellow").as_int64() << ','
      << v.at("orange").as_int64() << ',' << v.at("red").as_int64() << ','
      << v.at("total").as_int64();
    return o.str();
  };
  // The alerts' cross table: one row per family (name, code, colours), then the totals row.
  const auto& by_family = r.at("alerts").at("by_family").as_object();
  const auto title = std::find(lines.begin(), lines.end(), "预警（按设备类型和最高等级）");
  ASSERT_NE(title, lines.end());
  ASSERT_GT(std::distance(title, lines.end()), std::ptrdiff_t(by_family.size() + 3));
  EXPECT_EQ(*(title + 1), "设备类型,类型代码,蓝色,黄色,橙色,红色,合计");
  auto line = title + 2;
  for (const auto& [family, counts] : by_family) {  // the JSON's keys are in the CSV's order
    const std::string code(family);
    EXPECT_TRUE(line->ends_with("," + code + "," + colours(counts))) << *line;
    ++line;
  }
  EXPECT_EQ(*line, "合计,," + colours(r.at("alerts").at("by_severity")));
  EXPECT_EQ(*(line + 1), "") << "the block ends after its totals row";
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "存储读数合计," + std::to_string(r.at("readings_stored").as_int64())),
            lines.end());
  const auto& rd = r.at("report_deadline");
  std::ostringstream rep;
  rep << rd.at("required").as_int64() << ',' << rd.at("on_time").as_int64() << ','
      << rd.at("late").as_int64() << ',' << rd.at("missing").as_int64() << ','
      << rd.at("pending").as_int64() << ',' << rd.at("breaches").as_int64();
  EXPECT_EQ(after("1小时内报告"), rep.str());
}

TEST_F(bureau_server, a_school_user_sees_only_their_school_and_bad_months_are_refused) {
  auto own = server_->get(report_target(), "xh-duty");
  ASSERT_TRUE(own);
  ASSERT_EQ(own->status, 200) << own->body;
  auto r = json::parse(own->body).as_object();
  EXPECT_EQ(r.at("scope").as_string(), "school");
  EXPECT_EQ(r.at("site").as_string(), "xh-primary");

  auto other = server_->get(report_target("&site=xh-primary"), "bh-duty");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 403);

  auto compliance = server_->get("/api/compliance", "bh-duty");
  ASSERT_TRUE(compliance);
  ASSERT_EQ(compliance->status, 200);
  auto schools = json::parse(compliance->body).at("schools").as_array();
  ASSERT_EQ(schools.size(), 1u);
  EXPECT_EQ(schools[0].at("site").as_string(), "bh-middle");

  auto district = server_->get(report_target());
  ASSERT_TRUE(district);
  ASSERT_EQ(district->status, 200);
  EXPECT_EQ(json::parse(district->body).at("schools").as_array().size(), 3u);

  for (const char* bad : {"2026-13", "last", "2026-1"}) {
    auto reply = server_->get(std::string("/api/reports/monthly?month=") + bad);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 400) << bad;
    EXPECT_EQ(json::parse(reply->body).at("code").as_string(), "bad_month");
  }
  auto future = server_->get("/api/reports/monthly?month=2999-01");
  ASSERT_TRUE(future);
  EXPECT_EQ(future->status, 400);
  EXPECT_EQ(json::parse(future->body).at("code").as_string(), "future_month");
}

}  // namespace
}  // namespace campus::test
