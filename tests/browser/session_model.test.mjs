// Unit tests of the signed-in side of the dashboard (docs/security.md): the user of /api/me and
// /api/login (dashboards/session.js), which actions each role is offered, the words of a refused
// login, the alert an SMS link names (#alert=…), and the model forgetting a user's district at
// sign-out (dashboards/state.js).
//   node --test session_model.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { action_roles, linked_alert, login_body, login_refusal, may, normalize_user, retry_after_seconds,
         user_of, user_roles } from '../../dashboards/session.js';
import { actions } from '../../dashboards/handling.js';
import { live_model } from '../../dashboards/state.js';
import { translator } from '../../dashboards/i18n.js';

const t0 = 1795000000000;

const user = (role, sites = ['xh-primary'], fields = {}) =>
  normalize_user({ name: `u-${role}`, display_name: '王芳', role, sites, all_sites: false, ...fields });

test('the user of /api/me as the contract shapes it', () => {
  const body = { user: { name: 'wangfang', display_name: '王芳', role: 'duty_leader', sites: ['xh-primary'],
                         all_sites: false } };
  assert.deepEqual(user_of(body), { name: 'wangfang', display_name: '王芳', role: 'duty_leader',
                                    sites: ['xh-primary'], all_sites: false });
  assert.equal(user_of({ user: { name: 'x', role: 'viewer' } }).display_name, 'x', 'the name when no display name');
  assert.deepEqual(user_of({ user: { name: 'x', role: 'viewer', sites: ['a', 3, '', null, 'b'] } }).sites, ['a', 'b']);
  // Not a user: shown nothing rather than guessed at.
  for (const bad of [null, {}, { user: null }, { user: { role: 'viewer' } }, { user: { name: 'x' } },
                     { user: { name: 'x', role: 'root' } }, { user: { name: 7, role: 'admin' } }, []]) {
    assert.equal(user_of(bad), null, JSON.stringify(bad));
  }
  // bureau and admin see every school, whatever the flag.
  assert.equal(user('bureau', []).all_sites, true);
  assert.equal(user('admin', []).all_sites, true);
  assert.equal(user('safety_director', ['a']).all_sites, false);
});

test('each role is offered exactly the actions of docs/security.md', () => {
  const offered = (role) => actions.map((a) => a.id).filter((a) => may(user(role), a)).sort();
  assert.deepEqual(offered('viewer'), [], 'a viewer reads only');
  assert.deepEqual(offered('duty_leader'), ['ack', 'note', 'rectify', 'report']);
  for (const role of ['safety_director', 'bureau', 'admin']) {
    assert.deepEqual(offered(role), ['ack', 'assign', 'close', 'note', 'rectify', 'report'], role);
  }
  assert.equal(may(user('viewer'), 'register'), false);
  assert.equal(may(user('duty_leader'), 'register'), true);
  assert.equal(may(null, 'ack'), false, 'nobody signed in');
  assert.equal(may(user('admin'), 'delete'), false, 'unknown actions are refused');
  // Every action button has a role; every role is known.
  for (const a of actions) assert.ok(user_roles.includes(action_roles[a.id]), a.id);
});

test("an entry of another school offers nothing, unless the user sees every school", () => {
  const leader = user('duty_leader', ['bh-middle']);
  assert.equal(may(leader, 'ack', 'bh-middle'), true);
  assert.equal(may(leader, 'ack', 'xh-primary'), false);
  assert.equal(may(user('bureau', []), 'close', 'xh-primary'), true);
  assert.equal(may(user('safety_director', ['xh-primary', 'bh-middle']), 'close', 'bh-middle'), true);
});

test('a refused login in words: the same for a wrong name and a wrong password; Retry-After counted', () => {
  const zh = translator('zh');
  const en = translator('en');
  const say = (r, tr = zh) => tr.t(r.key, r.params);
  assert.equal(say(login_refusal(401, { error: 'wrong user or password' }, null, t0)), '用户名或密码错误');
  assert.equal(say(login_refusal(401, null, null, t0), en), 'Wrong user name or password');
  const limited = login_refusal(429, { error: 'too many attempts' }, '30', t0);
  assert.equal(say(limited), '尝试次数过多，请 30 秒后再试');
  assert.equal(limited.until, t0 + 30000);
  assert.equal(say(login_refusal(429, null, null, t0)), '尝试次数过多，请稍后再试');
  assert.equal(say(login_refusal(500, { error: 'users.db unreadable' }, null, t0)), '无法登录：users.db unreadable');
  assert.equal(say(login_refusal(502, null, null, t0)), '无法登录：HTTP 502');
  assert.equal(retry_after_seconds('0', t0), 1, 'never "0 seconds"');
  assert.equal(retry_after_seconds(' 12 ', t0), 12);
  assert.equal(retry_after_seconds(new Date(t0 + 45500).toUTCString(), t0), 45, 'an HTTP date (whole seconds)');
  assert.equal(retry_after_seconds('soon', t0), null);
  assert.equal(retry_after_seconds(undefined, t0), null);
  assert.deepEqual(JSON.parse(login_body(' wangfang ', ' pass word ')), { user: 'wangfang', password: ' pass word ' },
                   'the name is trimmed, the password sent as typed');
});

test('roles and the login screen in both languages', () => {
  const zh = translator('zh');
  const en = translator('en');
  assert.deepEqual(user_roles.map(zh.user_role), ['查看人员', '值班领导', '安全负责人', '教育局', '系统管理员']);
  assert.deepEqual(user_roles.map(en.user_role), ['Viewer', 'Duty leader', 'Safety director', 'Education bureau',
                                                  'Administrator']);
  assert.deepEqual(['login_user', 'login_password', 'login_submit', 'logout', 'action_assign', 'action_close'].map((k) => zh.t(k)),
                   ['用户名', '密码', '登录', '退出', '指派', '销号']);
  for (const k of ['login_user', 'login_password', 'login_submit', 'logout', 'login_expired', 'form_title_assign']) {
    assert.notEqual(en.t(k), k, `${k} has English`);
    assert.notEqual(en.t(k), zh.t(k), `${k} differs`);
  }
  assert.equal(zh.t('your_name'), 'your_name', 'no name is asked any more');
});

test("signing out forgets the district: the next user's snapshot meets nothing of the last", () => {
  const m = new live_model();
  m.apply({
    type: 'snapshot', district: { id: 'd', name: '区' },
    sites: [{ id: 'xh-primary', name: '星火小学', zones: [{ id: 'kitchen', type: 'canteen_kitchen' }] }],
    devices: [{ id: 'xh-gas', site: 'xh-primary', zone: 'kitchen', family: 'gas_detector', status: 'online' }],
    alerts: [{ id: 1, site: 'xh-primary', zone: 'kitchen', device: 'xh-gas', severity: 'red', raised_at: t0 }],
  }, t0);
  assert.equal(m.alerts.size, 1);
  const change = m.reset();
  assert.equal(change.structure, true, 'the page is rebuilt');
  assert.equal(m.ready, false);
  assert.deepEqual([m.sites.length, m.devices.size, m.alerts.size, m.district], [0, 0, 0, null]);
  assert.equal(m.worst_alert('xh-gas'), null);
  m.apply({
    type: 'snapshot', district: { id: 'd', name: '区' },
    sites: [{ id: 'bh-middle', name: '滨湖中学', zones: [{ id: 'kitchen', type: 'canteen_kitchen' }] }],
    devices: [{ id: 'bh-gas', site: 'bh-middle', zone: 'kitchen', family: 'gas_detector', status: 'online' }],
    alerts: [],
  }, t0);
  assert.deepEqual(m.sites.map((s) => s.id), ['bh-middle']);
  assert.deepEqual([...m.devices.keys()], ['bh-gas']);
});

test('an SMS link names its alert as the server texts it: #alert=A-000043', () => {
  const a43 = { id: 43, display_id: 'A-000043' };
  assert.deepEqual(linked_alert('#alert=A-000043'), a43);
  assert.deepEqual(linked_alert('#alert=43'), a43, 'a bare number, as the API accepts');
  assert.deepEqual(linked_alert('#alert=a-000043'), a43);
  assert.deepEqual(linked_alert('#alert=%41-000043'), a43, 'percent-encoded by a messaging app');
  assert.deepEqual(linked_alert('#alert=A-1234567'), { id: 1234567, display_id: 'A-1234567' });
  // A mangled number: shown as not found, never sent to the server.
  for (const bad of ['#alert=', '#alert=A-0', '#alert=A-00004x', '#alert=P-000007', '#alert=%E0%A4%A',
                     '#alert=1e3', '#alert=A-9999999999999999']) {
    assert.deepEqual(linked_alert(bad), { id: null, display_id: null }, bad);
  }
  // Any other address is not a link to an alert.
  for (const other of ['', '#', '#live', '#live/xh-primary', '#report/alert=1', null, undefined]) {
    assert.equal(linked_alert(other), null, String(other));
  }
});

test('the not-found words of a linked alert exist in both languages and name the number', () => {
  for (const lang of ['zh', 'en']) {
    const tr = translator(lang);
    const text = tr.t('alert_not_found', { id: 'A-000043' });
    assert.ok(text.includes('A-000043') && !text.includes('{'), text);
    assert.notEqual(tr.t('alert_not_found_link'), 'alert_not_found_link');
  }
});
