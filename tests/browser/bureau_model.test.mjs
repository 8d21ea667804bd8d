// Unit tests of dashboards/bureau.js, the pure parts of the bureau's views: rates in percent,
// sorting the overview, durations in words, months in the school's time zone, URLs, notices.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alert_table, apply_read, as_fraction, duration_text, last_month, next_sort, normalize_notice, notice_body,
         notice_problem, percent_text, report_due, report_url, sort_overview, this_month } from '../../dashboards/bureau.js';
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
