// Unit tests of guided closure (挂账销号: 整改 → 复核验收 → 销号 by someone other than the
// rectifier, docs/alerts.md): where a rectified entry stands for the signed-in user, 销号
// disabled for the rectifier, the 最近销号 filter of the ledger, and their words in both
// languages (dashboards/handling.js, dashboards/i18n.js).
//   node --test closure_model.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize_entry } from '../../dashboards/state.js';
import { normalize_user } from '../../dashboards/session.js';
import { allowed_actions, closure_status, is_rectifier, ledger_url, person_name, recent_closed_ms,
         recently_closed, verifier_roles } from '../../dashboards/handling.js';
import { translator } from '../../dashboards/i18n.js';

const t0 = 1795000000000;
const day = 24 * 3600 * 1000;

// The entry_view of docs/alerts.md, rectified by 李娜 and cleared.
function entry(fields = {}) {
  return normalize_entry({
    id: 17, display_id: 'A-000017', kind: 'sensor',
    site: 'xh-primary', zone: 'kitchen', device: 'xh-kitchen-gas-1', family: 'gas_detector',
    rule: 'gas-lel', subject: '', rule_name: '燃气浓度超标', rule_name_en: 'Gas above limit',
    metric: 'lel_pct', unit: '%LEL', title: '', description: '',
    severity: 'red', max_severity: 'red', condition: 'cleared', state: 'rectified',
    occurrences: 1, value: 40, threshold: 25,
    raised_at: t0, updated_at: t0 + 600000, cleared_at: t0 + 60000,
    acknowledged_at: t0 + 30000, acknowledged_by: '王建国',
    rectified_at: t0 + 600000, rectified_by: '李娜', rectification_note: '更换燃气软管',
    closed_at: null, closed_by: '', verification_note: '',
    responsible: '', deadline: null, overdue: false, escalation: null, report: null,
    ...fields,
  });
}

const user = (name, role, display, sites = ['xh-primary']) =>
  normalize_user({ name, role, display_name: display, sites });
const rectifier = user('xh-director', 'safety_director', '李娜');
const other_director = user('xh-director-2', 'safety_director', '张伟');
const bureau = user('bureau', 'bureau', '教育局值班员', []);
const leader = user('xh-leader', 'duty_leader', '王建国');
const elsewhere = user('bh-director', 'safety_director', '周敏', ['bh-middle']);

test('the person acting is named as the server names them: the display name, else the user name', () => {
  assert.equal(person_name(rectifier), '李娜');
  assert.equal(person_name(normalize_user({ name: 'xh-ops', role: 'safety_director', display_name: '' })), 'xh-ops');
  assert.equal(person_name(null), '');
  assert.equal(is_rectifier(entry(), rectifier), true);
  assert.equal(is_rectifier(entry(), other_director), false);
  assert.equal(is_rectifier(entry({ rectified_by: '' }), normalize_user({ name: 'x', role: 'admin' })), false);
});

test('who may verify: the roles allowed to close (安全负责人 and above), lowest first', () => {
  assert.deepEqual([...verifier_roles], ['safety_director', 'bureau', 'admin']);
});

test('a rectified entry waits for verification by someone other than the rectifier', () => {
  const mine = closure_status(entry(), rectifier);
  assert.deepEqual(mine, {
    rectifier: '李娜', rectified_at: t0 + 600000, verifier_roles: ['safety_director', 'bureau', 'admin'],
    self: true, condition_active: false, may_close: false, blocked: 'self_verification',
  });
  assert.equal(closure_status(entry(), other_director).may_close, true);
  assert.equal(closure_status(entry(), other_director).blocked, null);
  assert.equal(closure_status(entry(), bureau).may_close, true, 'the bureau sees every school');
  assert.equal(closure_status(entry(), leader).blocked, 'role', 'a duty leader does not close');
  assert.equal(closure_status(entry(), elsewhere).blocked, 'role', 'nor a director of another school');
  assert.equal(closure_status(entry(), null).blocked, 'role');
  assert.equal(closure_status(entry({ condition: 'active', cleared_at: null }), other_director).blocked,
    'condition_active');
  assert.equal(closure_status(entry({ condition: 'active', cleared_at: null }), rectifier).blocked,
    'self_verification', 'the rectifier is told first what no waiting will change');
  for (const state of ['new', 'acknowledged', 'closed']) {
    assert.equal(closure_status(entry({ state }), other_director), null, `${state}: not waiting`);
  }
});

test('销号 is disabled for the rectifier, enabled for another verifier', () => {
  assert.equal(allowed_actions(entry(), rectifier).close, false);
  assert.equal(allowed_actions(entry(), other_director).close, true);
  assert.equal(allowed_actions(entry()).close, true, 'without a user: the lifecycle alone, as before');
  assert.equal(allowed_actions(entry({ condition: 'active' }), other_director).close, false);
  assert.equal(allowed_actions(entry(), rectifier).note, true, 'the rest is unchanged');
});

test('最近销号: closed entries of the last 7 days, the most recently closed first, paged here', () => {
  // The API is asked for closed entries (newest raised first), as many as it gives at once.
  const url = new URL(ledger_url({ state: 'recently_closed', site: 'xh-primary' }, { offset: 50 }), 'http://x');
  assert.equal(url.searchParams.get('state'), 'closed');
  assert.equal(url.searchParams.get('site'), 'xh-primary');
  assert.equal(url.searchParams.get('limit'), '1000');
  assert.equal(url.searchParams.get('offset'), '0');
  assert.equal(new URL(ledger_url({ state: 'closed' }), 'http://x').searchParams.get('limit'), '50');

  const now = t0 + 30 * day;
  const closed = (id, raised, closed_at) => entry({ id, display_id: `A-${String(id).padStart(6, '0')}`,
    state: 'closed', raised_at: raised, closed_at, closed_by: '张伟' });
  const answer = [
    closed(9, now - day, now - 2 * 3600 * 1000),
    closed(8, now - 25 * day, now - 3600 * 1000),        // raised long ago, closed last: first
    closed(7, now - 10 * day, now - 8 * day),             // closed too long ago
    closed(6, now - 9 * day, now - recent_closed_ms),     // exactly 7 days: still in
    entry({ id: 5, state: 'rectified' }),                 // not closed (never in such an answer)
  ];
  const page = recently_closed(answer, now);
  assert.deepEqual(page.alerts.map((a) => a.id), [8, 9, 6]);
  assert.equal(page.total, 3);
  assert.deepEqual(recently_closed(answer, now, { offset: 1, limit: 1 }).alerts.map((a) => a.id), [9]);
  assert.deepEqual(recently_closed([], now), { alerts: [], total: 0 });
});

test('the words of guided closure exist in both languages', () => {
  const keys = ['closure_waiting', 'closure_rectified_by', 'closure_verifiers', 'closure_roles_sep', 'closure_self',
                'closure_role', 'closure_condition_active', 'closure_ready', 'closure_closed', 'closure_show_recent',
                'close_disabled_self', 'state_recently_closed', 'close_confirm_title', 'close_confirm_text',
                'close_confirm_submit', 'close_confirm_back', 'chart_alerts_ledger_note', 'chart_alerts_ledger_error',
                'chart_alerts_none_ledger'];
  const zh = translator('zh');
  const en = translator('en');
  for (const key of keys) {
    assert.notEqual(zh.t(key), key, `zh ${key}`);
    assert.notEqual(en.t(key), key, `en ${key}`);
    assert.doesNotMatch(en.t(key), /[\u4e00-\u9fff]/, `en ${key} is English`);
  }
  assert.match(zh.t('closure_waiting'), /待他人复核验收/);
  assert.match(zh.t('closure_self'), /整改人/);
  assert.equal(zh.t('close_confirm_title', { id: 'A-000017' }), '确认销号 A-000017？');
  const roles = verifier_roles.map((r) => zh.user_role(r)).join(zh.t('closure_roles_sep'));
  assert.equal(zh.t('closure_verifiers', { roles }), '可复核验收销号：安全负责人、教育局、系统管理员（整改人本人除外）');
});
