// Unit tests of the dashboard's model (dashboards/state.js) and its formatting, in node.
//   node --test state.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { live_model, nearest_tag, value_key } from '../../dashboards/state.js';
import { tile_lines, relative_time, alert_value, clock_time } from '../../dashboards/format.js';
import { translator } from '../../dashboards/i18n.js';

const t0 = 1763860000000;

function snapshot(extra = {}) {
  return {
    type: 'snapshot',
    district: { id: 'binhai', name: '滨海区教育局', name_en: 'Binhai District' },
    sites: [{ id: 'xh-primary', name: '星河小学', name_en: 'Xinghe Primary', time_zone: 'Asia/Shanghai',
              zones: [{ id: 'kitchen', type: 'canteen_kitchen', name: '食堂后厨', name_en: 'Kitchen' },
                      { id: 'pond', type: 'water_zone', name: '池塘', name_en: 'Pond' }] }],
    devices: [
      { id: 'xh-kitchen-gas-1', site: 'xh-primary', zone: 'kitchen', family: 'gas_detector',
        name: '后厨燃气', name_en: 'Kitchen gas', status: 'online', last_seen: t0,
        values: { lel_pct: { metric: 'lel_pct', subject: '', value: 3.2, unit: '%LEL', ts: t0 } } },
      { id: 'xh-pond-beacon-1', site: 'xh-primary', zone: 'pond', family: 'water_beacon',
        name: '池塘信标', name_en: 'Pond beacon', status: 'unknown', last_seen: null, values: {} },
    ],
    alerts: [],
    ...extra,
  };
}

function alert(fields = {}) {
  return {
    id: 'kitchen-gas/xh-kitchen-gas-1#1', site: 'xh-primary', zone: 'kitchen',
    device: 'xh-kitchen-gas-1', rule: 'kitchen-gas', rule_name: '燃气超限',
    rule_name_en: 'Gas above limit', metric: 'lel_pct', subject: '', severity: 'yellow',
    condition: 'active', value: 12, threshold: 10, raised_at: t0 + 1000, updated_at: t0 + 1000,
    cleared_at: null, ...fields,
  };
}

const reading = (fields) => ({
  type: 'reading',
  reading: { site: 'xh-primary', zone: 'kitchen', device: 'xh-kitchen-gas-1', subject: '', ...fields },
});

test('a snapshot builds sites, zones and devices in configuration order', () => {
  const m = new live_model();
  assert.equal(m.ready, false);
  const change = m.apply(snapshot(), t0);
  assert.equal(change.structure, true);
  assert.equal(m.ready, true);
  assert.equal(m.district.name, '滨海区教育局');
  assert.deepEqual(m.sites.map((s) => s.id), ['xh-primary']);
  assert.equal(m.zone('xh-primary', 'pond').type, 'water_zone');
  assert.deepEqual([...m.devices.keys()], ['xh-kitchen-gas-1', 'xh-pond-beacon-1']);
  assert.equal(m.device('xh-kitchen-gas-1').values.lel_pct.value, 3.2);
  assert.equal(m.device('xh-pond-beacon-1').status, 'unknown');
  assert.deepEqual(m.devices_in('xh-primary', 'kitchen').map((d) => d.id), ['xh-kitchen-gas-1']);
});

test('a second snapshot (after a reconnect) replaces the whole picture', () => {
  const m = new live_model();
  m.apply(snapshot({ alerts: [alert()] }), t0);
  m.apply(reading({ metric: 'co_ppm', value: 4, unit: 'ppm', ts: t0 + 5 }), t0 + 5);
  m.apply(snapshot({ devices: snapshot().devices.slice(0, 1) }), t0 + 10);
  assert.equal(m.devices.size, 1);
  assert.equal(m.device('xh-kitchen-gas-1').values.co_ppm, undefined);
  assert.equal(m.alerts.size, 0);
  assert.equal(m.worst_alert('xh-kitchen-gas-1'), null);
});

test('a reading updates the value, marks the device online and reports the changed tile', () => {
  const m = new live_model();
  m.apply(snapshot(), t0);
  const change = m.apply(reading({ metric: 'lel_pct', value: 7.5, unit: '%LEL', ts: t0 + 2000 }), t0 + 2100);
  assert.equal(change.structure, false);
  assert.deepEqual([...change.devices], ['xh-kitchen-gas-1']);
  const d = m.device('xh-kitchen-gas-1');
  assert.equal(d.values.lel_pct.value, 7.5);
  assert.equal(d.status, 'online');
  assert.equal(d.last_seen, t0 + 2100);
});

test('a late reading does not overwrite a newer value', () => {
  const m = new live_model();
  m.apply(snapshot(), t0);
  m.apply(reading({ metric: 'lel_pct', value: 9, unit: '%LEL', ts: t0 + 5000 }), t0 + 5000);
  m.apply(reading({ metric: 'lel_pct', value: 1, unit: '%LEL', ts: t0 + 1000 }), t0 + 6000);
  assert.equal(m.device('xh-kitchen-gas-1').values.lel_pct.value, 9);
});

test('readings with a subject are kept per subject', () => {
  const m = new live_model();
  m.apply(snapshot(), t0);
  const beacon = { zone: 'pond', device: 'xh-pond-beacon-1' };
  m.apply(reading({ ...beacon, metric: 'tags_near', value: 2, unit: '', ts: t0 + 1 }), t0 + 1);
  m.apply(reading({ ...beacon, metric: 'dist_m', subject: 'tag-1', value: 6.5, unit: 'm', ts: t0 + 1 }), t0 + 1);
  m.apply(reading({ ...beacon, metric: 'dist_m', subject: 'tag-2', value: 3.1, unit: 'm', ts: t0 + 1 }), t0 + 1);
  const d = m.device('xh-pond-beacon-1');
  assert.equal(value_key('dist_m', 'tag-1'), 'dist_m/tag-1');
  assert.equal(d.values['dist_m/tag-1'].value, 6.5);
  assert.equal(nearest_tag(d).subject, 'tag-2');
  // The next report sees only tag-1: tag-2's old distance no longer counts.
  m.apply(reading({ ...beacon, metric: 'tags_near', value: 1, unit: '', ts: t0 + 9 }), t0 + 9);
  m.apply(reading({ ...beacon, metric: 'dist_m', subject: 'tag-1', value: 5, unit: 'm', ts: t0 + 9 }), t0 + 9);
  assert.equal(nearest_tag(d).subject, 'tag-1');
  m.apply(reading({ ...beacon, metric: 'tags_near', value: 0, unit: '', ts: t0 + 20 }), t0 + 20);
  assert.equal(nearest_tag(d), null);
});

test('status readings set the device status', () => {
  const m = new live_model();
  m.apply(snapshot(), t0);
  m.apply(reading({ metric: 'status', value: 'offline', unit: '', ts: t0 + 10 }), t0 + 10);
  const d = m.device('xh-kitchen-gas-1');
  assert.equal(d.status, 'offline');
  assert.equal(d.values.status, undefined, 'status is not a tile value');
  assert.equal(d.last_seen, t0, 'going offline is not being seen');
  m.apply(reading({ metric: 'status', value: 'online', unit: '', ts: t0 + 20 }), t0 + 20);
  assert.equal(d.status, 'online');
  assert.equal(d.last_seen, t0 + 20);
  assert.deepEqual(m.counts().online, 1);
});

test('an alert is raised, escalated and cleared in place by id', () => {
  const m = new live_model();
  m.apply(snapshot(), t0);
  let change = m.apply({ type: 'alert', event: 'raised', alert: alert() }, t0);
  assert.equal(change.feed_order, true);
  assert.deepEqual([...change.alerts], [alert().id]);
  assert.deepEqual([...change.devices], ['xh-kitchen-gas-1']);
  assert.equal(m.worst_alert('xh-kitchen-gas-1').severity, 'yellow');

  change = m.apply({ type: 'alert', event: 'updated',
                     alert: alert({ severity: 'red', value: 40, threshold: 25, updated_at: t0 + 5000 }) }, t0);
  assert.equal(m.alerts.size, 1, 'same id replaces the entry');
  assert.equal(change.feed_order, false, 'an update keeps its place in the feed');
  assert.equal(m.alerts.get(alert().id).severity, 'red');
  assert.equal(m.worst_alert('xh-kitchen-gas-1').value, 40);
  assert.equal(m.counts().active.red, 1);
  assert.equal(m.counts().alerting, 1);

  m.apply({ type: 'alert', event: 'cleared',
            alert: alert({ severity: 'red', condition: 'cleared', value: 2, cleared_at: t0 + 9000 }) }, t0);
  assert.equal(m.alerts.size, 1);
  assert.equal(m.alerts.get(alert().id).condition, 'cleared');
  assert.equal(m.worst_alert('xh-kitchen-gas-1'), null, 'a cleared alert no longer colours the tile');
  assert.equal(m.counts().active.red, 0);
});

test('the worst active alert decides the tile; the feed is newest first', () => {
  const m = new live_model();
  m.apply(snapshot({ alerts: [alert({ id: 'a', severity: 'orange', raised_at: t0 + 1 })] }), t0);
  m.apply({ type: 'alert', event: 'raised', alert: alert({ id: 'b', severity: 'blue', raised_at: t0 + 3 }) });
  m.apply({ type: 'alert', event: 'raised', alert: alert({ id: 'c', severity: 'red', raised_at: t0 + 2 }) });
  assert.equal(m.worst_alert('xh-kitchen-gas-1').id, 'c');
  assert.deepEqual(m.alerts_newest_first().map((a) => a.id), ['b', 'c', 'a']);
});

test('the alert list is bounded, dropping the oldest cleared alerts first', () => {
  const m = new live_model({ max_alerts: 3 });
  m.apply(snapshot(), t0);
  m.apply({ type: 'alert', alert: alert({ id: 'old-active', raised_at: t0 + 1 }) });
  m.apply({ type: 'alert', alert: alert({ id: 'cleared', condition: 'cleared', raised_at: t0 + 2 }) });
  m.apply({ type: 'alert', alert: alert({ id: 'n3', raised_at: t0 + 3 }) });
  m.apply({ type: 'alert', alert: alert({ id: 'n4', raised_at: t0 + 4 }) });
  assert.deepEqual(m.alerts_newest_first().map((a) => a.id), ['n4', 'n3', 'old-active']);
  m.apply({ type: 'alert', alert: alert({ id: 'n5', raised_at: t0 + 5 }) });
  assert.deepEqual(m.alerts_newest_first().map((a) => a.id), ['n5', 'n4', 'n3']);
});

test('malformed messages are ignored and counted, never thrown', () => {
  const m = new live_model();
  m.apply(snapshot(), t0);
  const bad = [null, 42, 'x', [], { type: 'nope' }, { type: 'snapshot' },
               { type: 'reading' }, { type: 'reading', reading: { device: 'xh-kitchen-gas-1', metric: 'lel_pct', value: {} } },
               { type: 'reading', reading: { device: 'ghost', metric: 'lel_pct', value: 1 } },
               { type: 'alert', alert: { id: 'x', device: 'd', severity: 'purple' } },
               { type: 'alert' }];
  for (const msg of bad) {
    const change = m.apply(msg, t0);
    assert.equal(change.structure, false);
    assert.equal(change.devices.size, 0);
  }
  assert.equal(m.ignored, bad.length);
  assert.equal(m.devices.size, 2);
});

test('a reading from a device the snapshot did not list adds it', () => {
  const m = new live_model();
  m.apply(snapshot(), t0);
  const change = m.apply(reading({ site: 'new-site', zone: 'lab', device: 'new-1', metric: 'temp_c', value: 20 }), t0);
  assert.equal(change.structure, true);
  assert.equal(m.device('new-1').values.temp_c.value, 20);
  assert.ok(m.zone('new-site', 'lab'));
});

test('tiles show values with units and states in the chosen language', () => {
  const m = new live_model();
  m.apply(snapshot(), t0);
  m.apply(reading({ metric: 'valve', value: 'closed', unit: '', ts: t0 }), t0);
  const d = m.device('xh-kitchen-gas-1');
  const zh = tile_lines(translator('zh'), d);
  assert.deepEqual(zh.map((l) => l.metric), ['lel_pct', 'co_ppm', 'valve', 'fault']);
  assert.deepEqual([zh[0].text, zh[0].unit], ['3.2', '%LEL']);
  assert.equal(zh[1].text, '—', 'no CO reading yet');
  assert.equal(zh[2].text, '关');
  assert.equal(tile_lines(translator('en'), d)[2].text, 'closed');
  assert.equal(tile_lines(translator('en'), d)[0].label, 'Gas');
});

test('relative time, alert values and clock times read naturally', () => {
  const zh = translator('zh');
  const en = translator('en');
  assert.equal(relative_time(zh, t0, t0 + 2000), '刚刚');
  assert.equal(relative_time(zh, t0, t0 + 12000), '12 秒前');
  assert.equal(relative_time(en, t0, t0 + 3 * 60000), '3 min ago');
  assert.equal(relative_time(en, null, t0), 'never');
  const m = new live_model();
  m.apply(snapshot(), t0);
  assert.equal(alert_value(zh, { ...alert(), value: 40 }, m.device('xh-kitchen-gas-1')), '40 %LEL');
  assert.equal(alert_value(zh, { ...alert(), metric: 'door', value: 'open' }, null), '开');
  // 2025-11-23 01:06:40 UTC is 09:06:40 in Shanghai.
  assert.equal(clock_time(t0, 'Asia/Shanghai'), '11-23 09:06:40');
  assert.equal(translator('zh').zone_type('chemical_store'), '危化品库');
  assert.equal(translator('en').severity('red'), 'Red · emergency');
});
