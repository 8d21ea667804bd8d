// The bureau's views (docs/bureau.md) as the page needs them: rates as fractions, sorting the
// district overview, durations in words, the default month, URLs of the bureau's API and the
// body of a notice. Pure (no DOM, no fetch, `now` passed in) so node's tests can drive it.

import { zoned_parts } from './history.js';

const is_object = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// A time from the server (epoch ms, or an ISO text) as epoch ms, or null.
export function to_ms(v) {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

// A rate as a fraction 0..1, or null ("no requirement"). The server speaks in percent (its
// target 90); a target ≤ 1 would mean fractions, so 1 % is never read as 100 %.
export function as_fraction(v, target = 90) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  const percent = typeof target !== 'number' || target > 1;
  return percent ? v / 100 : v;
}

// "87.5%", or '—' for null.
export function percent_text(fraction, digits = 1) {
  if (typeof fraction !== 'number' || !Number.isFinite(fraction)) return '—';
  return `${Number((fraction * 100).toFixed(digits))}%`;
}

export const severity_rank = (sev) => ['blue', 'yellow', 'orange', 'red'].indexOf(sev);

// The overview's sortable columns: how each row is keyed (null sorts after every value).
export const overview_columns = Object.freeze([
  'school', 'worst', 'open', 'overdue', 'reports_overdue', 'devices', 'compliance', 'last_incident',
]);

function overview_key(row, column, lang) {
  switch (column) {
    case 'school': return school_name(row, lang);
    case 'worst': return row.worst_severity ? severity_rank(row.worst_severity) : null;
    case 'devices': return row.devices_total > 0 ? row.devices_online / row.devices_total : null;
    case 'compliance': return typeof row.compliance_rate === 'number' ? row.compliance_rate : null;
    case 'last_incident': return to_ms(row.last_incident?.raised_at);
    default: return typeof row[column] === 'number' ? row[column] : null;
  }
}

// The rows sorted by a column, ascending or descending; rows without a value last either way,
// ties in the server's order (the configuration's). Names compare naturally (学校2 before
// 学校10) in the language shown. The column 'priority' is the default order, the worst school
// first (worst_first), whatever `dir`.
export function sort_overview(rows, column, dir = 'asc', lang = 'zh') {
  if (column === 'priority') return worst_first(rows, lang);
  const sign = dir === 'desc' ? -1 : 1;
  const collator = name_collator(lang);
  return rows.map((row, i) => ({ row, i, k: overview_key(row, column, lang) })).sort((a, b) => {
    if (a.k === null || b.k === null) return a.k === b.k ? a.i - b.i : a.k === null ? 1 : -1;
    const c = typeof a.k === 'string' ? collator.compare(a.k, b.k) : a.k - b.k;
    return c !== 0 ? sign * c : a.i - b.i;
  }).map((x) => x.row);
}

// The next sort after a click on `column`: a new column starts ascending (descending for the
// figures where more is worse, so the worst school comes first), the same column flips.
export function next_sort(current, column) {
  if (current.column === column) return { column, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  const worse_first = ['worst', 'open', 'overdue', 'reports_overdue', 'last_incident'];
  return { column, dir: worse_first.includes(column) ? 'desc' : 'asc' };
}

// Seconds as words: "45 秒", "3 分 20 秒", "1 小时 5 分", "2 天 3 小时"; '—' for null.
export function duration_text(tr, seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const part = (n, unit) => tr.t('duration_part', { n, unit: tr.t(`unit_${unit}`) });
  if (s < 60) return part(s, 's');
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${part(m, 'min')} ${part(s % 60, 's')}` : part(m, 'min');
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${part(h, 'h')} ${part(m % 60, 'min')}` : part(h, 'h');
  const d = Math.floor(h / 24);
  return h % 24 ? `${part(d, 'd')} ${part(h % 24, 'h')}` : part(d, 'd');
}

// The month before the one `now` falls in, in `time_zone`: "YYYY-MM".
export function last_month(now, time_zone = 'Asia/Shanghai') {
  const p = zoned_parts(now, time_zone);
  const year = Number(p.year);
  const month = Number(p.month);
  const y = month === 1 ? year - 1 : year;
  const m = month === 1 ? 12 : month - 1;
  return `${y}-${String(m).padStart(2, '0')}`;
}

// When a school's report for `month` ("YYYY-MM") is due at the bureau: the 5th of the next
// month (the seed plan: "于次月的5日前 … 报区教育局"); null for anything else.
export function report_due(month) {
  const m = /^(\d{4})-(\d{2})$/.exec(month ?? '');
  if (!m) return null;
  const year = Number(m[1]);
  const mon = Number(m[2]);
  if (mon < 1 || mon > 12) return null;
  const y = mon === 12 ? year + 1 : year;
  const n = mon === 12 ? 1 : mon + 1;
  return `${y}-${String(n).padStart(2, '0')}-05`;
}

// The month `now` falls in, in `time_zone` (the latest a report may ask for).
export function this_month(now, time_zone = 'Asia/Shanghai') {
  const p = zoned_parts(now, time_zone);
  return `${p.year}-${p.month}`;
}

// GET /api/reports/monthly for a month, a school ('' = the district) and a format.
export function report_url(month, site = '', format = 'json') {
  const q = new URLSearchParams({ month });
  if (site) q.set('site', site);
  if (format === 'csv') q.set('format', 'csv');
  return `/api/reports/monthly?${q}`;
}

export const daily_url = (from, to) =>
  `/api/compliance/daily?${new URLSearchParams({ from, to })}`;

// The monthly report's alerts as one table (docs/bureau.md): a row per device family with its
// colours and total, in the server's order, then the totals row (the server's by_severity; the
// columns' sums when it is missing). A count left out is 0, a total left out the colours' sum.
export const report_colours = Object.freeze(['blue', 'yellow', 'orange', 'red']);

export function alert_table(alerts) {
  const count = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const cells = (v) => {
    const o = is_object(v) ? v : {};
    const row = report_colours.map((c) => count(o[c]));
    return [...row, typeof o.total === 'number' && Number.isFinite(o.total) ? o.total : row.reduce((a, b) => a + b, 0)];
  };
  const a = is_object(alerts) ? alerts : {};
  const rows = Object.entries(is_object(a.by_family) ? a.by_family : {})
    .map(([family, v]) => ({ family, cells: cells(v) }));
  const total = is_object(a.by_severity)
    ? cells(a.by_severity)
    : rows.reduce((sum, r) => sum.map((n, i) => n + r.cells[i]), [0, 0, 0, 0, 0]);
  return { rows, total };
}

// "YYYY-MM-DD" of `now` minus `days` days in `time_zone`.
export function day_text(now, time_zone = 'Asia/Shanghai', days = 0) {
  const p = zoned_parts(now - days * 86400000, time_zone);
  return `${p.year}-${p.month}-${p.day}`;
}

export const notice_kinds = Object.freeze(['weather', 'inspection', 'other']);

// The body of POST /api/notices; sites ['*'] for every school. Null fields are left out.
export function notice_body({ title, body = '', kind = 'other', severity = '', sites = [], sms = false }) {
  const out = { title: title.trim(), body: body.trim(), kind, sites, sms: sms === true };
  if (severity) out.severity = severity;
  return JSON.stringify(out);
}

// Why a notice form cannot be sent, as an i18n key, or null when it can.
export function notice_problem({ title, body = '', sites = [] }) {
  const t = title.trim();
  if (!t) return 'notice_need_title';
  if ([...t].length > 100) return 'notice_title_long';
  if ([...body.trim()].length > 2000) return 'notice_body_long';
  if (!sites.length) return 'notice_need_sites';
  return null;
}

// A notice as the page keeps it, or null when it is not one.
export function normalize_notice(n) {
  if (!is_object(n) || (typeof n.id !== 'number' && typeof n.id !== 'string')) return null;
  const receipts = (Array.isArray(n.receipts) ? n.receipts : []).filter(is_object).map((r) => ({
    site: String(r.site ?? ''),
    read: r.read === true,
    readers: (Array.isArray(r.readers) ? r.readers : []).filter(is_object).map((x) => ({
      user: String(x.user ?? ''), name: String(x.name ?? x.user ?? ''), at: to_ms(x.at),
    })),
    sms: (Array.isArray(r.sms) ? r.sms : []).filter(is_object).map((x) => ({
      person: String(x.person ?? ''), name: String(x.name ?? x.person ?? ''),
      outcome: String(x.outcome ?? ''), at: to_ms(x.at),
    })),
  }));
  return {
    id: n.id,
    display_id: typeof n.display_id === 'string' && n.display_id ? n.display_id : `N-${n.id}`,
    created_at: to_ms(n.created_at),
    author: typeof n.author === 'string' ? n.author
      : is_object(n.author) ? String(n.author.name ?? n.author.user ?? '') : '',
    kind: typeof n.kind === 'string' ? n.kind : 'other',
    severity: ['blue', 'yellow', 'orange', 'red'].includes(n.severity) ? n.severity : null,
    title: String(n.title ?? ''),
    body: String(n.body ?? ''),
    sites: (Array.isArray(n.sites) ? n.sites : []).map(String),
    sms: n.sms === true,
    read_by_me: n.read_by_me === true,
    receipts,
    has_receipts: Array.isArray(n.receipts),
  };
}

// A notice_read message applied to a kept notice: the school's receipt read by that user, once.
export function apply_read(notice, msg) {
  const site = String(msg.site ?? '');
  let r = notice.receipts.find((x) => x.site === site);
  if (!r) {
    r = { site, read: false, readers: [], sms: [] };
    notice.receipts.push(r);
  }
  r.read = true;
  const user = String(msg.user ?? '');
  if (!r.readers.some((x) => x.user === user)) {
    r.readers.push({ user, name: String(msg.name ?? user), at: to_ms(msg.at) });
  }
  return notice;
}

// ---- Hundreds of schools on one screen (issue 19): natural names, search, filters, worst first.

// Names compared as a person reads them: 学校2 before 学校10 before 学校100 (numeric collation),
// Chinese by pinyin order in Chinese, English names in English. One collator per language.
const collators = new Map();
export function name_collator(lang = 'zh') {
  const key = lang === 'en' ? 'en' : 'zh-CN';
  if (!collators.has(key)) collators.set(key, new Intl.Collator(key, { numeric: true, sensitivity: 'base' }));
  return collators.get(key);
}

// The name a school is shown by in `lang` (as i18n's tr.name): Chinese `name` or English `name_en`.
export const school_name = (s, lang = 'zh') =>
  (lang === 'en' ? s.name_en || s.name : s.name || s.name_en) || s.site || s.id || '';

// Sorts schools (anything with site/id, name, name_en) by their shown name, naturally.
export function sort_by_name(schools, lang = 'zh') {
  const c = name_collator(lang);
  return [...schools].sort((a, b) => c.compare(school_name(a, lang), school_name(b, lang)));
}

// Text as searched: NFKC (full-width digits and letters become ASCII), lower case, no spaces.
const fold = (v) => String(v ?? '').normalize('NFKC').toLowerCase().replace(/\s+/g, '');

// Whether a school matches what was typed: part of its Chinese name, English name or id.
// An empty query matches every school.
export function matches_school(s, query) {
  const q = fold(query);
  if (!q) return true;
  return [s.name, s.name_en, s.site ?? s.id].some((v) => fold(v).includes(q));
}

// Devices of an overview row that are offline: the server's count (devices_offline), or for an
// answer without it those not online.
export function devices_offline(row) {
  if (typeof row.devices_offline === 'number') return row.devices_offline;
  return row.devices_total > 0 && typeof row.devices_online === 'number' ? row.devices_total - row.devices_online : 0;
}

// Why an overview row needs attention, as a list of reasons (empty: nothing wrong). `target` is
// the compliance target as a fraction, the row's compliance_rate a fraction too.
export function school_problems(row, target = 0.9) {
  const out = [];
  if (row.worst_severity) out.push('active');
  if (row.overdue > 0) out.push('overdue');
  if (row.reports_overdue > 0) out.push('reports_overdue');
  if (devices_offline(row) > 0) out.push('offline');
  if (typeof row.compliance_rate === 'number' && row.compliance_rate < target) out.push('below_target');
  return out;
}

// The status filter's choices: any, one colour (the worst active one), or none active.
export const overview_statuses = Object.freeze(['all', 'red', 'orange', 'yellow', 'blue', 'none']);

// The overview's rows that pass the search, the status and the "only problems" toggle.
export function filter_overview(rows, { query = '', status = 'all', problems_only = false, target = 0.9 } = {}) {
  return rows.filter((r) => matches_school(r, query)
    && (status === 'all' || (status === 'none' ? !r.worst_severity : r.worst_severity === status))
    && (!problems_only || school_problems(r, target).length > 0));
}

// The default order, the worst school first: its worst active colour, then overdue entries,
// one-hour reports overdue, open entries, devices offline, the lowest compliance (no
// requirement last); equal schools by name, naturally.
export function worst_first(rows, lang = 'zh') {
  const c = name_collator(lang);
  const sev = (r) => (r.worst_severity ? severity_rank(r.worst_severity) : -1);
  const n = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const rate = (r) => (typeof r.compliance_rate === 'number' ? r.compliance_rate : Infinity);
  return [...rows].sort((a, b) => sev(b) - sev(a) || n(b.overdue) - n(a.overdue)
    || n(b.reports_overdue) - n(a.reports_overdue) || n(b.open) - n(a.open) || devices_offline(b) - devices_offline(a)
    || (rate(a) === rate(b) ? 0 : rate(a) < rate(b) ? -1 : 1)
    || c.compare(school_name(a, lang), school_name(b, lang)));
}

// How many rows a long list shows at first, and adds per "show more".
export const page_size = 50;

// Compliance bars, the worst first: under the target first, then the lowest rate, schools with
// no requirement last; equal ones by name.
export function compliance_order(schools, target = 0.9, lang = 'zh') {
  const c = name_collator(lang);
  const rate = (s) => (typeof s.rate === 'number' ? s.rate : Infinity);
  const below = (s) => (rate(s) < target ? 0 : 1);
  return [...schools].sort((a, b) => below(a) - below(b)
    || (rate(a) === rate(b) ? 0 : rate(a) < rate(b) ? -1 : 1)
    || c.compare(school_name(a, lang), school_name(b, lang)));
}

// A district report's school rows, the worst first: one-hour report breaches, then the lowest
// availability (unknown last), then by name.
export function report_schools_order(schools, lang = 'zh') {
  const c = name_collator(lang);
  const n = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const avail = (s) => (typeof s.availability === 'number' ? s.availability : Infinity);
  return [...schools].sort((a, b) => n(b.report_breaches) - n(a.report_breaches)
    || (avail(a) === avail(b) ? 0 : avail(a) < avail(b) ? -1 : 1)
    || c.compare(school_name(a, lang), school_name(b, lang)));
}
