// Unit tests of the live view at district scale in node: the model's watch set and school
// summaries (dashboards/state.js, messages shaped as in docs/alerts.md "/ws"), and the school
// list's order, search, filter and watch choice (dashboards/schools.js).
//   node --test schools_model.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { live_model } from '../../dashboards/state.js';
import { desired_watch, filter_schools, natural_compare, normalize_school, order_schools,
         same_sites } from '../../dashboards/schools.js';
import { translator } from '../../dashboards/i18n.js';

const t0 = 1763860000000;

const site = (id, name, name_en = '') => ({ id, name, name_en, time_zone: 'Asia/Shanghai',
  zones: [{ id: 'kitchen', type: 'canteen_kitchen', name: '食堂后厨', name_en: 'Kitchen' }] });
const device = (id, site_id) => ({ id, site: site_id, zone: 'kitchen', family: 'gas_detector',
  name: id, name_en: id, status: 'online', last_seen: t0, values: {} });
const tally = (site_id, fields = {}) => ({ site: site_id, worst: null, devices_total: 2,
  devices_online: 2, devices_offline: 0, devices_alerting: 0, open: 0, overdue: 0,
  reports_overdue: 0, last_event: null, problem: false, ...fields });

// A district whose snapshot carries no devices (none watched), as the server sends a bureau
// user of a large district.
function district_snapshot() {
  return {
    type: 'snapshot',
    district: { id: 'big', name: '大区', name_en: 'Big district' },
    sites: [site('s10', '学校10'), site('s2', '学校2'), site('s1', '学校1')],
    watching: [],
    devices: [],
    schools: [tally('s10', { worst: 'red', open: 1, last_event: t0, problem: true }),
              tally('s2'), tally('s1', { devices_offline: 1, devices_online: 1, problem: true })],
    alerts: [],
  };
}

test('a snapshot without devices holds the schools summaries and watches nothing', () => {
  const m = new live_model();
  const change = m.apply(district_snapshot(), t0);
  assert.equal(change.structure, true);
  assert.equal(m.devices.size, 0);
  assert.deepEqual([...m.watching], []);
  assert.deepEqual(m.initial_watch, []);
  assert.equal(m.all_watched(), false);
  assert.equal(m.schools.size, 3);
  assert.equal(m.schools.get('s10').worst, 'red');
  // The summary strip counts the summaries, not the (absent) devices.
  const c = m.counts();
  assert.equal(c.devices, 6);
  assert.equal(c.online, 5);
  assert.equal(c.offline, 1);
});

test('a watch answer replaces the devices; readings of other schools are ignored', () => {
  const m = new live_model();
  m.apply(district_snapshot(), t0);
  let change = m.apply({ type: 'watching', sites: ['s2'], devices: [device('s2-gas', 's2'), device('s2-co', 's2')] }, t0);
  assert.equal(change.structure, true);
  assert.deepEqual([...m.watching], ['s2']);
  assert.deepEqual([...m.devices.keys()], ['s2-gas', 's2-co']);

  change = m.apply({ type: 'reading', reading: { site: 's2', zone: 'kitchen', device: 's2-gas',
                                                 metric: 'lel_pct', subject: '', value: 4, unit: '%LEL', ts: t0 } }, t0);
  assert.deepEqual([...change.devices], ['s2-gas']);
  // Queued before the watch moved: a reading of s1 adds no device and changes nothing.
  change = m.apply({ type: 'reading', reading: { site: 's1', zone: 'kitchen', device: 's1-gas',
                                                 metric: 'lel_pct', subject: '', value: 4, unit: '%LEL', ts: t0 } }, t0);
  assert.equal(change.structure, false);
  assert.equal(change.devices.size, 0);
  assert.equal(m.device('s1-gas'), null);
  assert.equal(m.ignored, 0);

  change = m.apply({ type: 'watching', sites: [], devices: [] }, t0);
  assert.equal(m.devices.size, 0);
  assert.equal(change.structure, true);
});

test('school messages replace one summary and name it in the change', () => {
  const m = new live_model();
  m.apply(district_snapshot(), t0);
  const change = m.apply({ type: 'school', school: tally('s2', { worst: 'orange', open: 2, problem: true }) }, t0);
  assert.deepEqual([...change.schools], ['s2']);
  assert.equal(change.structure, false);
  assert.equal(m.schools.get('s2').worst, 'orange');
  assert.equal(m.schools.get('s2').open, 2);
  // Malformed: counted, nothing changes.
  m.apply({ type: 'school', school: { worst: 'red' } }, t0);
  m.apply({ type: 'watching', sites: 'all' }, t0);
  assert.equal(m.ignored, 2);
  assert.equal(m.schools.size, 3);
});

test('a snapshot of an older server (no watching, no schools) watches every school', () => {
  const m = new live_model();
  const snap = district_snapshot();
  delete snap.watching;
  delete snap.schools;
  snap.devices = [device('s1-gas', 's1')];
  m.apply(snap, t0);
  assert.equal(m.all_watched(), true);
  assert.deepEqual(m.initial_watch, ['s10', 's2', 's1']);
  assert.equal(m.counts().devices, 1);
});

test('summaries: unknown colours and counts read as none', () => {
  const t = normalize_school({ site: 'x', worst: 'purple', open: -3, devices_total: 2.5, last_event: 'soon' });
  assert.deepEqual([t.worst, t.open, t.devices_total, t.last_event], [null, 0, 0, null]);
  assert.equal(t.problem, false);
  assert.equal(normalize_school({ site: 'y', devices_offline: 1 }).problem, true);
  assert.equal(normalize_school({ site: '' }), null);
});

test('names sort naturally: 学校2 before 学校10', () => {
  const names = ['学校10', '学校2', '学校1', '学校100'];
  assert.deepEqual([...names].sort((a, b) => natural_compare(a, b, 'zh')), ['学校1', '学校2', '学校10', '学校100']);
  assert.deepEqual(['School 10', 'school 9'].sort((a, b) => natural_compare(a, b, 'en')), ['school 9', 'School 10']);
});

test('cards: the worst first, then by name; search and the problem filter', () => {
  const m = new live_model();
  m.apply(district_snapshot(), t0);
  const tr = translator('zh');
  const order = order_schools(m.sites, m.schools, (s) => tr.name(s), 'zh').map((s) => s.id);
  // red first; then the one with an offline device; then the sound one.
  assert.deepEqual(order, ['s10', 's1', 's2']);
  m.apply({ type: 'school', school: tally('s1') }, t0);
  m.apply({ type: 'school', school: tally('s10') }, t0);
  const calm = order_schools(m.sites, m.schools, (s) => tr.name(s), 'zh').map((s) => s.id);
  assert.deepEqual(calm, ['s1', 's2', 's10']);  // all equal: natural order of names

  m.apply({ type: 'school', school: tally('s2', { overdue: 1, problem: true }) }, t0);
  const ordered = order_schools(m.sites, m.schools, (s) => tr.name(s), 'zh');
  assert.deepEqual(filter_schools(ordered, m.schools, { problems_only: true }).map((s) => s.id), ['s2']);
  assert.deepEqual(filter_schools(ordered, m.schools, { query: ' 学校1' }).map((s) => s.id), ['s1', 's10']);
  assert.deepEqual(filter_schools(ordered, m.schools, { query: 'S10' }).map((s) => s.id), ['s10']);
  assert.deepEqual(filter_schools(ordered, m.schools, { query: '无此校' }), []);
});

test('which schools a page watches', () => {
  // Few devices: everything from the start, and a school chosen among them asks nothing new.
  assert.deepEqual(desired_watch(['a', 'b', 'c'], 'b'), ['a', 'b', 'c']);
  assert.deepEqual(desired_watch(['a', 'b', 'c'], ''), ['a', 'b', 'c']);
  // District scale: the school open, or none.
  assert.deepEqual(desired_watch([], 's7'), ['s7']);
  assert.deepEqual(desired_watch([], ''), []);
  assert.equal(same_sites(['a', 'b'], ['b', 'a']), true);
  assert.equal(same_sites(['a'], ['a', 'b']), false);
});

test('the cards words exist in both languages, without raw keys', () => {
  for (const lang of ['zh', 'en']) {
    const tr = translator(lang);
    for (const key of ['sc_search', 'sc_search_hint', 'sc_problems_only', 'sc_count', 'sc_none', 'sc_more',
                       'sc_normal', 'sc_unknown', 'sc_devices', 'sc_entries', 'sc_no_event', 'sc_loading']) {
      assert.notEqual(tr.t(key), key, `${lang} ${key}`);
    }
  }
  assert.equal(translator('zh').t('sc_devices', { online: 1, total: 2, offline: 1, alerting: 0 }),
               '在线 1/2 · 离线 1 · 告警 0');
  assert.doesNotMatch(translator('en').t('sc_entries', { open: 1, overdue: 0, last: 'none' }), /[\u4e00-\u9fff]/);
});
