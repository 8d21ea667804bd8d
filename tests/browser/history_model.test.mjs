// Unit tests of the history panel's pure parts (dashboards/history.js), in node.
//   node --test history_model.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alert_spans, chart_columns, chart_metrics, has_numbers, history_url, ms_to_zoned_input,
         step_parts, time_ticks, zoned_input_to_ms } from '../../dashboards/history.js';

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
