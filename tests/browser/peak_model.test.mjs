// Unit tests of an entry's peak on the dashboard (issue 14): an entry that reached red reads,
// sorts, counts and filters as red after falling back to yellow — in the model (state.js), the
// feed's order and counters (feed.js) and the words of both languages (i18n.js) — with its peak
// value beside the value at raising. Messages are shaped as docs/alerts.md shows them.
//   node --test peak_model.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { live_model, normalize_entry, peak_severity, severity_words } from '../../dashboards/state.js';
import { feed_filters, feed_order, urgency } from '../../dashboards/feed.js';
import { translator } from '../../dashboards/i18n.js';

const t0 = 1795000000000;

function snapshot(alerts = []) {
  return {
    type: 'snapshot',
    district: { id: 'binhai', name: '滨海区教育局', name_en: 'Binhai District' },
    sites: [{ id: 'xh-primary', name: '星河小学', name_en: 'Xinghe Primary', time_zone: 'Asia/Shanghai',
              zones: [{ id: 'kitchen', type: 'canteen_kitchen', name: '食堂后厨', name_en: 'Kitchen' }] }],
    devices: [{ id: 'xh-gas-01', site: 'xh-primary', zone: 'kitchen', family: 'gas_detector',
                name: '燃气探测器', name_en: 'Gas detector', status: 'online', last_seen: t0, values: {} }],
    alerts,
  };
}

// A leak raised yellow at 12 %LEL that reached red at 30 and fell back to yellow (15).
function fell_back(fields = {}) {
  return {
    id: 21, display_id: 'A-000021', kind: 'sensor', site: 'xh-primary', zone: 'kitchen',
    device: 'xh-gas-01', family: 'gas_detector', rule: 'gas-leak', subject: '',
    rule_name: '燃气泄漏', rule_name_en: 'Gas leak', metric: 'lel_pct', unit: '%LEL',
    title: '', description: '', severity: 'yellow', max_severity: 'red', condition: 'active',
    state: 'new', occurrences: 1, value: 15, raised_value: 12, peak_value: 30, threshold: 10,
    raised_at: t0, updated_at: t0 + 120000, cleared_at: null, escalation: null, report: null,
    ...fields,
  };
}

const yellow_only = (fields = {}) => fell_back({
  id: 22, display_id: 'A-000022', device: '', max_severity: 'yellow', peak_value: 14,
  raised_value: 11, value: 14, raised_at: t0 + 1000, ...fields,
});

test('the entry keeps its peak colour and values; the peak is never below the current colour', () => {
  const a = normalize_entry(fell_back());
  assert.equal(a.severity, 'yellow');
  assert.equal(a.max_severity, 'red');
  assert.equal(peak_severity(a), 'red');
  assert.equal(a.raised_value, 12);
  assert.equal(a.peak_value, 30);
  // An older server without the peak: the current colour and no peak value.
  const old = normalize_entry(fell_back({ max_severity: undefined, raised_value: undefined, peak_value: undefined }));
  assert.equal(peak_severity(old), 'yellow');
  assert.equal(old.peak_value, null);
  assert.equal(old.raised_value, null);
  // A message whose peak is below its colour is read as the colour.
  assert.equal(peak_severity(normalize_entry(fell_back({ severity: 'orange', max_severity: 'yellow' }))), 'orange');
  // A manual hazard has neither value.
  const manual = normalize_entry(fell_back({ kind: 'manual', raised_value: null, peak_value: null }));
  assert.equal(manual.raised_value, null);
  assert.equal(manual.peak_value, null);
});

test('a red that fell back to yellow reads red, with the current colour beside it while active', () => {
  const zh = translator('zh');
  const en = translator('en');
  const active = normalize_entry(fell_back());
  assert.equal(severity_words(zh, active), '红色 · 紧急（现黄色）');
  assert.equal(severity_words(zh, active, true), '红色（现黄色）');
  assert.equal(severity_words(en, active), 'Red · emergency (now Yellow)');
  const cleared = normalize_entry(fell_back({ condition: 'cleared', cleared_at: t0 + 200000 }));
  assert.equal(severity_words(zh, cleared, true), '红色', 'once cleared, only the peak');
  const steady = normalize_entry(fell_back({ severity: 'red' }));
  assert.equal(severity_words(zh, steady, true), '红色');
  for (const tr of [zh, en]) {
    for (const key of ['severity_peak_now', 'peak_value_note', 'detail_raised_value', 'detail_peak_value',
                       'detail_severity_peak', 'detail_severity_now', 'col_severity_peak', 'filter_severity_peak']) {
      assert.notEqual(tr.t(key), key, `${tr.lang} has ${key}`);
    }
  }
  assert.equal(zh.t('col_severity_peak'), '最高等级', 'the monthly report CSV\'s word');
});

test('the feed sorts, and the red counter counts, the entry by its peak', () => {
  const m = new live_model();
  m.apply(snapshot([fell_back(), yellow_only()]), t0);
  const a = m.alerts.get(21);
  assert.equal(urgency(a), 0, 'red and active: first');
  assert.deepEqual(feed_order(m.alerts_newest_first()).map((x) => x.id), [21, 22],
                   'before the newer yellow entry');
  const c = m.counts();
  assert.equal(c.active.red, 1);
  assert.equal(c.active.yellow, 1);
  const shown = (filter) => [...m.alerts.values()].filter(feed_filters[filter]).map((x) => x.id);
  assert.deepEqual(shown('red'), [21], 'the red counter shows what it counts');
  assert.deepEqual(shown('yellow'), [22]);
  // The counter and the feed filter agree for every colour.
  for (const s of ['blue', 'yellow', 'orange', 'red']) assert.equal(shown(s).length, c.active[s]);

  // A message that the colour fell further keeps the peak.
  m.apply({ type: 'alert', event: 'severity_changed', alert: fell_back({ severity: 'blue' }), transitions: [] }, t0);
  assert.equal(peak_severity(m.alerts.get(21)), 'red');
  assert.equal(m.counts().active.red, 1);
});
