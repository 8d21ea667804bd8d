// End-to-end test of guided closure (issue 14, items 4 and 6): 挂账销号 — an entry rectified by
// one person waits for 复核验收 by another — and the history chart's marks from the ledger. A
// real Mosquitto, the real campus-shield with its ledger and two safety directors of 星火小学 in
// a temporary data directory, and headless Chromium at 390×844 and at 1440×900 (one red gas
// leak per size, on the school's two kitchen detectors):
//  - 李娜 opens the alert's link, acknowledges and rectifies it; the detail then says it waits
//    for verification by someone other than the rectifier, names her and the roles who may
//    verify, and 销号 is disabled for her (the server would refuse: self_verification).
//  - 张伟 opens the same link: he may verify; 销号 asks for confirmation first (nothing is sent
//    before it), then the entry is closed by him, and the detail says where it stays.
//  - 查看最近销号 lists it first under the ledger's 最近销号 filter.
//  - The device's history chart marks it — a closed entry, which the page's open list no longer
//    holds — from the ledger.
// Neither page is ever wider than its viewport.
//
//   CAMPUS_SHIELD=/path/to/campus-shield CAMPUS_CONFIG=config/district.yaml node --test closure.test.mjs
//
// Same environment as dashboard.test.mjs. The working directory (logs, screenshots) is kept.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { api_client, load_chromium, login, patience_ms, publish, publish_until, start_stack, until } from './support.mjs';

const shield = process.env.CAMPUS_SHIELD;
const config = resolve(process.env.CAMPUS_CONFIG ?? new URL('../../config/district.yaml', import.meta.url).pathname);

// From config/district.yaml: 星火小学's two kitchen gas detectors, red above 25 %LEL, a clear
// counted after 30 s (clear_after).
const site = 'xh-primary';
const sizes = [
  { viewport: { width: 390, height: 844 }, device: 'xh-kitchen-gas-1' },
  { viewport: { width: 1440, height: 900 }, device: 'xh-kitchen-gas-2' },
];
const topic = (device) => `campus/${site}/kitchen/${device}/telemetry`;
const reading = (lel) => ({ lel_pct: lel, co_ppm: 4, valve: lel > 0 ? 'open' : 'closed', fault: false });

// Both may close (销号); the one who rectifies may not verify their own work.
const rectifier = { name: 'xh-director', password: 'director-pass-1', role: 'safety_director', sites: [site],
                    display: '李娜' };
const verifier = { name: 'xh-deputy', password: 'deputy-pass-1', role: 'safety_director', sites: [site],
                   display: '张伟' };

const skip = shield ? false : 'CAMPUS_SHIELD is not set: build the campus-shield target and point ' +
  'CAMPUS_SHIELD at it (CTest does this) to run the browser guided-closure test';

async function no_sideways_scroll(page, what) {
  const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(m.scroll <= m.width, `${what}: no sideways scrolling (scrollWidth ${m.scroll} > ${m.width})`);
}

test('rectified by one person, 销号 disabled for them with why; closed by another after a confirmation, found under 最近销号 and marked on the chart', { skip, timeout: 300000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'campus-shield-closure-'));
  t.diagnostic(`working directory: ${dir}`);
  const procs = [];
  const browsers = [];
  const page_errors = [];
  try {
    const { base, mqtt_port } = await start_stack(dir, shield, config, procs, { users: [rectifier, verifier] });
    const api = await api_client(base, rectifier.name, rectifier.password);
    const red_entry = async (device) =>
      (await api.get(`/api/alerts?device=${device}&severity=red&state=open`)).alerts?.[0] ?? null;

    // A red leak on each detector (published until the server has the entry), then the gas goes
    // away on both: after clear_after the conditions clear, the entries stay open.
    const entries = [];
    for (const { device } of sizes) {
      let entry = null;
      await publish_until(mqtt_port, topic(device), reading(40), `a red entry for ${device}`,
        async () => (entry = await red_entry(device)) !== null, procs);
      entries.push(entry);
    }
    for (const { device } of sizes) await publish(mqtt_port, topic(device), reading(0));
    await until('both conditions cleared', async () => {
      for (const { device } of sizes) await publish(mqtt_port, topic(device), reading(0));
      const now = await Promise.all(entries.map((e) => api.get(`/api/alerts/${e.id}`)));
      return now.every((b) => b.alert.condition === 'cleared');
    }, procs, 30000 + 2 * patience_ms);

    const { launch_chromium } = await load_chromium();
    for (const [i, { viewport, device }] of sizes.entries()) {
      const size = `${viewport.width}x${viewport.height}`;
      const { id, display_id } = entries[i];
      const link = `${base}/#alert=${display_id}`;
      const browser = await launch_chromium({ viewport });
      browsers.push(browser);
      const page = await browser.context.newPage();
      page.on('pageerror', (e) => page_errors.push(`${size}: ${e.message}`));
      const ledger = page.getByTestId('ledger-panel');
      const detail = ledger.getByTestId('ledger-detail');
      const form = detail.getByTestId('action-form');
      const state_is = (words) => ledger.locator('[data-testid="detail-state"]', { hasText: words })
        .waitFor({ timeout: patience_ms });
      const act = async (action, note) => {
        await detail.getByTestId(`action-${action}`).click();
        await form.getByTestId('form-note').fill(note);
        await form.getByTestId('form-submit').click();
      };

      // 李娜 acknowledges and rectifies from the alert's link.
      await page.goto(link);
      await login(page, rectifier.name, rectifier.password, { landing: true });
      await page.locator('[data-testid="ledger-panel"][data-view="detail"][data-state="ready"]').waitFor({ timeout: patience_ms });
      assert.equal((await ledger.getByTestId('detail-display-id').textContent()).trim(), display_id);
      assert.equal(await detail.getByTestId('closure-status').isVisible(), false, 'nothing to verify yet');
      await act('ack', '已到场，关闭燃气总阀');
      await state_is('已确认');
      await act('rectify', '更换燃气软管并检漏');
      await state_is('已整改');

      // Waiting for someone else's verification, and she may not close it.
      const closure = detail.locator('[data-testid="closure-status"][data-closure="waiting"]');
      await closure.waitFor({ timeout: patience_ms });
      assert.equal(await closure.getAttribute('data-blocked'), 'self_verification');
      assert.equal((await closure.getByTestId('closure-waiting').textContent()).trim(), '已整改，待他人复核验收后销号');
      assert.match(await closure.textContent(), /整改人：李娜/);
      assert.equal((await closure.getByTestId('closure-verifiers').textContent()).trim(),
        '可复核验收销号：安全负责人、教育局、系统管理员（整改人本人除外）');
      assert.match(await closure.getByTestId('closure-why').textContent(), /您是本条的整改人，不能自己验收销号/);
      const close_button = detail.getByTestId('action-close');
      assert.equal(await close_button.isDisabled(), true, `${size}: 销号 disabled for the rectifier`);
      assert.equal(await close_button.getAttribute('title'), '整改人本人不能销号');
      assert.ok(await closure.isVisible() && await close_button.isVisible(), 'the reason beside the button');
      // The live feed says the same and keeps its 销号 off for her too.
      const in_feed = page.locator(`[data-testid="alert-feed"] [data-testid="alert-${id}"]`);
      assert.equal(await in_feed.getByTestId('action-close').isDisabled(), true,
        `${size}: the feed's 销号 disabled for the rectifier`);
      assert.match(await in_feed.getByTestId('alert-handled').textContent(), /待他人复核验收后销号/);
      await no_sideways_scroll(page, `${size} rectifier`);
      await page.screenshot({ path: join(dir, `waiting-${size}.png`) });
      assert.equal((await api.get(`/api/alerts/${id}`)).alert.rectified_by, rectifier.display);

      // 张伟 signs in on the same page and opens the link: he may verify.
      await ledger.getByTestId('ledger-close').click();
      await page.getByTestId('logout').click();
      await page.getByTestId('login-screen').waitFor({ timeout: patience_ms });
      await page.goto(link);
      await login(page, verifier.name, verifier.password, { landing: true });
      await page.locator('[data-testid="ledger-panel"][data-view="detail"][data-state="ready"]').waitFor({ timeout: patience_ms });
      await closure.waitFor({ timeout: patience_ms });
      assert.equal(await closure.getAttribute('data-blocked'), '');
      assert.equal((await closure.getByTestId('closure-why').textContent()).trim(), '您可以复核验收并销号。');
      assert.equal(await close_button.isEnabled(), true);

      // 销号 asks first; nothing is sent before the confirmation, 返回修改 goes back to the note.
      await act('close', '复查无泄漏');
      const confirm = form.getByTestId('form-confirm');
      await confirm.waitFor({ timeout: patience_ms });
      assert.match(await confirm.textContent(), /验收意见：复查无泄漏。销号后本条不再出现在实时列表中/);
      assert.equal((await form.getByTestId('form-submit').textContent()).trim(), '确认销号');
      assert.match(await form.textContent(), new RegExp(`确认销号 ${display_id}？`));
      await no_sideways_scroll(page, `${size} confirmation`);
      await page.screenshot({ path: join(dir, `confirm-${size}.png`) });
      await form.getByTestId('form-cancel').click();
      assert.equal(await confirm.isVisible(), false, '返回修改');
      assert.equal(await form.isVisible(), true, 'the form stays, with its note');
      assert.equal(await form.getByTestId('form-note').inputValue(), '复查无泄漏');
      assert.equal((await api.get(`/api/alerts/${id}`)).alert.state, 'rectified', 'not closed without confirming');
      await form.getByTestId('form-submit').click();
      await confirm.waitFor({ timeout: patience_ms });
      await form.getByTestId('form-submit').click();
      await state_is('已销号');
      const server = (await api.get(`/api/alerts/${id}`)).alert;
      assert.equal(server.state, 'closed');
      assert.equal(server.closed_by, verifier.display);
      assert.equal(server.verification_note, '复查无泄漏');

      // The closed entry says where it stays, and 最近销号 lists it first.
      const closed = detail.locator('[data-testid="closure-status"][data-closure="closed"]');
      await closed.waitFor({ timeout: patience_ms });
      assert.match(await closed.getByTestId('closure-closed').textContent(), /^已销号：张伟 验收 · .+最近销号/);
      await closed.getByTestId('closure-show-recent').click();
      await page.locator('[data-testid="ledger-panel"][data-view="list"][data-state="ready"]').waitFor({ timeout: patience_ms });
      assert.equal(await ledger.getByTestId('ledger-filter-state').inputValue(), 'recently_closed');
      const rows = ledger.getByTestId('ledger-rows').locator('tr');
      await ledger.getByTestId(`ledger-row-${id}`).waitFor({ timeout: patience_ms });
      assert.equal(await rows.first().getAttribute('data-testid'), `ledger-row-${id}`, 'the most recently closed first');
      for (const r of await rows.all()) assert.equal(await r.getAttribute('data-state'), 'closed', 'only closed entries');
      assert.match(await ledger.getByTestId('ledger-filter-state').locator('option:checked').textContent(), /最近销号/);
      await no_sideways_scroll(page, `${size} 最近销号`);
      await page.screenshot({ path: join(dir, `recently-closed-${size}.png`) });
      await ledger.getByTestId('ledger-close').click();
      await ledger.waitFor({ state: 'hidden', timeout: patience_ms });

      // The device's history chart marks the closed entry, from the ledger.
      assert.equal(await page.locator(`[data-testid="alert-feed"] [data-testid="alert-${id}"]`).count(), 0,
        'gone from the open feed');
      await page.getByTestId(`tile-${device}`).click();
      const history = page.getByTestId('history-panel');
      await page.locator('[data-testid="history-panel"][data-ledger="ready"]:is([data-state="ready"], [data-state="empty"])')
        .waitFor({ timeout: patience_ms });
      const mark = history.getByTestId(`history-alert-${id}`);
      await mark.waitFor({ timeout: patience_ms });
      assert.equal(await mark.getAttribute('data-state'), 'closed');
      assert.equal(await mark.getAttribute('data-severity'), 'red');
      assert.match(await mark.textContent(), new RegExp(`红色 · .+ · ${display_id} 已销号`));
      assert.ok(Number(await history.getAttribute('data-marks')) >= 1);
      assert.equal(await history.getByTestId(`history-alert-${entries[1 - i].id}`).count(), 0,
        "the other detector's alert is not marked");
      assert.match(await history.textContent(), /来自隐患台账，含已销号/);
      await no_sideways_scroll(page, `${size} history`);
      await page.screenshot({ path: join(dir, `history-${size}.png`) });
    }
    assert.deepEqual(page_errors, [], 'no script errors');
  } finally {
    for (const b of browsers) await b.close().catch((e) => console.error('closing chromium:', e));
    for (const p of procs.reverse()) await p.stop();
  }
});
