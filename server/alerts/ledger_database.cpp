#include "alerts/ledger_database.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <utility>

#include "alerts/ledger_statement.hpp"

namespace campus::alerts {

namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL, alert_ids TEXT NOT NULL,
  site TEXT NOT NULL, zone TEXT NOT NULL, device TEXT NOT NULL, family TEXT NOT NULL,
  rule TEXT NOT NULL, subject TEXT NOT NULL, rule_name TEXT NOT NULL, rule_name_en TEXT NOT NULL,
  metric TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
  severity INTEGER NOT NULL, max_severity INTEGER NOT NULL,
  condition TEXT NOT NULL, handling TEXT NOT NULL, occurrences INTEGER NOT NULL,
  value_num REAL, value_text TEXT, threshold REAL,
  raised_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, cleared_at INTEGER,
  acknowledged_at INTEGER, acknowledged_by TEXT NOT NULL,
  rectified_at INTEGER, rectified_by TEXT NOT NULL, rectification_note TEXT NOT NULL,
  closed_at INTEGER, closed_by TEXT NOT NULL, verification_note TEXT NOT NULL,
  responsible TEXT NOT NULL, deadline INTEGER
);
CREATE INDEX IF NOT EXISTS entries_by_raised ON entries(raised_at);
CREATE INDEX IF NOT EXISTS entries_by_handling ON entries(handling);
CREATE INDEX IF NOT EXISTS entries_by_site_raised ON entries(site, raised_at, id);
CREATE TABLE IF NOT EXISTS transitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id INTEGER NOT NULL REFERENCES entries(id),
  at INTEGER NOT NULL, who TEXT NOT NULL, what TEXT NOT NULL,
  from_value TEXT NOT NULL, to_value TEXT NOT NULL, note TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transitions_by_entry ON transitions(entry_id, id);
)sql";

// Version 2 keeps the peak beside the latest value: the value at raising and the value at the
// most severe colour (ledger_entry). A file of version 1 (or a new one) gets the columns in one
// transaction. Its max_severity is taken again from the transitions (the colours it was raised,
// registered, changed or re-fired to), whatever the row says. Values were never recorded in
// transitions, so an old entry's value at raising stays unknown, and its peak value is known
// only where the latest value was reported at the peak colour (severity = max_severity): the
// engine reports a value on every raise, re-fire and colour change, and a clear keeps the last.
constexpr const char* migrate_to_2 =
    "BEGIN IMMEDIATE;"
    "ALTER TABLE entries ADD COLUMN raised_value_num REAL;"
    "ALTER TABLE entries ADD COLUMN raised_value_text TEXT;"
    "ALTER TABLE entries ADD COLUMN peak_value_num REAL;"
    "ALTER TABLE entries ADD COLUMN peak_value_text TEXT;"
    // A transition's colour (its to_value) as the severity column stores it (core::severity).
    "UPDATE entries SET max_severity = MAX(max_severity, severity, COALESCE((SELECT MAX(CASE "
    "to_value WHEN 'blue' THEN 1 WHEN 'yellow' THEN 2 WHEN 'orange' THEN 3 WHEN 'red' THEN 4 END) "
    "FROM transitions t WHERE t.entry_id = entries.id AND t.what IN "
    "('raised', 'registered', 'severity_changed', 'refired')), 0));"
    "UPDATE entries SET peak_value_num = value_num, peak_value_text = value_text "
    "WHERE kind = 'sensor' AND severity = max_severity;"
    "PRAGMA user_version = 2;"
    "COMMIT;";

// The entry columns in one order, shared by INSERT, UPDATE and SELECT (id is column 0).
constexpr const char* entry_columns =
    "id, kind, alert_ids, site, zone, device, family, rule, subject, rule_name, rule_name_en, "
    "metric, title, description, severity, max_severity, condition, handling, occurrences, "
    "value_num, value_text, threshold, raised_at, updated_at, cleared_at, acknowledged_at, "
    "acknowledged_by, rectified_at, rectified_by, rectification_note, closed_at, closed_by, "
    "verification_note, responsible, deadline, raised_value_num, raised_value_text, "
    "peak_value_num, peak_value_text";
constexpr int entry_column_count = 39;

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += '\n';
    out += id;
  }
  return out;
}

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// A value as two columns, a number or a text (both NULL when there is none), from ?i on.
void bind_value(ledger_statement& s, int& i, const std::optional<core::reading_value>& v) {
  const auto* number = v ? std::get_if<double>(&*v) : nullptr;
  const auto* text = v ? std::get_if<std::string>(&*v) : nullptr;
  if (number) {
    s.bind(i++, *number);
  } else {
    s.bind_null(i++);
  }
  if (text) {
    s.bind(i++, std::string_view(*text));
  } else {
    s.bind_null(i++);
  }
}

std::optional<core::reading_value> value_at(const ledger_statement& s, int& i) {
  std::optional<core::reading_value> out;
  if (!s.is_null(i)) {
    out = s.double_at(i);
  } else if (!s.is_null(i + 1)) {
    out = s.text_at(i + 1);
  }
  i += 2;
  return out;
}

// Binds every entry column, the id at ?1 (used by UPDATE; INSERT passes NULL for it).
void bind_entry(ledger_statement& s, const ledger_entry& e) {
  int i = 1;
  if (e.id == 0) {
    s.bind_null(i++);
  } else {
    s.bind(i++, e.id);
  }
  s.bind(i++, to_string(e.kind));
  s.bind(i++, std::string_view(join_ids(e.alert_ids)));
  for (const auto* text : {&e.site, &e.zone, &e.device, &e.family, &e.rule, &e.subject,
                           &e.rule_name, &e.rule_name_en, &e.metric, &e.title, &e.description}) {
    s.bind(i++, std::string_view(*text));
  }
  s.bind(i++, static_cast<std::int64_t>(e.severity));
  s.bind(i++, static_cast<std::int64_t>(e.max_severity));
  s.bind(i++, to_string(e.cond));
  s.bind(i++, to_string(e.state));
  s.bind(i++, static_cast<std::int64_t>(e.occurrences));
  if (const auto* number = std::get_if<double>(&e.value)) {
    s.bind(i++, *number);
    s.bind_null(i++);
  } else {
    s.bind_null(i++);
    s.bind(i++, std::string_view(std::get<std::string>(e.value)));
  }
  if (e.threshold) {
    s.bind(i++, *e.threshold);
  } else {
    s.bind_null(i++);
  }
  s.bind(i++, std::optional{e.raised_at});
  s.bind(i++, std::optional{e.updated_at});
  s.bind(i++, e.cleared_at);
  s.bind(i++, e.acknowledged_at);
  s.bind(i++, std::string_view(e.acknowledged_by));
  s.bind(i++, e.rectified_at);
  s.bind(i++, std::string_view(e.rectified_by));
  s.bind(i++, std::string_view(e.rectification_note));
  s.bind(i++, e.closed_at);
  s.bind(i++, std::string_view(e.closed_by));
  s.bind(i++, std::string_view(e.verification_note));
  s.bind(i++, std::string_view(e.responsible));
  s.bind(i++, e.deadline);
  bind_value(s, i, e.raised_value);
  bind_value(s, i, e.peak_value);
}

core::severity severity_at(const ledger_statement& s, int column) {
  const auto v = s.int64_at(column);
  if (v < 1 || v > 4) return core::severity::yellow;  // written by us; guards a hand edit
  return static_cast<core::severity>(v);
}

ledger_entry read_entry(const ledger_statement& s) {
  ledger_entry e;
  int i = 0;
  e.id = s.int64_at(i++);
  e.kind = parse_entry_kind(s.text_at(i++)).value_or(entry_kind::sensor);
  e.alert_ids = split_ids(s.text_at(i++));
  for (auto* text : {&e.site, &e.zone, &e.device, &e.family, &e.rule, &e.subject, &e.rule_name,
                     &e.rule_name_en, &e.metric, &e.title, &e.description}) {
    *text = s.text_at(i++);
  }
  e.severity = severity_at(s, i++);
  e.max_severity = severity_at(s, i++);
  e.cond = parse_condition(s.text_at(i++)).value_or(rules::condition::active);
  e.state = parse_handling(s.text_at(i++)).value_or(handling::new_);
  e.occurrences = static_cast<int>(s.int64_at(i++));
  if (!s.is_null(i)) {
    e.value = s.double_at(i);
  } else {
    e.value = s.text_at(i + 1);
  }
  i += 2;
  if (!s.is_null(i)) e.threshold = s.double_at(i);
  ++i;
  e.raised_at = s.time_at(i++).value_or(core::time_point{});
  e.updated_at = s.time_at(i++).value_or(core::time_point{});
  e.cleared_at = s.time_at(i++);
  e.acknowledged_at = s.time_at(i++);
  e.acknowledged_by = s.text_at(i++);
  e.rectified_at = s.time_at(i++);
  e.rectified_by = s.text_at(i++);
  e.rectification_note = s.text_at(i++);
  e.closed_at = s.time_at(i++);
  e.closed_by = s.text_at(i++);
  e.verification_note = s.text_at(i++);
  e.responsible = s.text_at(i++);
  e.deadline = s.time_at(i++);
  e.raised_value = value_at(s, i);
  e.peak_value = value_at(s, i);
  return e;
}

constexpr const char* transition_columns =
    "id, entry_id, at, who, what, from_value, to_value, note";

ledger_transition read_transition(const ledger_statement& s) {
  ledger_transition t;
  t.id = s.int64_at(0);
  t.entry_id = s.int64_at(1);
  t.at = s.time_at(2).value_or(core::time_point{});
  t.who = s.text_at(3);
  t.what = parse_transition_kind(s.text_at(4)).value_or(transition_kind::note);
  t.from = s.text_at(5);
  t.to = s.text_at(6);
  t.note = s.text_at(7);
  return t;
}

// "kind = ?2, alert_ids = ?3, …": every column but the id, numbered as bind_entry binds them.
std::string update_assignments() {
  std::string out;
  std::string_view columns = entry_columns;
  int index = 1;
  while (!columns.empty()) {
    const auto comma = columns.find(", ");
    const auto name = columns.substr(0, comma);
    if (index > 1) out += fmt::format("{}{} = ?{}", out.empty() ? "" : ", ", name, index);
    ++index;
    columns = comma == std::string_view::npos ? std::string_view{} : columns.substr(comma + 2);
  }
  return out;
}

void bind_params(ledger_statement& s,
                 const std::vector<std::variant<std::string, std::int64_t>>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (const auto* text = std::get_if<std::string>(&params[i])) {
      s.bind(index, std::string_view(*text));
    } else {
      s.bind(index, std::get<std::int64_t>(params[i]));
    }
  }
}

std::string placeholders(int n) {
  std::string out;
  for (int i = 1; i <= n; ++i) out += fmt::format("{}?{}", i > 1 ? ", " : "", i);
  return out;
}

}  // namespace

ledger_result<ledger_database> ledger_database::open(const std::string& path) {
  // WAL, synchronous=FULL: the ledger promises that what a caller was told is on disk.
  auto file = storage::sqlite_file::open("ledger", path);
  if (!file) return std::unexpected(ledger_error{ledger_error::code::storage, file.error()});
  ledger_database out(std::move(*file));
  if (auto r = out.exec(schema); !r) return std::unexpected(r.error());
  std::int64_t version = 0;
  {
    ledger_statement v(out.file_.handle(), "PRAGMA user_version");
    if (!v || v.step() != SQLITE_ROW) return std::unexpected(out.failure("read user_version"));
    version = v.int64_at(0);
  }
  if (version > 2) {
    return std::unexpected(ledger_error{
        ledger_error::code::storage,
        fmt::format("{}: ledger version {} is newer than this program (2)", path, version)});
  }
  if (version < 2) {
    if (auto r = out.exec(migrate_to_2); !r) {
      (void)out.exec("ROLLBACK");
      return std::unexpected(r.error());
    }
  }
  return out;
}

ledger_error ledger_database::failure(std::string_view what) const {
  return ledger_error{ledger_error::code::storage, file_.failure(what)};
}

ledger_result<void> ledger_database::exec(const char* sql) {
  if (auto r = file_.exec(sql); !r) {
    return std::unexpected(ledger_error{ledger_error::code::storage, std::move(r.error())});
  }
  return {};
}

ledger_result<void> ledger_database::store(ledger_entry& e, std::vector<ledger_transition>& ts) {
  if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
  // Any failure below rolls back, so the file never holds half a change.
  auto fail = [this](std::string_view what) {
    auto error = failure(what);
    (void)exec("ROLLBACK");
    return std::unexpected(std::move(error));
  };

  const bool inserting = e.id == 0;
  const std::string entry_sql =
      inserting ? fmt::format("INSERT INTO entries ({}) VALUES ({})", entry_columns,
                              placeholders(entry_column_count))
                : fmt::format("UPDATE entries SET {} WHERE id = ?1", update_assignments());
  ledger_statement entry_stmt(file_.handle(), entry_sql);
  if (!entry_stmt) return fail("prepare entry");
  bind_entry(entry_stmt, e);
  if (entry_stmt.step() != SQLITE_DONE) return fail("write entry");
  if (!inserting && sqlite3_changes(file_.handle()) != 1) return fail("entry to update not found");
  const std::int64_t id = inserting ? sqlite3_last_insert_rowid(file_.handle()) : e.id;

  ledger_statement add(file_.handle(),
                       "INSERT INTO transitions (entry_id, at, who, what, from_value, to_value, "
                       "note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!add) return fail("prepare transition");
  std::vector<std::int64_t> ids;
  for (const auto& t : ts) {
    add.bind(1, id);
    add.bind(2, std::optional{t.at});
    add.bind(3, std::string_view(t.who));
    add.bind(4, to_string(t.what));
    add.bind(5, std::string_view(t.from));
    add.bind(6, std::string_view(t.to));
    add.bind(7, std::string_view(t.note));
    if (add.step() != SQLITE_DONE) return fail("write transition");
    ids.push_back(sqlite3_last_insert_rowid(file_.handle()));
    add.reset();
  }
  if (auto r = exec("COMMIT"); !r) {
    (void)exec("ROLLBACK");
    return r;
  }
  // Only now, with the change on disk, do the caller's copies get their ids.
  e.id = id;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    ts[i].entry_id = id;
    ts[i].id = ids[i];
  }
  return {};
}

ledger_result<std::vector<ledger_entry>> ledger_database::select_entries(
    const std::string& tail, const std::vector<sql_param>& params) {
  ledger_statement s(file_.handle(), fmt::format("SELECT {} FROM entries {}", entry_columns, tail));
  if (!s) return std::unexpected(failure("prepare query"));
  bind_params(s, params);
  std::vector<ledger_entry> out;
  int rc = SQLITE_ROW;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_entry(s));
  if (rc != SQLITE_DONE) return std::unexpected(failure("read entries"));
  return out;
}

ledger_result<std::vector<ledger_entry>> ledger_database::load_open() {
  return select_entries("WHERE handling != 'closed' ORDER BY id", {});
}

ledger_result<std::vector<ledger_entry>> ledger_database::latest_by_site() {
  // One statement: the window walks the (site, raised_at, id) index once, whatever the
  // number of schools.
  return select_entries(
      "WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY site ORDER BY "
      "raised_at DESC, id DESC) AS newest FROM entries) WHERE newest = 1) ORDER BY site",
      {});
}

ledger_result<std::optional<ledger_entry>> ledger_database::load(std::int64_t id) {
  auto rows = select_entries("WHERE id = ?1", {id});
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<ledger_entry>{};
  return std::optional<ledger_entry>{std::move(rows->front())};
}

ledger_result<ledger_page> ledger_database::query(const ledger_filter& f, core::time_point now) {
  std::string where = "WHERE 1";
  std::vector<sql_param> params;
  auto add = [&](std::string_view clause, sql_param value) {
    params.push_back(std::move(value));
    where += fmt::format(" AND {} ?{}", clause, params.size());
  };
  if (!f.sites.empty()) {
    where += " AND site IN (";
    for (std::size_t i = 0; i < f.sites.size(); ++i) {
      params.emplace_back(f.sites[i]);
      where += fmt::format("{}?{}", i > 0 ? ", " : "", params.size());
    }
    where += ")";
  }
  if (!f.zone.empty()) add("zone =", f.zone);
  if (!f.device.empty()) add("device =", f.device);
  if (!f.family.empty()) add("family =", f.family);
  // The peak colour: an entry that reached red is found by red after falling back to yellow.
  if (f.severity) add("max_severity =", static_cast<std::int64_t>(*f.severity));
  if (f.cond) add("condition =", std::string(to_string(*f.cond)));
  if (f.state) add("handling =", std::string(to_string(*f.state)));
  if (f.open_only) where += " AND handling != 'closed'";
  if (f.overdue_only) {
    where += " AND handling != 'closed' AND deadline IS NOT NULL";
    add("deadline <", static_cast<std::int64_t>(core::to_epoch_ms(now)));
  }
  if (f.raised_from)
    add("raised_at >=", static_cast<std::int64_t>(core::to_epoch_ms(*f.raised_from)));
  if (f.raised_to) add("raised_at <", static_cast<std::int64_t>(core::to_epoch_ms(*f.raised_to)));

  ledger_statement count(file_.handle(), fmt::format("SELECT COUNT(*) FROM entries {}", where));
  if (!count) return std::unexpected(failure("prepare count"));
  bind_params(count, params);
  if (count.step() != SQLITE_ROW) return std::unexpected(failure("count entries"));
  ledger_page page;
  page.total = count.int64_at(0);

  params.emplace_back(static_cast<std::int64_t>(f.limit));
  params.emplace_back(static_cast<std::int64_t>(f.offset));
  auto rows = select_entries(fmt::format("{} ORDER BY raised_at DESC, id DESC LIMIT ?{} OFFSET ?{}",
                                         where, params.size() - 1, params.size()),
                             params);
  if (!rows) return std::unexpected(rows.error());
  page.entries = std::move(*rows);
  return page;
}

ledger_result<std::vector<ledger_transition>> ledger_database::transitions_of(
    std::int64_t entry_id) {
  ledger_statement s(file_.handle(),
                     fmt::format("SELECT {} FROM transitions WHERE entry_id = ?1 ORDER BY id",
                                 transition_columns));
  if (!s) return std::unexpected(failure("prepare transitions"));
  s.bind(1, entry_id);
  std::vector<ledger_transition> out;
  int rc = SQLITE_ROW;
  while ((rc = s.step()) == SQLITE_ROW) {
    out.push_back(read_transition(s));
  }
  if (rc != SQLITE_DONE) return std::unexpected(failure("read transitions"));
  return out;
}

ledger_result<ledger_slice> ledger_database::slice(const std::vector<std::string>& sites,
                                                   core::time_point from, core::time_point to) {
  std::vector<sql_param> params{static_cast<std::int64_t>(core::to_epoch_ms(to)),
                                static_cast<std::int64_t>(core::to_epoch_ms(from))};
  std::string where = "WHERE raised_at < ?1 AND (closed_at IS NULL OR closed_at >= ?2)";
  if (!sites.empty()) {
    where += " AND site IN (";
    for (std::size_t i = 0; i < sites.size(); ++i) {
      params.emplace_back(sites[i]);
      where += fmt::format("{}?{}", i > 0 ? ", " : "", params.size());
    }
    where += ")";
  }

  // One snapshot for both statements. Only this thread writes, so it is one already; the
  // transaction keeps it so should that ever change.
  if (auto r = exec("BEGIN"); !r) return std::unexpected(r.error());
  auto fail = [this](ledger_error e) {
    (void)exec("ROLLBACK");
    return std::unexpected(std::move(e));
  };
  ledger_slice out;
  auto rows = select_entries(fmt::format("{} ORDER BY raised_at, id", where), params);
  if (!rows) return fail(rows.error());
  out.entries = std::move(*rows);

  // The same condition as a subquery: the transitions of those entries in one pass of the
  // (entry_id, id) index, rather than one statement per entry.
  for (const auto& e : out.entries) out.transitions[e.id];  // every entry has its key
  {  // the statement is finalised before COMMIT
    ledger_statement s(file_.handle(),
                       fmt::format("SELECT {} FROM transitions WHERE entry_id IN "
                                   "(SELECT id FROM entries {}) ORDER BY entry_id, id",
                                   transition_columns, where));
    if (!s) return fail(failure("prepare slice transitions"));
    bind_params(s, params);
    int rc = SQLITE_ROW;
    while ((rc = s.step()) == SQLITE_ROW) {
      auto t = read_transition(s);
      out.transitions[t.entry_id].push_back(std::move(t));
    }
    if (rc != SQLITE_DONE) return fail(failure("read slice transitions"));
  }
  if (auto r = exec("COMMIT"); !r) return fail(r.error());
  return out;
}

}  // namespace campus::alerts
