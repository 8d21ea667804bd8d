// Unit tests of the history panel's pure parts (dashboards/history.js), in node.
//   node --test history_model.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alert_spans, chart_columns, chart_metrics, device_alerts_limit, device_alerts_url, has_numbers,
         history_url, merge_alerts, more_device_alerts, ms_to_zoned_input, step_parts, time_ticks,
         zoned_input_to_ms } from '../../dashboards/history.js';

const nov23 = Date.UTC(2026, 10, 23);  // 2026-11-23T00:00:00Z

test('a device charts its family metrics first, then other numbers it reported, never states', () => {
  const gas = { family: 'gas_detector', values: {
    valve: { metric: 'valve', subject: '', value: 'open' },
    lel_pct: { metric: 'lel_pct', subject: '', value: 3 },
    temp_c: { metric: 'temp_c', subject: '', value: 21 },
    event_confidence: { metric: 'event_confidence', subject: '', value: 0.9 },
  } };
  assert.deepEqual(chart_metrics(gas).map((c) => c.key), ['lel_pct', 'co_ppm', 'temp_c']);
  const beacon = { family: 'water_beacon', values: {
    'dist_m/tag-2': { metric: 'dist_m', subject: 'tag-2', value: 4 },
    tags_near: { metric: 'tags_near', subject: '', value: 1 },
  } };
  assert.deepEqual(chart_metrics(beacon),
    [{ key: 'tags_near', metric: 'tags_near', subject: '' },
     { key: 'dist_m/tag-2', metric: 'dist_m', subject: 'tag-2' }]);
  assert.deepEqual(chart_metrics({ family: 'alarm_input', values: {} }), []);
});

test('the query URL carries the range in epoch ms and the subject only when there is one', () => {
  assert.equal(history_url({ device: 'xh-kitchen-gas-1', metric: 'lel_pct', from: 1000.7, to: 2000 }),
    'api/history?device=xh-kitchen-gas-1&metric=lel_pct&from=1000&to=2000');
  assert.equal(history_url({ device: 'b 1', metric: 'dist_m', subject: 'tag/2', from: 1, to: 2, format: 'csv' }),
    'api/history?device=b+1&metric=dist_m&subject=tag%2F2&from=1&to=2&format=csv');
});

test('chart columns are in seconds and break the line where buckets are missing', () => {
  const answer = { step: 60000, points: [
    { t: nov23, min: 1, mean: 2, max: 3, count: 4 },
    { t: nov23 + 60000, min: 2, mean: 2.5, max: 3, count: 2 },
    { t: nov23 + 300000, min: 5, mean: 5, max: 5, count: 1 },
  ] };
  assert.deepEqual(chart_columns(answer), [
    [nov23 / 1000, nov23 / 1000 + 60, nov23 / 1000 + 120, nov23 / 1000 + 300],
    [1, 2, null, 5], [2, 2.5, null, 5], [3, 3, null, 5],
  ]);
  assert.equal(has_numbers(answer), true);
  assert.equal(has_numbers({ step: 60000, points: [] }), false);
  assert.equal(has_numbers({ step: 60000, points: [{ t: nov23, min: null, mean: null, max: null, count: 3 }] }), false);
});

test('alert spans: the device only, overlapping the range, active ones up to now', () => {
  const alerts = [
    { id: 'a', device: 'gas', severity: 'red', condition: 'cleared', raised_at: nov23 + 10, cleared_at: nov23 + 20 },
    { id: 'b', device: 'gas', severity: 'yellow', condition: 'active', raised_at: nov23 + 50, cleared_at: null },
    { id: 'c', device: 'other', severity: 'red', condition: 'active', raised_at: nov23 + 10, cleared_at: null },
    { id: 'd', device: 'gas', severity: 'blue', condition: 'cleared', raised_at: nov23 - 100, cleared_at: nov23 - 50 },
    { id: 'e', device: 'gas', severity: 'orange', condition: 'cleared', raised_at: nov23 - 10, cleared_at: nov23 + 5 },
  ];
  const spans = alert_spans(alerts, 'gas', nov23, nov23 + 1000, nov23 + 70);
  assert.deepEqual(spans.map((s) => [s.alert.id, s.start - nov23, s.end - nov23, s.severity]),
    [['e', -10, 5, 'orange'], ['a', 10, 20, 'red'], ['b', 50, 70, 'yellow']]);
});

test('marks come from the ledger: every entry of the device in the range, closed and backfilled ones too', () => {
  // What GET /api/alerts?device=gas&to=… answered: closed, backfilled (raised before the page
  // existed), one raised before the range that ran into it, one before the range that ended
  // before it, one of the peak red that fell back to yellow.
  const ledger = [
    { id: 5, device: 'gas', severity: 'yellow', max_severity: 'red', condition: 'cleared', state: 'closed',
      raised_at: nov23 + 400, cleared_at: nov23 + 500, updated_at: nov23 + 900 },
    { id: 4, device: 'gas', severity: 'yellow', max_severity: 'yellow', condition: 'cleared', state: 'rectified',
      raised_at: nov23 + 100, cleared_at: nov23 + 200, updated_at: nov23 + 300 },
    { id: 3, device: 'gas', severity: 'orange', max_severity: 'orange', condition: 'cleared', state: 'closed',
      raised_at: nov23 - 50, cleared_at: nov23 + 20, updated_at: nov23 + 30 },
    { id: 2, device: 'gas', severity: 'red', max_severity: 'red', condition: 'cleared', state: 'closed',
      raised_at: nov23 - 90, cleared_at: nov23 - 60, updated_at: nov23 - 10 },
  ];
  // The page's own copy of entry 4, changed since the ledger answered (now closed), and a new one.
  const live = [
    { id: 4, device: 'gas', severity: 'yellow', max_severity: 'yellow', condition: 'cleared', state: 'closed',
      raised_at: nov23 + 100, cleared_at: nov23 + 200, updated_at: nov23 + 600 },
    { id: 6, device: 'gas', severity: 'blue', max_severity: 'blue', condition: 'active', state: 'new',
      raised_at: nov23 + 700, cleared_at: null, updated_at: nov23 + 700 },
  ];
  const merged = merge_alerts(ledger, live);
  assert.equal(merged.length, 5, 'one per id');
  assert.equal(merged.find((a) => a.id === 4).state, 'closed', 'the most recently updated copy');
  const spans = alert_spans(merged, 'gas', nov23, nov23 + 1000, nov23 + 800);
  assert.deepEqual(spans.map((s) => [s.alert.id, s.start - nov23, s.end - nov23, s.severity, s.alert.state]), [
    [3, -50, 20, 'orange', 'closed'],
    [4, 100, 200, 'yellow', 'closed'],
    [5, 400, 500, 'red', 'closed'],   // marked in the colour it reached
    [6, 700, 800, 'blue', 'new'],
  ]);
  // An older answer never replaces a newer copy, whichever list comes first.
  assert.equal(merge_alerts(live, ledger).find((a) => a.id === 4).state, 'closed');
});

test('the ledger is asked for the device, page by page until past the start of the range', () => {
  const url = new URL(device_alerts_url('xh-kitchen-gas-1', nov23 + 0.5, 500), 'http://x');
  assert.equal(url.pathname, '/api/alerts');
  assert.deepEqual(Object.fromEntries(url.searchParams),
    { device: 'xh-kitchen-gas-1', to: String(nov23 + 1), limit: String(device_alerts_limit), offset: '500' });
  assert.equal(url.searchParams.has('state'), false, 'every handling state, closed included');
  const page = (oldest) => Array.from({ length: device_alerts_limit }, (_, i) => ({ raised_at: oldest + i }))
    .reverse();
  assert.equal(more_device_alerts(page(nov23), nov23), true, 'full and all in the range: there may be more');
  assert.equal(more_device_alerts(page(nov23 - 1), nov23), false, 'reached before the range');
  assert.equal(more_device_alerts(page(nov23).slice(1), nov23), false, 'not full: the last page');
  assert.equal(more_device_alerts([], nov23), false);
});

test('datetime-local values are read and written in the school time zone', () => {
  // 08:00 in Shanghai is midnight UTC.
  assert.equal(zoned_input_to_ms('2026-11-23T08:00', 'Asia/Shanghai'), nov23);
  assert.equal(ms_to_zoned_input(nov23, 'Asia/Shanghai'), '2026-11-23T08:00');
  assert.equal(zoned_input_to_ms('2026-11-23T00:00', 'UTC'), nov23);
  // A zone with summer time: New York is UTC-5 in November, UTC-4 in July.
  assert.equal(zoned_input_to_ms('2026-11-22T19:00', 'America/New_York'), nov23);
  assert.equal(zoned_input_to_ms('2026-07-01T20:00', 'America/New_York'), Date.UTC(2026, 6, 2));
  assert.equal(zoned_input_to_ms('', 'Asia/Shanghai'), null);
  assert.equal(zoned_input_to_ms('23/11/2026 08:00', 'Asia/Shanghai'), null);
});

test('time ticks are 24-hour, with the date where the day changes', () => {
  const s = nov23 / 1000;  // 08:00 in Shanghai
  assert.deepEqual(time_ticks([s, s + 4 * 3600, s + 16 * 3600, s + 20 * 3600], 4 * 3600, 'Asia/Shanghai'),
    ['08:00\n11-23', '12:00', '00:00\n11-24', '04:00']);
  assert.deepEqual(time_ticks([s, s + 86400], 86400, 'Asia/Shanghai'), ['11-23', '11-24']);
});

test('steps read as a number and a unit', () => {
  assert.deepEqual(step_parts(300000), { n: 5, unit: 'min' });
  assert.deepEqual(step_parts(10000), { n: 10, unit: 's' });
  assert.deepEqual(step_parts(7200000), { n: 2, unit: 'h' });
  assert.deepEqual(step_parts(86400000), { n: 1, unit: 'd' });
});
