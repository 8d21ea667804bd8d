// End-to-end test of signing in (docs/security.md): a real Mosquitto, the real campus-shield with
// users created by `campus-shield user add` before it starts, and headless Chromium.
//  - Before a login the page shows the login screen and nothing else: no tile, no WebSocket.
//  - A wrong password says 用户名或密码错误 and lets nobody in.
//  - A duty leader of 滨湖中学 sees that school only: no 星火小学 tile, school or alert, not even
//    when 星火小学's gas detector goes red (the bureau's API shows that it did).
//  - A viewer of 星火小学 sees the alert without a single action button.
//  - 退出 returns to the login screen with nothing of the district left; a session that ends
//    under the page (its cookie gone) returns there at the next request.
//  - Too many wrong passwords: 尝试次数过多，请 N 秒后再试.
//
//   CAMPUS_SHIELD=/path/to/campus-shield CAMPUS_CONFIG=config/district.yaml node --test login.test.mjs
//
// Same environment as dashboard.test.mjs. The working directory (logs, screenshots) is kept.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { api_client, load_chromium, login, patience_ms, publish, publish_until, start_stack, until }
  from './support.mjs';

const shield = process.env.CAMPUS_SHIELD;
const config = resolve(process.env.CAMPUS_CONFIG ?? new URL('../../config/district.yaml', import.meta.url).pathname);

// From config/district.yaml: a kitchen gas detector in each school, red above 25 %LEL.
const xh = { site: 'xh-primary', device: 'xh-kitchen-gas-1', topic: 'campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry' };
const bh = { site: 'bh-middle', device: 'bh-kitchen-gas-1', topic: 'campus/bh-middle/kitchen/bh-kitchen-gas-1/telemetry' };
const leak = { lel_pct: 40, co_ppm: 4, valve: 'open', fault: false };

const users = {
  bh_leader: { name: 'bh-leader', password: 'bh-leader-pass', role: 'duty_leader', sites: [bh.site], display: '周敏' },
  xh_viewer: { name: 'xh-viewer', password: 'xh-viewer-pass', role: 'viewer', sites: [xh.site], display: '陈晓' },
  bureau: { name: 'bureau', password: 'bureau-pass-1', role: 'bureau', display: '教育局张科' },
  limited: { name: 'locked-out', password: 'never-guessed-1', role: 'viewer', sites: [xh.site], display: '试错' },
};

const skip = shield ? false : 'CAMPUS_SHIELD is not set: build the campus-shield target and point ' +
  'CAMPUS_SHIELD at it (CTest does this) to run the browser login test';

// How many wrong passwords to try before calling the missing rate limit a failure.
const max_attempts = 60;

test('the dashboard requires a login; a school sees only itself; a viewer has no actions; logout and limits', { skip, timeout: 240000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'campus-shield-login-'));
  t.diagnostic(`working directory: ${dir}`);
  const procs = [];
  let browser = null;
  const page_errors = [];
  try {
    const { base, mqtt_port } = await start_stack(dir, shield, config, procs, { users: Object.values(users) });

    // The API without a session: 401, and nothing of any school.
    for (const path of ['/api/me', '/api/sites', '/api/alerts']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 401, `GET ${path} without a session`);
    }

    const { launch_chromium } = await load_chromium();
    browser = await launch_chromium();
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => page_errors.push(e.message));
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));

    // Before a login: the login screen only.
    await page.goto(`${base}/`);
    const screen = page.getByTestId('login-screen');
    await screen.waitFor({ state: 'visible', timeout: patience_ms });
    assert.equal(await page.getByTestId('app').isHidden(), true, 'the dashboard is hidden');
    assert.equal(await page.locator('[data-testid^="tile-"]').count(), 0, 'no tile');
    assert.equal(await page.locator('[data-testid^="school-"]:not([data-testid="school-select"])').count(), 0,
      'no school');
    assert.equal(await page.getByTestId('login-submit').textContent(), '登录');
    assert.deepEqual(sockets, [], 'no WebSocket before a login');
    await page.screenshot({ path: join(dir, 'login-zh.png') });

    // A wrong password: the error, still the login screen; the same words for an unknown name.
    await page.getByTestId('login-user').fill(users.bh_leader.name);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await until('the wrong-password message', async () => (await error.textContent()) === '用户名或密码错误', procs);
    assert.equal(await screen.isVisible(), true);
    assert.equal(await page.getByTestId('login-password').inputValue(), '', 'the password is not kept');
    await page.getByTestId('login-user').fill('nobody-of-that-name');
    await page.getByTestId('login-password').fill('whatever-1');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="login-form"][data-state="refused"]').waitFor({ timeout: patience_ms });
    assert.equal(await error.textContent(), '用户名或密码错误', 'an unknown name reads the same');
    assert.deepEqual(sockets, [], 'still no WebSocket');

    // 滨湖中学's duty leader: that school only.
    await login(page, users.bh_leader.name, users.bh_leader.password);
    assert.equal(await page.getByTestId('user-name').textContent(), '周敏');
    assert.equal(await page.getByTestId('user-role').textContent(), '值班领导');
    const bh_tile = page.getByTestId(`tile-${bh.device}`);
    await bh_tile.waitFor({ timeout: patience_ms });
    assert.equal(sockets.length, 1, 'the WebSocket opens once signed in');
    assert.equal(await page.locator('[data-testid^="tile-xh-"]').count(), 0, 'no 星火小学 tile');
    assert.equal(await page.getByTestId(`school-${xh.site}`).count(), 0, 'no 星火小学 section');
    const options = await page.getByTestId('school-select').locator('option').allTextContents();
    assert.deepEqual(options, ['滨湖中学'], 'the school selector lists 滨湖中学 only');

    // 星火小学's gas goes red first, then 滨湖中学's: once 滨湖中学's entry is shown, 星火小学's
    // would have been too (the server handles them in order) — it must not be.
    const bh_lel = page.getByTestId(`value-${bh.device}-lel_pct`);
    await publish_until(mqtt_port, bh.topic, { ...leak, lel_pct: 3.7 }, 'the 滨湖中学 tile to show 3.7',
      async () => (await bh_lel.textContent()).includes('3.7'), procs);
    const bureau = await api_client(base, users.bureau.name, users.bureau.password);
    await publish(mqtt_port, xh.topic, leak);
    await until('the 星火小学 alert in the ledger (asked as the bureau)', async () =>
      (await bureau.get(`/api/alerts?site=${xh.site}&state=open`)).alerts.some((a) => a.device === xh.device), procs);
    const feed = page.getByTestId('alert-feed');
    const bh_red = feed.locator(`[data-device="${bh.device}"][data-severity="red"]`);
    await publish_until(mqtt_port, bh.topic, leak, 'the 滨湖中学 red entry', async () => (await bh_red.count()) > 0, procs);
    assert.equal(await feed.locator('[data-device^="xh-"]').count(), 0, 'no 星火小学 alert in the feed');
    assert.doesNotMatch(await feed.textContent(), /星火小学/);
    assert.equal(await bh_red.first().getByTestId('action-ack').count(), 1, 'a duty leader may acknowledge');
    assert.equal(await bh_red.first().getByTestId('action-close').count(), 0, 'but not close');
    const bh_api = await api_client(base, users.bh_leader.name, users.bh_leader.password);
    const listed = (await bh_api.get('/api/alerts?state=open')).alerts;
    assert.ok(listed.length > 0 && listed.every((a) => a.site === bh.site), "the ledger API lists the user's school only");
    await page.screenshot({ path: join(dir, 'bh-leader-zh.png') });

    // 退出: the login screen, nothing of the district left in the page, the session gone.
    await page.getByTestId('logout').click();
    await screen.waitFor({ state: 'visible', timeout: patience_ms });
    assert.equal(await page.getByTestId('app').isHidden(), true);
    assert.equal(await page.locator('[data-testid^="tile-"]').count(), 0, 'the tiles are gone');
    assert.equal(await feed.locator('li').count(), 0, 'the feed is empty');
    assert.equal(await page.evaluate(async () => (await fetch('/api/me')).status), 401, 'the session ended');

    // 星火小学's viewer: the alert, and not one action button.
    await login(page, users.xh_viewer.name, users.xh_viewer.password);
    assert.equal(await page.getByTestId('user-role').textContent(), '查看人员');
    const xh_red = feed.locator(`[data-device="${xh.device}"][data-severity="red"]`);
    await xh_red.first().waitFor({ timeout: patience_ms });
    assert.equal(await page.locator('[data-testid^="tile-bh-"]').count(), 0, 'no 滨湖中学 tile');
    assert.equal(await feed.locator('[data-device^="bh-"]').count(), 0, 'no 滨湖中学 alert');
    assert.equal(await page.locator('button[data-testid^="action-"]').count(), 0, 'no action buttons');
    await page.getByTestId('ledger-open').click();
    const ledger = page.getByTestId('ledger-panel');
    await ledger.locator('[data-testid^="ledger-row-"]').first().waitFor({ timeout: patience_ms });
    assert.equal(await ledger.getByTestId('register-open').isHidden(), true, 'no 登记隐患 for a viewer');
    await ledger.locator('[data-testid^="ledger-row-"] button').first().click();
    await ledger.getByTestId('ledger-timeline').locator('li').first().waitFor({ timeout: patience_ms });
    assert.equal(await ledger.locator('button[data-testid^="action-"]').count(), 0, 'no actions in the detail');
    await page.screenshot({ path: join(dir, 'xh-viewer-zh.png') });
    await ledger.getByTestId('ledger-close').click();

    // The session ends under the page (its cookie gone): the next request brings the login screen.
    await browser.context.clearCookies();
    await page.getByTestId('ledger-open').click();
    await screen.waitFor({ state: 'visible', timeout: patience_ms });
    assert.equal(await error.textContent(), '登录已失效，请重新登录');
    assert.equal(await page.locator('[data-testid^="tile-"]').count(), 0);

    // Too many wrong passwords for one name: the page says how long to wait (Retry-After).
    await page.getByTestId('login-user').fill(users.limited.name);
    let limited = false;
    for (let i = 0; i < max_attempts && !limited; i++) {
      await page.getByTestId('login-password').fill(`wrong-${i}`);
      await page.getByTestId('login-submit').click();
      await page.locator('[data-testid="login-form"]:is([data-state="refused"], [data-state="rate_limited"])')
        .waitFor({ timeout: patience_ms });
      limited = (await page.getByTestId('login-form').getAttribute('data-state')) === 'rate_limited';
    }
    assert.ok(limited, `rate limited within ${max_attempts} wrong passwords`);
    assert.match(await error.textContent(), /^尝试次数过多，请 \d+ 秒后再试$/);
    await page.screenshot({ path: join(dir, 'rate-limited-zh.png') });
    console.log(`screenshots in ${dir}`);

    assert.deepEqual(page_errors, [], 'no uncaught errors in the page');
  } finally {
    if (browser) await browser.close().catch((e) => console.error('closing chromium:', e));
    for (const p of procs.reverse()) await p.stop();
  }
});
