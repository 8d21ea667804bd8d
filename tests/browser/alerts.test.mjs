// End-to-end test of alert handling (docs/alerts.md) by signed-in people (docs/security.md): a
// real Mosquitto, the real campus-shield with its hazard ledger and users in a temporary data
// directory, and headless Chromium. A gas reading of 40 %LEL raises a red ledger entry; the duty
// leader of the school acknowledges, reports and rectifies it from the dashboard, may not close
// it; the safety director signs in after them and closes it. Each step is checked against the
// server's own record (GET /api/alerts/{id}): the person named is the session's user. A patrol
// finding registered, assigned and rectified by the safety director may not be closed by them.
//
//   CAMPUS_SHIELD=/path/to/campus-shield CAMPUS_CONFIG=config/district.yaml node --test alerts.test.mjs
//
// Same environment as dashboard.test.mjs. The working directory (logs, screenshots) is kept.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { api_client, load_chromium, login, patience_ms, publish_until, start_stack, until } from './support.mjs';

const shield = process.env.CAMPUS_SHIELD;
const config = resolve(process.env.CAMPUS_CONFIG ?? new URL('../../config/district.yaml', import.meta.url).pathname);

// From config/district.yaml: the kitchen gas detector, red above 25 %LEL.
const site = 'xh-primary';
const zone = 'kitchen';
const device = 'xh-kitchen-gas-1';
const topic = `campus/${site}/${zone}/${device}/telemetry`;

// Two people of the school: the one who rectifies may not verify their own work, and only a
// safety director closes.
const leader = { name: 'xh-leader', password: 'leader-pass-1', role: 'duty_leader', sites: [site], display: '王建国' };
const director = { name: 'xh-director', password: 'director-pass-1', role: 'safety_director', sites: [site],
                   display: '李娜' };

const skip = shield ? false : 'CAMPUS_SHIELD is not set: build the campus-shield target and point ' +
  'CAMPUS_SHIELD at it (CTest does this) to run the browser alert-handling test';

const role_words = ['值班领导', '安全负责人', '校长', '教育局值班员'];

test('a red gas alert is acknowledged, reported and rectified by the duty leader and closed by the safety director; a patrol finding is registered and assigned', { skip, timeout: 240000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'campus-shield-alerts-'));
  t.diagnostic(`working directory: ${dir}`);
  const procs = [];
  let browser = null;
  const page_errors = [];
  try {
    const { base, mqtt_port } = await start_stack(dir, shield, config, procs, { users: [leader, director] });
    const as_leader = await api_client(base, leader.name, leader.password);
    const get = (path) => as_leader.get(path);

    const { launch_chromium } = await load_chromium();
    browser = await launch_chromium();
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => page_errors.push(e.message));
    await page.goto(`${base}/`);
    await login(page, leader.name, leader.password);
    assert.equal(await page.getByTestId('user-name').textContent(), leader.display);
    assert.equal(await page.getByTestId('user-role').textContent(), '值班领导');
    const tile = page.getByTestId(`tile-${device}`);
    await tile.waitFor({ timeout: patience_ms });

    // A normal reading first: once the tile shows it, the server's subscription is in place.
    const lel = page.getByTestId(`value-${device}-lel_pct`);
    await publish_until(mqtt_port, topic, { lel_pct: 3.7, co_ppm: 4, valve: 'open', fault: false },
      'the tile to show lel_pct 3.7', async () => (await lel.textContent()).includes('3.7'), procs);

    // 40 %LEL: a red ledger entry appears in the feed with its number.
    const feed = page.getByTestId('alert-feed');
    const red = feed.locator(`[data-testid^="alert-"][data-device="${device}"][data-severity="red"]`);
    await publish_until(mqtt_port, topic, { lel_pct: 40, co_ppm: 4, valve: 'open', fault: false },
      'a red entry in the feed', async () => (await red.count()) > 0, procs);
    const id = Number((await red.first().getAttribute('data-testid')).replace('alert-', ''));
    assert.ok(Number.isInteger(id) && id > 0, `a ledger id (${id})`);
    const entry = feed.getByTestId(`alert-${id}`);
    const display_id = (await entry.getByTestId('alert-display-id').textContent()).trim();
    assert.match(display_id, /^A-\d{6}$/);
    assert.equal(display_id, `A-${String(id).padStart(6, '0')}`);
    assert.equal(await entry.getAttribute('data-condition'), 'active');
    assert.equal(await entry.getAttribute('data-state'), 'new');
    assert.equal((await entry.getByTestId('alert-state').textContent()).trim(), '待确认');
    assert.match(await entry.textContent(), /活动中/);
    assert.match(await entry.getByTestId('alert-value').textContent(), /40/);

    // The server's view of the same entry: what the feed says about who was told and the
    // one-hour report must be what the ledger and the incident desk say.
    let server = (await get(`/api/alerts/${id}`)).alert;
    assert.equal(server.display_id, display_id);
    assert.equal(server.severity, 'red');
    assert.ok(server.report && server.report.deadline, 'a red entry has a one-hour report deadline');
    const report = entry.getByTestId('alert-report');
    assert.equal(await report.getAttribute('data-report'), 'pending');
    assert.match(await report.textContent(), /^上报剩余 \d\d:\d\d$/);
    if (server.escalation && server.escalation.told.length) {
      const told = await entry.getByTestId('alert-told').textContent();
      for (const item of server.escalation.told) {
        if (item.nobody_on_duty) assert.match(told, /无人值班/);
        else if (item.person?.name) assert.ok(told.includes(item.person.name), `${item.person.name} is named`);
      }
      assert.ok(role_words.some((w) => told.includes(w)) || told.includes('看板'), 'roles in Chinese');
    }

    // A duty leader is offered what a duty leader may do: no 销号, no 指派.
    for (const a of ['ack', 'rectify', 'report', 'note']) {
      assert.equal(await entry.getByTestId(`action-${a}`).count(), 1, `a ${a} button`);
    }
    for (const a of ['close', 'assign']) {
      assert.equal(await entry.getByTestId(`action-${a}`).count(), 0, `no ${a} button for a duty leader`);
    }

    // Acknowledge through the dashboard: nobody is asked their name, the server takes it from
    // the session.
    await entry.getByTestId('action-ack').click();
    const form = entry.getByTestId('action-form');
    await form.waitFor({ timeout: patience_ms });
    assert.equal(await form.getByTestId('form-who').count(), 0, 'no name field');
    await form.getByTestId('form-note').fill('已到场，关闭燃气总阀');
    await form.getByTestId('form-submit').click();
    await page.locator(`[data-testid="alert-${id}"][data-state="acknowledged"]`).waitFor({ timeout: patience_ms });
    assert.equal(await form.isHidden(), true, 'the form closes once the server accepted');
    server = (await get(`/api/alerts/${id}`)).alert;
    assert.equal(server.state, 'acknowledged');
    assert.equal(server.acknowledged_by, leader.display, 'the session user acted');
    assert.equal((await entry.getByTestId('alert-state').textContent()).trim(), '已确认');

    // The one-hour report: 上报 → 已上报.
    await entry.getByTestId('action-report').click();
    await form.getByTestId('form-note').fill('已电话报告区教育局值班室');
    await form.getByTestId('form-submit').click();
    await page.locator(`[data-testid="alert-${id}"] [data-testid="alert-report"][data-report="reported"]`)
      .waitFor({ timeout: patience_ms });
    assert.match(await report.textContent(), /已上报/);
    assert.equal(await entry.getByTestId('action-report').isDisabled(), true);
    server = (await get(`/api/alerts/${id}`)).alert;
    assert.equal(server.report.reported_by, leader.display);

    // The ledger view lists the entry; its detail shows the acknowledgement in the timeline.
    await page.getByTestId('ledger-open').click();
    const ledger = page.getByTestId('ledger-panel');
    const row = ledger.getByTestId(`ledger-row-${id}`);
    await row.waitFor({ timeout: patience_ms });
    assert.match(await row.textContent(), new RegExp(display_id));
    assert.match(await row.textContent(), /已确认/);
    assert.match(await ledger.getByTestId('ledger-total').textContent(), /共 \d+ 条/);
    await row.getByRole('button', { name: display_id }).click();
    const ack_item = ledger.getByTestId('ledger-timeline').getByTestId('transition-acknowledged');
    await ack_item.waitFor({ timeout: patience_ms });
    const ack_text = await ack_item.textContent();
    assert.ok(ack_text.includes(leader.display) && ack_text.includes('已到场，关闭燃气总阀') && ack_text.includes('确认'),
      `the acknowledgement in the timeline: ${ack_text}`);
    assert.equal((await ledger.getByTestId('detail-display-id').textContent()).trim(), display_id);
    assert.equal(await ledger.getByTestId('ledger-detail').getByTestId('action-close').count(), 0,
      'no 销号 in the detail either');
    await page.screenshot({ path: join(dir, 'ledger-detail-zh.png') });
    await ledger.getByTestId('ledger-close').click();
    await ledger.waitFor({ state: 'hidden', timeout: patience_ms });

    // The gas goes away: the condition clears, the entry stays open (handling not closed). The
    // sample's gas rule lets a clear count after 30 s (clear_after).
    await publish_until(mqtt_port, topic, { lel_pct: 0, co_ppm: 4, valve: 'closed', fault: false },
      'the entry to show the condition cleared',
      async () => (await entry.getAttribute('data-condition')) === 'cleared', procs, 30000 + patience_ms);
    assert.match(await entry.textContent(), /已解除/);

    // Rectified by the duty leader (a note is required).
    await entry.getByTestId('action-rectify').click();
    await form.getByTestId('form-submit').click();
    assert.equal(await form.getByTestId('form-error').textContent(), '请填写说明', 'no note, no request');
    await form.getByTestId('form-note').fill('更换燃气软管并检漏');
    await form.getByTestId('form-submit').click();
    await page.locator(`[data-testid="alert-${id}"][data-state="rectified"]`).waitFor({ timeout: patience_ms });

    // A duty leader may not close, whatever the page offers: the server says 403.
    const refused = await as_leader.fetch(`/api/alerts/${id}/close`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: '复查无泄漏' }),
    });
    assert.equal(refused.status, 403, 'a duty leader may not close');
    assert.equal((await get(`/api/alerts/${id}`)).alert.state, 'rectified');

    // 退出, and the safety director signs in on the same page: the entry is there, with 销号.
    await page.getByTestId('logout').click();
    await page.getByTestId('login-screen').waitFor({ timeout: patience_ms });
    assert.equal(await page.locator('[data-testid^="alert-"][data-device]').count(), 0, 'nothing left of the last user');
    await login(page, director.name, director.password);
    assert.equal(await page.getByTestId('user-role').textContent(), '安全负责人');
    await entry.waitFor({ timeout: patience_ms });
    assert.equal(await entry.getAttribute('data-state'), 'rectified');
    assert.equal(await entry.getByTestId('action-close').isEnabled(), true);
    assert.equal(await entry.getByTestId('action-assign').count(), 1, 'a safety director may assign');

    // The safety director verifies and closes, after confirming what closing means: the entry
    // leaves the open feed.
    await entry.getByTestId('action-close').click();
    await form.getByTestId('form-note').fill('复查无泄漏');
    await form.getByTestId('form-submit').click();
    const confirm = form.getByTestId('form-confirm');
    await confirm.waitFor({ timeout: patience_ms });
    assert.match(await confirm.textContent(), /复查无泄漏.*最近销号/);
    assert.equal((await form.getByTestId('form-submit').textContent()).trim(), '确认销号');
    assert.equal((await get(`/api/alerts/${id}`)).alert.state, 'rectified', 'nothing sent before the confirmation');
    await form.getByTestId('form-submit').click();
    await entry.waitFor({ state: 'detached', timeout: patience_ms });
    server = (await get(`/api/alerts/${id}`)).alert;
    assert.equal(server.state, 'closed');
    assert.equal(server.closed_by, director.display);
    assert.equal(server.rectified_by, leader.display);
    assert.equal(server.verification_note, '复查无泄漏');

    // The ledger view, filtered on closed entries, shows it; its timeline holds the whole loop.
    await page.getByTestId('ledger-open').click();
    await ledger.getByTestId('ledger-filter-state').selectOption('closed');
    await ledger.getByTestId('ledger-apply').click();
    const closed_row = ledger.locator(`[data-testid="ledger-row-${id}"][data-state="closed"]`);
    await closed_row.waitFor({ timeout: patience_ms });
    assert.match(await closed_row.textContent(), /已销号/);
    for (const r of await ledger.getByTestId('ledger-rows').locator('tr').all()) {
      assert.equal(await r.getAttribute('data-state'), 'closed', 'the filter holds');
    }
    await closed_row.getByRole('button', { name: display_id }).click();
    const timeline = ledger.getByTestId('ledger-timeline');
    await timeline.getByTestId('transition-closed').waitFor({ timeout: patience_ms });
    for (const what of ['raised', 'acknowledged', 'reported', 'cleared', 'rectified', 'closed']) {
      assert.equal(await timeline.getByTestId(`transition-${what}`).count() > 0, true, `a ${what} transition`);
    }
    assert.match(await timeline.getByTestId('transition-closed').textContent(), new RegExp(director.display));
    assert.match(await timeline.getByTestId('transition-rectified').textContent(), /更换燃气软管并检漏/);
    assert.match(await timeline.getByTestId('transition-rectified').textContent(), new RegExp(leader.display));
    await page.screenshot({ path: join(dir, 'ledger-closed-zh.png') });

    // A patrol finding registered from the ledger view (登记隐患): it opens as a manual entry,
    // shown in its detail and in the open feed, with whom to rectify it.
    await ledger.getByTestId('register-open').click();
    const register = ledger.getByTestId('register-form');
    await register.waitFor({ timeout: patience_ms });
    assert.equal(await register.getByTestId('register-who').count(), 0, 'no name field');
    await register.getByTestId('register-site').selectOption(site);
    await register.getByTestId('register-title').fill('消防通道堆放杂物');
    await register.getByTestId('register-description').fill('教学楼二楼东侧楼梯口');
    await register.getByTestId('register-responsible').fill('赵六');
    await register.getByTestId('register-submit').click();
    const detail = ledger.getByTestId('ledger-detail');
    const detail_id = ledger.getByTestId('detail-display-id');
    await detail_id.waitFor({ timeout: patience_ms });
    const hazard_display_id = (await detail_id.textContent()).trim();
    assert.match(hazard_display_id, /^A-\d{6}$/);
    assert.notEqual(hazard_display_id, display_id);
    const hazard_id = Number(hazard_display_id.slice(2));
    assert.match(await detail.textContent(), /消防通道堆放杂物/);
    const registered = ledger.getByTestId('ledger-timeline').getByTestId('transition-registered');
    await registered.waitFor({ timeout: patience_ms });
    assert.match(await registered.textContent(), new RegExp(director.display));

    // 指派: the safety director hands it to someone else, by a deadline in the school's time.
    const detail_form = detail.getByTestId('action-form');
    await detail.getByTestId('action-assign').click();
    await detail_form.getByTestId('form-responsible').fill('钱七');
    await detail_form.getByTestId('form-deadline').fill('2030-06-01T17:00');
    await detail_form.getByTestId('form-submit').click();
    const assigned = ledger.getByTestId('ledger-timeline').getByTestId('transition-assigned');
    await assigned.waitFor({ timeout: patience_ms });
    assert.match(await assigned.textContent(), /指派责任人：钱七，期限 06-01 17:00:00/);
    server = (await get(`/api/alerts/${hazard_id}`)).alert;
    assert.equal(server.responsible, '钱七');
    assert.equal(server.deadline, Date.UTC(2030, 5, 1, 9, 0), '17:00 in Asia/Shanghai');

    // Rectified by the safety director, who then may not verify their own work: the detail says
    // it waits for someone else's verification, and 销号 stays disabled (the server would refuse).
    await detail.getByTestId('action-rectify').click();
    await detail_form.getByTestId('form-note').fill('杂物已清理');
    await detail_form.getByTestId('form-submit').click();
    await ledger.locator('[data-testid="detail-state"]', { hasText: '已整改' }).waitFor({ timeout: patience_ms });
    const closure = detail.locator('[data-testid="closure-status"][data-blocked="self_verification"]');
    await closure.waitFor({ timeout: patience_ms });
    assert.match(await closure.textContent(), /待他人复核验收/);
    assert.match(await closure.getByTestId('closure-why').textContent(), /整改人/);
    assert.equal(await detail.getByTestId('action-close').isDisabled(), true, '销号 disabled for the rectifier');
    const as_director = await api_client(base, director.name, director.password);
    const self_close = await as_director.fetch(`/api/alerts/${hazard_id}/close`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note: '复查通道畅通' }),
    });
    assert.equal(self_close.status, 409, 'the server refuses self-verification as well');
    assert.equal((await self_close.json()).code, 'self_verification');
    assert.equal((await get(`/api/alerts/${hazard_id}`)).alert.state, 'rectified');
    await page.screenshot({ path: join(dir, 'self-verification-zh.png') });

    await ledger.getByTestId('ledger-close').click();
    const manual = feed.locator('[data-kind="manual"]');
    await manual.first().waitFor({ timeout: patience_ms });
    assert.equal((await manual.first().getByTestId('alert-display-id').textContent()).trim(), hazard_display_id);
    assert.match(await manual.first().textContent(), /巡查登记 · 消防通道堆放杂物/);
    assert.match(await manual.first().textContent(), /责任人 钱七/);
    assert.equal(await manual.first().getAttribute('data-severity'), 'yellow', 'yellow unless told otherwise');
    console.log(`screenshots in ${dir}`);

    assert.deepEqual(page_errors, [], 'no uncaught errors in the page');
  } finally {
    if (browser) await browser.close().catch((e) => console.error('closing chromium:', e));
    for (const p of procs.reverse()) await p.stop();
  }
});
