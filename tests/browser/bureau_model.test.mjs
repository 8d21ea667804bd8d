// Unit tests of dashboards/bureau.js, the pure parts of the bureau's views: rates in percent,
// sorting the overview, durations in words, months in the school's time zone, URLs, notices.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alert_table, apply_read, as_fraction, compliance_order, duration_text, filter_overview, last_month,
         matches_school, next_sort, normalize_notice, notice_body, notice_problem, percent_text, report_due,
         report_schools_order, report_url, school_problems, sort_by_name, sort_overview, this_month, worst_first }
  from '../../dashboards/bureau.js';
import { translator } from '../../dashboards/i18n.js';

const zh = translator('zh');
const en = translator('en');

test('rates: percent from the server, never 1 % read as 100 %', () => {
  assert.equal(as_fraction(87.5, 90), 0.875);
  assert.equal(as_fraction(1, 90), 0.01);
  assert.equal(as_fraction(0.5, 0.9), 0.5);
  assert.equal(as_fraction(null, 90), null);
  assert.equal(percent_text(0.875), '87.5%');
  assert.equal(percent_text(null), '—');
});

test('overview sorting: by name, by figures, nulls last both ways, a click flips', () => {
  const rows = [
    { site: 'a', name: '滨湖中学', open: 2, compliance_rate: 0.95, worst_severity: null },
    { site: 'b', name: '星火小学', open: 5, compliance_rate: null, worst_severity: 'red' },
    { site: 'c', name: '城南小学', open: 0, compliance_rate: 0.5, worst_severity: 'yellow' },
  ];
  const order = (col, dir) => sort_overview(rows, col, dir).map((r) => r.site);
  assert.deepEqual(order('open', 'desc'), ['b', 'a', 'c']);
  assert.deepEqual(order('open', 'asc'), ['c', 'a', 'b']);
  assert.deepEqual(order('compliance', 'asc'), ['c', 'a', 'b']);
  assert.deepEqual(order('compliance', 'desc'), ['a', 'c', 'b'], 'no requirement stays last');
  assert.deepEqual(order('worst', 'desc'), ['b', 'c', 'a']);
  assert.deepEqual(order('school', 'asc').reverse(), order('school', 'desc'));
  assert.deepEqual(next_sort({ column: 'school', dir: 'asc' }, 'school'), { column: 'school', dir: 'desc' });
  assert.deepEqual(next_sort({ column: 'school', dir: 'asc' }, 'overdue'), { column: 'overdue', dir: 'desc' });
  assert.deepEqual(next_sort({ column: 'school', dir: 'asc' }, 'compliance'), { column: 'compliance', dir: 'asc' });
});

test('durations in words', () => {
  assert.equal(duration_text(zh, 45), '45 秒');
  assert.equal(duration_text(zh, 200), '3 分钟 20 秒');
  assert.equal(duration_text(en, 3900), '1 h 5 min');
  assert.equal(duration_text(en, 86400 * 2 + 3600 * 3), '2 d 3 h');
  assert.equal(duration_text(zh, null), '—');
});

test('months in the school time zone', () => {
  // 2026-03-31 20:00 UTC is already April 1st in Shanghai.
  const t = Date.UTC(2026, 2, 31, 20);
  assert.equal(this_month(t, 'Asia/Shanghai'), '2026-04');
  assert.equal(last_month(t, 'Asia/Shanghai'), '2026-03');
  assert.equal(last_month(t, 'UTC'), '2026-02');
  assert.equal(last_month(Date.UTC(2026, 0, 10), 'Asia/Shanghai'), '2025-12');
  assert.equal(report_url('2026-03', 'xh-primary', 'csv'), '/api/reports/monthly?month=2026-03&site=xh-primary&format=csv');
  assert.equal(report_url('2026-03'), '/api/reports/monthly?month=2026-03');
});

test("a school's report is due at the bureau before the 5th of the next month", () => {
  assert.equal(report_due('2026-10'), '2026-11-05');
  assert.equal(report_due('2026-12'), '2027-01-05');
  assert.equal(report_due('2026-13'), null);
  assert.equal(report_due('October'), null);
  assert.equal(report_due(undefined), null);
});

test('notices: the body, what the form refuses, receipts read', () => {
  assert.deepEqual(JSON.parse(notice_body({ title: ' 台风 ', body: '停课', kind: 'weather', severity: 'orange', sites: ['*'], sms: true })),
    { title: '台风', body: '停课', kind: 'weather', severity: 'orange', sites: ['*'], sms: true });
  assert.equal('severity' in JSON.parse(notice_body({ title: 'x', sites: ['a'] })), false);
  assert.equal(notice_problem({ title: ' ', sites: ['a'] }), 'notice_need_title');
  assert.equal(notice_problem({ title: '字'.repeat(101), sites: ['a'] }), 'notice_title_long');
  assert.equal(notice_problem({ title: '字'.repeat(100), sites: ['a'] }), null);
  assert.equal(notice_problem({ title: 'x', sites: [] }), 'notice_need_sites');
  const n = normalize_notice({ id: 3, display_id: 'N-000003', title: 't', sites: ['a', 'b'],
    receipts: [{ site: 'a', read: false, readers: [], sms: [] }] });
  apply_read(n, { notice_id: 3, site: 'a', user: 'u1', name: '王磊', at: 1000 });
  apply_read(n, { notice_id: 3, site: 'a', user: 'u1', name: '王磊', at: 2000 });
  assert.equal(n.receipts[0].read, true);
  assert.deepEqual(n.receipts[0].readers, [{ user: 'u1', name: '王磊', at: 1000 }], 'once per person');
  assert.equal(normalize_notice({ title: 'no id' }), null);
});

test('report alerts: one row per family in the server\'s order, then the totals row', () => {
  const alerts = {
    by_family: {
      gas_detector: { blue: 1, yellow: 0, orange: 1, red: 1, total: 3 },
      alarm_input: { blue: 0, yellow: 2, orange: 0, red: 0, total: 2 },
    },
    by_severity: { blue: 1, yellow: 2, orange: 1, red: 1, total: 5 },
  };
  assert.deepEqual(alert_table(alerts), {
    rows: [
      { family: 'gas_detector', cells: [1, 0, 1, 1, 3] },
      { family: 'alarm_input', cells: [0, 2, 0, 0, 2] },
    ],
    total: [1, 2, 1, 1, 5],
  });
  // Without by_severity the totals row is the columns' sums; a missing total, the colours'.
  assert.deepEqual(alert_table({ by_family: { water_beacon: { red: 2 }, gas_detector: { blue: 1, total: 1 } } }),
    { rows: [{ family: 'water_beacon', cells: [0, 0, 0, 2, 2] }, { family: 'gas_detector', cells: [1, 0, 0, 0, 1] }],
      total: [1, 0, 0, 2, 3] });
  assert.deepEqual(alert_table(null), { rows: [], total: [0, 0, 0, 0, 0] });
});

// ---- A district of hundreds of schools (issue 19).

const school = (site, name, more = {}) => ({
  site, name, name_en: `School ${site}`, worst_severity: null, open: 0, overdue: 0, reports_overdue: 0,
  devices_online: 13, devices_total: 13, compliance_rate: 1, ...more,
});

test('names sort naturally: 学校2 before 学校10 before 学校100, in both languages', () => {
  const rows = ['学校100', '学校10', '学校2', '学校1', '学校0'].map((n) => school(n.slice(2), n, { name_en: `School ${n.slice(2)}` }));
  assert.deepEqual(sort_by_name(rows, 'zh').map((r) => r.name), ['学校0', '学校1', '学校2', '学校10', '学校100']);
  assert.deepEqual(sort_by_name(rows, 'en').map((r) => r.name_en), ['School 0', 'School 1', 'School 2', 'School 10', 'School 100']);
  assert.deepEqual(sort_overview(rows, 'school', 'asc').map((r) => r.name), ['学校0', '学校1', '学校2', '学校10', '学校100']);
  assert.deepEqual(sort_overview(rows, 'school', 'desc').map((r) => r.name), ['学校100', '学校10', '学校2', '学校1', '学校0']);
  // English mode sorts by the English name, not the Chinese one.
  const mixed = [school('a', '乙校', { name_en: 'Alpha 9' }), school('b', '甲校', { name_en: 'Alpha 10' })];
  assert.deepEqual(sort_overview(mixed, 'school', 'asc', 'en').map((r) => r.site), ['a', 'b']);
});

test('search: part of the Chinese name, the English name or the id; case and width do not matter', () => {
  const s = school('gen-0042', '生成学校42', { name_en: 'Generated School 42' });
  for (const q of ['学校42', '生成', 'generated school', 'SCHOOL 42', 'gen-0042', '０４２', '']) {
    assert.equal(matches_school(s, q), true, q);
  }
  for (const q of ['学校43', 'xh-primary', 'School 421']) assert.equal(matches_school(s, q), false, q);
  // An id with no names still matches by its id.
  assert.equal(matches_school({ id: 'bh-middle' }, 'bh-'), true);
});

test('problems: an active colour, overdue, reports overdue, devices offline, compliance under the target', () => {
  assert.deepEqual(school_problems(school('a', 'A')), []);
  assert.deepEqual(school_problems(school('a', 'A', { worst_severity: 'blue' })), ['active']);
  assert.deepEqual(school_problems(school('a', 'A', { overdue: 2 })), ['overdue']);
  assert.deepEqual(school_problems(school('a', 'A', { reports_overdue: 1 })), ['reports_overdue']);
  assert.deepEqual(school_problems(school('a', 'A', { devices_online: 12 })), ['offline']);
  assert.deepEqual(school_problems(school('a', 'A', { compliance_rate: 0.85 }), 0.9), ['below_target']);
  assert.deepEqual(school_problems(school('a', 'A', { compliance_rate: 0.9 }), 0.9), [], 'at the target is met');
  assert.deepEqual(school_problems(school('a', 'A', { compliance_rate: null })), [], 'no requirement is no problem');
  assert.deepEqual(school_problems(school('a', 'A', { devices_total: 0, devices_online: 0 })), []);
  // The server's count of offline devices when it gives one: never heard is not offline.
  assert.deepEqual(school_problems(school('a', 'A', { devices_online: 0, devices_offline: 0 })), []);
  assert.deepEqual(school_problems(school('a', 'A', { devices_online: 10, devices_offline: 1 })), ['offline']);
  // Open entries alone (acknowledged, not overdue, condition cleared) are not a problem.
  assert.deepEqual(school_problems(school('a', 'A', { open: 3 })), []);
});

test('filters: search, status (the worst colour, or none), problems only, combined', () => {
  const rows = [
    school('s1', '学校1', { worst_severity: 'red', open: 1 }),
    school('s2', '学校2', { worst_severity: 'yellow' }),
    school('s3', '学校3', { overdue: 1 }),
    school('s10', '学校10'),
    school('s11', '学校11', { compliance_rate: 0.5 }),
  ];
  const sites = (f) => filter_overview(rows, f).map((r) => r.site);
  assert.deepEqual(sites({}), ['s1', 's2', 's3', 's10', 's11']);
  assert.deepEqual(sites({ query: '学校1' }), ['s1', 's10', 's11']);
  assert.deepEqual(sites({ status: 'red' }), ['s1']);
  assert.deepEqual(sites({ status: 'none' }), ['s3', 's10', 's11']);
  assert.deepEqual(sites({ problems_only: true, target: 0.9 }), ['s1', 's2', 's3', 's11']);
  assert.deepEqual(sites({ problems_only: true, target: 0.4 }), ['s1', 's2', 's3'], 'the target decides');
  assert.deepEqual(sites({ problems_only: true, query: '学校1', target: 0.9 }), ['s1', 's11']);
  assert.deepEqual(sites({ status: 'orange' }), []);
});

test('worst first: colour, then overdue, reports overdue, open, offline, lowest compliance, then name', () => {
  const rows = [
    school('ok10', '学校10'),
    school('ok2', '学校2'),
    school('low', '学校5', { compliance_rate: 0.5 }),
    school('lower', '学校6', { compliance_rate: 0.4 }),
    school('off', '学校7', { devices_online: 10 }),
    school('open', '学校8', { open: 4 }),
    school('rep', '学校9', { reports_overdue: 1 }),
    school('over', '学校11', { overdue: 3, open: 3 }),
    school('yellow', '学校12', { worst_severity: 'yellow', overdue: 9 }),
    school('red', '学校13', { worst_severity: 'red' }),
    school('red-over', '学校14', { worst_severity: 'red', overdue: 1 }),
    school('none', '学校15', { compliance_rate: null }),
  ];
  const expected = ['red-over', 'red', 'yellow', 'over', 'rep', 'open', 'off', 'lower', 'low', 'ok2', 'ok10', 'none'];
  assert.deepEqual(worst_first(rows).map((r) => r.site), expected);
  assert.deepEqual(sort_overview(rows, 'priority', 'asc').map((r) => r.site), expected, 'priority ignores dir');
  // A click on a heading leaves the default order for that column.
  assert.deepEqual(next_sort({ column: 'priority', dir: 'desc' }, 'school'), { column: 'school', dir: 'asc' });
  assert.deepEqual(next_sort({ column: 'priority', dir: 'desc' }, 'worst'), { column: 'worst', dir: 'desc' });
});

test('compliance bars and a district report\'s schools: the worst first', () => {
  const c = [
    { site: 'a', name: '学校10', rate: 0.95 }, { site: 'b', name: '学校2', rate: 0.5 },
    { site: 'c', name: '学校3', rate: null }, { site: 'd', name: '学校4', rate: 0.8 },
    { site: 'e', name: '学校1', rate: 0.95 },
  ];
  assert.deepEqual(compliance_order(c, 0.9).map((s) => s.site), ['b', 'd', 'e', 'a', 'c']);
  const r = [
    { site: 'a', name: '学校1', report_breaches: 0, availability: 99 },
    { site: 'b', name: '学校2', report_breaches: 2, availability: 100 },
    { site: 'c', name: '学校3', report_breaches: 0, availability: 50 },
    { site: 'd', name: '学校4', report_breaches: 0, availability: null },
    { site: 'e', name: '学校5', report_breaches: 1, availability: 100 },
  ];
  assert.deepEqual(report_schools_order(r).map((s) => s.site), ['b', 'e', 'c', 'a', 'd']);
});

test('the district words: in both languages, no English on the Chinese screen', () => {
  const keys = ['list_search', 'list_search_hint', 'ov_status', 'ov_status_all', 'ov_status_none', 'ov_problems_only',
    'ov_problems_hint', 'ov_sort', 'ov_sort_priority', 'ov_refreshing', 'list_count', 'list_count_all', 'list_more',
    'list_none', 'list_clear', 'rp_devices_worst', 'rp_schools_first', 'rp_schools_all', 'rp_show_all',
    'rp_show_fewer', 'school_filter', 'school_filter_count', 'notice_sites_chosen', 'compliance_order_hint',
    'compliance_chart_some'];
  for (const k of keys) {
    const z = zh.t(k, { n: 1, total: 2, shown: 1, matched: 1, left: 1 });
    const e = en.t(k, { n: 1, total: 2, shown: 1, matched: 1, left: 1 });
    assert.notEqual(z, k, `${k} in Chinese`);
    assert.notEqual(e, k, `${k} in English`);
    assert.doesNotMatch(z.replace(/CSV/g, ''), /[A-Za-z]/, `${k}: no Latin letters in Chinese`);
    assert.doesNotMatch(e, /[\u4e00-\u9fff]/, `${k}: no Chinese in English`);
  }
  assert.equal(en.t('rp_devices_worst', { n: 20, total: '10,004' }), 'Worst 20 of 10,004 devices · full list in the CSV');
  assert.equal(zh.t('list_count_all', { shown: 50, total: 771 }), '显示 50 / 771 所学校');
});
