// Unit tests of the dashboard's alert handling: the model keeping ledger entries by id
// (dashboards/state.js), the lifecycle helpers (dashboards/handling.js) and their words
// (dashboards/i18n.js). Messages are shaped exactly as docs/alerts.md shows them.
//   node --test alerts_model.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { live_model, normalize_entry } from '../../dashboards/state.js';
import { action_body, action_url, allowed_actions, hazard_body, countdown, entry_url, ledger_url, note_required,
         page_of, refusal_lines, refusal_text, report_status, transition_text } from '../../dashboards/handling.js';
import { feed_filters, feed_order, told_groups } from '../../dashboards/feed.js';
import { translator } from '../../dashboards/i18n.js';

const t0 = 1795000000000;

function snapshot(alerts = []) {
  return {
    type: 'snapshot',
    district: { id: 'binhai', name: '滨海区教育局', name_en: 'Binhai District' },
    sites: [{ id: 'xh-primary', name: '星河小学', name_en: 'Xinghe Primary', time_zone: 'Asia/Shanghai',
              zones: [{ id: 'canteen-kitchen', type: 'canteen_kitchen', name: '食堂后厨', name_en: 'Kitchen' }] }],
    devices: [{ id: 'xh-gas-01', site: 'xh-primary', zone: 'canteen-kitchen', family: 'gas_detector',
                name: '燃气探测器', name_en: 'Gas detector', status: 'online', last_seen: t0, values: {} }],
    alerts,
  };
}

// The entry_view of docs/alerts.md, field for field. Its peak (max_severity) is its colour
// unless given: an entry whose colour fell is shown by its peak (peak_model.test.mjs).
function entry(fields = {}) {
  return {
    id: 17, display_id: 'A-000017', kind: 'sensor',
    site: 'xh-primary', zone: 'canteen-kitchen', device: 'xh-gas-01', family: 'gas_detector',
    rule: 'gas-lel', subject: '', rule_name: '燃气浓度超标', rule_name_en: 'Gas above limit',
    metric: 'lel_pct', unit: '%LEL', title: '', description: '',
    severity: 'red', max_severity: 'red', condition: 'active', state: 'new',
    occurrences: 1, value: 40, threshold: 25,
    raised_at: t0, updated_at: t0, cleared_at: null,
    acknowledged_at: null, acknowledged_by: '',
    rectified_at: null, rectified_by: '', rectification_note: '',
    closed_at: null, closed_by: '', verification_note: '',
    responsible: '', deadline: null, overdue: false,
    escalation: {
      acknowledged: false,
      told: [
        { step: 0, severity: 'red', role: 'duty_leader', channel: 'sms', at: t0,
          person: { id: 'xh-wang', name: '王建国' }, nobody_on_duty: false },
      ],
      next: { step: 1, severity: 'red', at: t0 + 300000, roles: ['principal'], channels: ['sms'] },
    },
    report: { deadline: t0 + 3600000, reported_at: null, reported_by: '', overdue: false },
    ...fields,
    max_severity: fields.max_severity ?? fields.severity ?? 'red',
  };
}

const message = (event, alert, transitions = []) => ({ type: 'alert', event, alert, transitions });

const transition = (what, fields = {}) => ({
  id: 1, entry_id: 17, at: t0, who: 'system', what, from: '', to: '', note: '', ...fields,
});

test('the snapshot carries the open entries, kept by ledger id with their escalation and report', () => {
  const m = new live_model();
  const change = m.apply(snapshot([entry(), entry({ id: 18, display_id: 'A-000018', severity: 'yellow',
                                                       max_severity: 'yellow', report: null, raised_at: t0 - 1000 })]), t0);
  assert.equal(change.feed_order, true);
  assert.deepEqual([...m.alerts.keys()], [17, 18]);
  const a = m.alerts.get(17);
  assert.equal(a.display_id, 'A-000017');
  assert.equal(a.state, 'new');
  assert.equal(a.escalation.told[0].person.name, '王建国');
  assert.equal(a.escalation.told[0].role, 'duty_leader');
  assert.deepEqual(a.escalation.next.roles, ['principal']);
  assert.equal(a.report.deadline, t0 + 3600000);
  assert.equal(m.alerts.get(18).report, null);
  assert.deepEqual(m.alerts_newest_first().map((x) => x.id), [17, 18]);
  assert.equal(m.worst_alert('xh-gas-01').id, 17);
  assert.equal(m.counts().unacknowledged, 2);
  assert.equal(m.counts().open, 2);
});

test('each alert message replaces the entry by id; closing it leaves the open list', () => {
  const m = new live_model();
  m.apply(snapshot(), t0);
  let change = m.apply(message('raised', entry(), [transition('raised', { to: 'red' })]), t0);
  assert.deepEqual([...change.alerts], [17]);
  assert.equal(change.feed_order, true, 'a new entry enters the feed');
  assert.equal(m.counts().active.red, 1);

  change = m.apply(message('acknowledged', entry({
    state: 'acknowledged', acknowledged_at: t0 + 60000, acknowledged_by: '王建国',
    escalation: { acknowledged: true, told: entry().escalation.told, next: null },
  }), [transition('acknowledged', { who: '王建国', from: 'new', to: 'acknowledged', note: '已到场' })]), t0);
  assert.equal(m.alerts.size, 1, 'same id, same entry');
  assert.equal(change.feed_order, false, 'a change keeps its place in the feed');
  assert.equal(m.alerts.get(17).state, 'acknowledged');
  assert.equal(m.alerts.get(17).acknowledged_by, '王建国');
  assert.equal(m.alerts.get(17).escalation.next, null, 'nobody is next once acknowledged');
  assert.equal(m.counts().unacknowledged, 0);

  m.apply(message('cleared', entry({ state: 'acknowledged', condition: 'cleared', cleared_at: t0 + 90000, value: 0 })), t0);
  assert.equal(m.alerts.get(17).condition, 'cleared');
  assert.equal(m.worst_alert('xh-gas-01'), null, 'a cleared entry no longer colours the tile');
  assert.equal(m.alerts.size, 1, 'but stays open until closed');

  m.apply(message('rectified', entry({ state: 'rectified', condition: 'cleared', rectified_by: '李明',
                                       rectified_at: t0 + 100000, rectification_note: '更换阀门' })), t0);
  assert.equal(m.alerts.get(17).rectification_note, '更换阀门');

  change = m.apply(message('closed', entry({ state: 'closed', condition: 'cleared', closed_by: '张伟',
                                             closed_at: t0 + 200000, verification_note: '复查正常',
                                             escalation: null })), t0);
  assert.equal(m.alerts.has(17), false, 'a closed entry leaves');
  assert.equal(change.feed_order, true);
  assert.ok(change.alerts.has(17), 'its feed entry is told to go');
  assert.ok(change.devices.has('xh-gas-01'), 'its tile is repainted');
  assert.equal(m.counts().open, 0);
  assert.equal(m.ignored, 0);
});

test('a closed entry in a snapshot or an unknown closed entry is not shown', () => {
  const m = new live_model();
  m.apply(snapshot([entry({ state: 'closed', escalation: null })]), t0);
  assert.equal(m.alerts.size, 0);
  const change = m.apply(message('closed', entry({ id: 99, state: 'closed' })), t0);
  assert.equal(m.alerts.size, 0);
  assert.equal(change.feed_order, false);
  assert.equal(m.ignored, 0, 'a well-formed message, just nothing to show');
});

test('updated, escalated and refired messages change the entry in place', () => {
  const m = new live_model();
  m.apply(snapshot([entry()]), t0);
  let change = m.apply(message('updated', entry({ value: 55, updated_at: t0 + 5000 })), t0);
  assert.equal(change.feed_order, false);
  assert.equal(m.alerts.get(17).value, 55);

  const told = [...entry().escalation.told,
    { step: 1, severity: 'red', role: 'principal', channel: 'sms', at: t0 + 300000,
      person: { id: '', name: '' }, nobody_on_duty: true }];
  m.apply(message('escalated', entry({ escalation: { acknowledged: false, told, next: null } })), t0);
  const e = m.alerts.get(17).escalation;
  assert.equal(e.told.length, 2);
  assert.equal(e.told[1].nobody_on_duty, true, 'the gap is kept, not hidden');
  assert.equal(e.next, null);

  m.apply(message('refired', entry({ occurrences: 3 }), [transition('refired', { from: 'red', to: 'red' })]), t0);
  assert.equal(m.alerts.get(17).occurrences, 3);
  assert.equal(m.alerts.size, 1);
});

test('a hazard registered by a person has no device and is still an open entry', () => {
  const m = new live_model();
  m.apply(snapshot(), t0);
  const hazard = entry({ id: 21, display_id: 'A-000021', kind: 'manual', device: '', family: '', rule: '',
                         rule_name: '', rule_name_en: '', metric: '', unit: '', title: '消防通道堆放杂物',
                         description: '二楼东侧', severity: 'yellow', max_severity: 'yellow', value: null,
                         threshold: null, responsible: '赵六', deadline: t0 - 1, overdue: true,
                         escalation: null, report: null });
  const change = m.apply(message('registered', hazard), t0);
  assert.equal(change.devices.size, 0, 'no tile to repaint');
  const a = m.alerts.get(21);
  assert.equal(a.kind, 'manual');
  assert.equal(a.title, '消防通道堆放杂物');
  assert.equal(a.overdue, true);
  assert.equal(a.value, null);
  assert.equal(m.worst_alert('xh-gas-01'), null);
  assert.equal(translator('zh').rule_name(a), '消防通道堆放杂物', 'the title names it');
});

test('a step-1 alert (string id, no handling state) reads as a new entry', () => {
  const a = normalize_entry({ id: 'gas-leak/xh-gas-01#1', site: 'xh-primary', device: 'xh-gas-01',
                              severity: 'red', condition: 'active', raised_at: t0 });
  assert.equal(a.state, 'new');
  assert.equal(a.display_id, 'gas-leak/xh-gas-01#1');
  assert.equal(a.escalation, null);
  assert.equal(a.report, null);
  assert.equal(normalize_entry({ id: 5, severity: 'blue' }).display_id, 'A-000005');
});

test('malformed entries are ignored and counted, never thrown', () => {
  const m = new live_model();
  m.apply(snapshot([entry()]), t0);
  const bad = [{ type: 'alert' }, message('raised', null), message('raised', { ...entry(), id: null }),
               message('raised', { ...entry(), id: 1.5 }), message('raised', { ...entry(), severity: 'purple' }),
               message('raised', { ...entry(), device: 7 })];
  for (const msg of bad) assert.equal(m.apply(msg, t0).alerts.size, 0);
  assert.equal(m.ignored, bad.length);
  assert.equal(m.alerts.size, 1);
  // Odd parts of a good entry are dropped, the entry kept.
  m.apply(message('escalated', entry({ escalation: { told: [null, 3, { role: 'principal' }], next: 'soon' },
                                       report: 'later', occurrences: -2 })), t0);
  const a = m.alerts.get(17);
  assert.equal(a.escalation.told.length, 1);
  assert.equal(a.escalation.next, null);
  assert.equal(a.report, null);
  assert.equal(a.occurrences, 1);
});

test('the one-hour report counts down, then is overdue or reported', () => {
  const a = normalize_entry(entry());
  assert.deepEqual(report_status(a, t0), { kind: 'pending', remaining_ms: 3600000 });
  assert.equal(countdown(report_status(a, t0).remaining_ms), '60:00');
  assert.equal(countdown(report_status(a, t0 + 3600000 - 61500).remaining_ms), '01:02');
  assert.equal(countdown(report_status(a, t0 + 3600000 - 1).remaining_ms), '00:01', 'rounds up');
  assert.equal(report_status(a, t0 + 3600000).kind, 'overdue');
  const flagged = normalize_entry(entry({ report: { deadline: t0 + 3600000, reported_at: null, reported_by: '', overdue: true } }));
  assert.equal(report_status(flagged, t0).kind, 'overdue', "the server's word counts even if this clock is slow");
  const reported = normalize_entry(entry({ report: { deadline: t0 + 3600000, reported_at: t0 + 600000,
                                                     reported_by: '王建国', overdue: false } }));
  assert.deepEqual(report_status(reported, t0 + 9e6), { kind: 'reported', at: t0 + 600000, by: '王建国' });
  assert.equal(report_status(normalize_entry(entry({ report: null })), t0), null, 'blue/yellow: no report');
});

test('actions follow the lifecycle', () => {
  const allowed = (fields) => allowed_actions(normalize_entry(entry(fields)));
  assert.deepEqual(allowed({}), { ack: true, rectify: true, close: false, report: true, note: true, assign: true });
  assert.deepEqual(allowed({ state: 'acknowledged' }),
                   { ack: false, rectify: true, close: false, report: true, note: true, assign: true });
  assert.equal(allowed({ state: 'rectified' }).close, false, 'not while the condition is active');
  assert.deepEqual(allowed({ state: 'rectified', condition: 'cleared' }),
                   { ack: false, rectify: false, close: true, report: true, note: true, assign: true });
  assert.equal(allowed({ state: 'closed' }).assign, false, 'nothing is assigned once closed');
  assert.equal(allowed({ report: { deadline: t0, reported_at: t0, reported_by: 'x', overdue: false } }).report, false);
  assert.equal(allowed({ report: null }).report, false);
  assert.equal(note_required('ack'), false);
  assert.equal(note_required('report'), false);
  for (const a of ['rectify', 'close', 'note']) assert.equal(note_required(a), true, a);
});

test('URLs and bodies of the ledger API', () => {
  assert.equal(action_url(17, 'ack'), '/api/alerts/17/ack');
  assert.equal(entry_url('A-000017'), '/api/alerts/A-000017');
  // The person acting is the session's user: no body names anyone.
  assert.deepEqual(JSON.parse(action_body('ack', { note: ' 已到场\n' })), { note: '已到场' });
  assert.deepEqual(JSON.parse(action_body('close')), { note: '' });
  assert.deepEqual(JSON.parse(action_body('assign', { responsible: ' 赵六 ', deadline: t0, note: 'x' })),
                   { responsible: '赵六', deadline: t0 });
  assert.deepEqual(JSON.parse(action_body('assign', { responsible: '赵六', deadline: null })), { responsible: '赵六' });
  assert.deepEqual(JSON.parse(hazard_body({ site: 'xh-primary', title: ' 消防通道堆放杂物 ', responsible: '赵六' })),
                   { site: 'xh-primary', zone: '', device: '', title: '消防通道堆放杂物', description: '',
                     severity: 'yellow', responsible: '赵六' });
  assert.equal(ledger_url({}), '/api/alerts?limit=50&offset=0');
  const q = new URL(ledger_url({ site: 'xh-primary', zone: '', family: 'gas_detector', severity: 'red',
                                 condition: 'cleared', state: 'closed', overdue: true, from: t0, to: null },
                               { limit: 20, offset: 40 }), 'http://x').searchParams;
  assert.deepEqual(Object.fromEntries(q), { site: 'xh-primary', family: 'gas_detector', severity: 'red',
    condition: 'cleared', state: 'closed', overdue: '1', from: String(t0), limit: '20', offset: '40' });
  assert.equal(new URL(ledger_url({ overdue: false }), 'http://x').searchParams.has('overdue'), false);
  assert.deepEqual(page_of(0, 0), { page: 1, pages: 1 });
  assert.deepEqual(page_of(101, 50), { page: 2, pages: 3 });
  assert.equal(refusal_text(409, { error: '验收人不能是整改人', code: 'self_verification' }), '验收人不能是整改人');
  assert.equal(refusal_text(503, null, 'Service Unavailable'), 'Service Unavailable (503)');
});

test('roles, channels, handling states and transitions in both languages', () => {
  const zh = translator('zh');
  const en = translator('en');
  assert.deepEqual(['duty_leader', 'safety_director', 'principal', 'bureau_duty_officer'].map(zh.role),
                   ['值班领导', '安全负责人', '校长', '教育局值班员']);
  assert.deepEqual(['sms', 'dashboard'].map(zh.channel), ['短信', '看板']);
  assert.deepEqual(['new', 'acknowledged', 'rectified', 'closed'].map(zh.handling),
                   ['待确认', '已确认', '已整改', '已销号']);
  assert.equal(en.handling('rectified'), 'Rectified');
  assert.equal(transition_text(zh, transition('severity_changed', { from: 'yellow', to: 'red' })), '级别变化：黄色 → 红色');
  assert.equal(transition_text(en, transition('severity_changed', { from: 'yellow', to: 'red' })),
               'Severity changed: Yellow → Red');
  assert.equal(transition_text(zh, transition('refired', { from: 'rectified', to: 'acknowledged' })),
               '再次触发：已整改 → 已确认');
  assert.equal(transition_text(zh, transition('acknowledged', { from: 'new', to: 'acknowledged' })), '确认');
  assert.equal(transition_text(zh, transition('closed')), '验收销号');
  assert.equal(transition_text(zh, transition('reported')), '上报教育局');
  // The ledger writes an assignment as "whom @ deadline-ms": the deadline in the school's time.
  assert.equal(transition_text(zh, transition('assigned', { to: `钱七 @ ${Date.UTC(2030, 5, 1, 9, 0)}` }), 'Asia/Shanghai'),
               '指派责任人：钱七，期限 06-01 17:00:00');
  assert.equal(transition_text(en, transition('assigned', { to: '钱七' })), 'Assigned: 钱七');
  assert.equal(transition_text(zh, transition('something_new')), 'something_new', 'unknown kinds still read');
  assert.equal(zh.t('report_left', { t: countdown(59 * 60000 + 1000) }), '上报剩余 59:01');
});

test('a refusal is worded by the page for known codes, with the server text kept', () => {
  const zh = translator('zh');
  const body = { error: 'the verifier must not be the person who rectified', code: 'self_verification' };
  assert.deepEqual(refusal_lines(zh, 409, body),
                   ['验收人不能是整改人本人，请由他人验收', '服务器：the verifier must not be the person who rectified']);
  assert.deepEqual(refusal_lines(zh, 404, { error: 'no such entry' }), ['no such entry']);
  assert.deepEqual(refusal_lines(zh, 502, null), ['HTTP 502']);
});

test('one line per person told at a step, channels joined; notifications in words', () => {
  const told = [
    { step: 0, role: 'duty_leader', channel: 'sms', at: t0, person: { id: 'a', name: '王芳' }, nobody_on_duty: false },
    { step: 0, role: 'duty_leader', channel: 'dashboard', at: t0, person: { id: 'a', name: '王芳' }, nobody_on_duty: false },
    { step: 0, role: 'principal', channel: 'sms', at: t0, person: { id: '', name: '' }, nobody_on_duty: true },
    { step: 1, role: 'duty_leader', channel: 'sms', at: t0 + 1, person: { id: 'a', name: '王芳' }, nobody_on_duty: false },
  ];
  assert.deepEqual(told_groups(told).map((g) => [g.role, g.channels]),
                   [['duty_leader', ['sms', 'dashboard']], ['principal', ['sms']], ['duty_leader', ['sms']]]);
  assert.equal(transition_text(translator('zh'), transition('notified', { to: 'sms:xh-leader-night' })),
               '通知：短信 xh-leader-night');
});

test('an alert the ledger could not record shows as provisional, then its recorded entry takes its place', () => {
  const m = new live_model();
  m.apply(snapshot([]), t0);
  m.apply(message('raised', entry({ id: -7, display_id: 'P-000007', recorded: false })), t0);
  const provisional = m.alerts.get(-7);
  assert.equal(provisional.recorded, false);
  assert.equal(m.worst_alert('xh-gas-01').id, -7);
  assert.equal(m.counts().open, 1);

  const change = m.apply(message('raised', entry({ id: 41, display_id: 'A-000041', recorded: true,
                                                   replaces: -7 })), t0 + 5000);
  assert.deepEqual([...m.alerts.keys()], [41]);
  assert.equal(m.alerts.get(41).recorded, true);
  assert.equal(m.worst_alert('xh-gas-01').id, 41);
  assert.equal(m.counts().open, 1);
  assert.ok(change.alerts.has(-7), 'the provisional entry is repainted away');
  // An entry without the field (an older server) counts as recorded.
  assert.equal(normalize_entry(entry()).recorded, true);
  assert.equal(translator('zh').t('unrecorded'), '台账暂未记录');
  assert.equal(translator('en').t('unrecorded'), 'Not yet recorded');
});

test('the feed puts open red and orange entries first; each counter shows exactly what it counts', () => {
  const m = new live_model();
  const at = (n) => t0 + n * 60000;
  m.apply(snapshot([
    entry({ id: 1, display_id: 'A-000001', severity: 'red', condition: 'cleared', state: 'acknowledged', raised_at: at(1) }),
    entry({ id: 2, display_id: 'A-000002', severity: 'orange', condition: 'active', raised_at: at(2) }),
    entry({ id: 3, display_id: 'A-000003', severity: 'yellow', condition: 'active', raised_at: at(5) }),
    entry({ id: 4, display_id: 'A-000004', severity: 'red', condition: 'active', raised_at: at(3) }),
    entry({ id: 5, display_id: 'A-000005', severity: 'blue', condition: 'cleared', raised_at: at(6) }),
    entry({ id: 6, display_id: 'A-000006', severity: 'red', condition: 'active', state: 'acknowledged', raised_at: at(4) }),
    entry({ id: 7, display_id: 'A-000007', kind: 'manual', device: '', severity: 'yellow', condition: 'active', raised_at: at(7) }),
  ]), t0);
  const newest_first = m.alerts_newest_first();
  assert.deepEqual(newest_first.map((a) => a.id), [7, 5, 3, 6, 4, 2, 1]);
  // Active red (newest first), active orange, cleared red, then the others by urgency.
  assert.deepEqual(feed_order(newest_first).map((a) => a.id), [6, 4, 2, 1, 7, 3, 5]);
  assert.deepEqual(newest_first.map((a) => a.id), [7, 5, 3, 6, 4, 2, 1], 'the given list is left alone');

  const c = m.counts();
  const counted = (key) => [...m.alerts.values()].filter(feed_filters[key]).length;
  for (const sev of ['red', 'orange', 'yellow', 'blue']) assert.equal(counted(sev), c.active[sev], sev);
  assert.equal(counted('unacknowledged'), c.unacknowledged);
  // 告警设备 counts devices: pressed, it shows their active alerts (four on the one device here).
  const devices = new Set([...m.alerts.values()].filter(feed_filters.alerting).map((a) => a.device));
  assert.equal(devices.size, c.alerting);
  assert.equal(counted('alerting'), 4);
  assert.deepEqual([...m.alerts.values()].filter(feed_filters.red).map((a) => a.id).sort(), [4, 6]);

  for (const lang of ['zh', 'en']) {
    const tr = translator(lang);
    for (const key of ['feed_filter_label', 'feed_filter_clear', 'feed_filter_none', 'summary_show']) {
      assert.notEqual(tr.t(key), key, `${lang}: ${key}`);
    }
  }
  assert.equal(translator('zh').t('feed_filter_label', { what: '红色 · 紧急', n: 2 }), '只看红色 · 紧急：2 条');
});
