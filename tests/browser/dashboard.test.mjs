// End-to-end smoke test of the live dashboard: a real Mosquitto, the real campus-shield server
// and headless Chromium. A bureau user signs in (every school); telemetry goes in with
// mosquitto_pub; the page must show it without a reload, raise a red alert in the feed, and
// switch language; a reload keeps the session.
//
//   CAMPUS_SHIELD=/path/to/campus-shield CAMPUS_CONFIG=config/district.yaml node --test dashboard.test.mjs
//
// Optional: MOSQUITTO (default /usr/sbin/mosquitto), MOSQUITTO_PUB (default mosquitto_pub on
// PATH), CHROMIUM (default /usr/bin/chromium). The working directory (broker config, logs,
// screenshot) is printed and kept, so a failure can be read afterwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load_chromium, login, patience_ms, publish_until as publish_on, start_stack, until }
  from './support.mjs';

const shield = process.env.CAMPUS_SHIELD;
const config = resolve(process.env.CAMPUS_CONFIG ?? new URL('../../config/district.yaml', import.meta.url).pathname);

// From config/district.yaml: a gas detector in a canteen kitchen, with the gas-leak rule
// (yellow above 10 %LEL, red above 25 %LEL).
const site = 'xh-primary';
const zone = 'kitchen';
const device = 'xh-kitchen-gas-1';
const topic = `campus/${site}/${zone}/${device}/telemetry`;

// Sees every school (docs/security.md), created in users.db before the server starts.
const bureau = { name: 'zhangke', password: 'bureau-pass-1', role: 'bureau', display: '张科' };

const skip = shield ? false : 'CAMPUS_SHIELD is not set: build the campus-shield target and point ' +
  'CAMPUS_SHIELD at it (CTest does this) to run the browser smoke test';

const publish_until = (port, payload, what, shown, procs) =>
  publish_on(port, topic, payload, what, shown, procs);

test('the dashboard shows live telemetry, a red alert and both languages', { skip, timeout: 180000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'campus-shield-browser-'));
  t.diagnostic(`working directory: ${dir}`);
  const procs = [];
  let browser = null;
  const page_errors = [];
  try {
    const { base, mqtt_port } = await start_stack(dir, shield, config, procs, { users: [bureau] });

    const { full_height, launch_chromium } = await load_chromium();
    browser = await launch_chromium();
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => page_errors.push(e.message));
    await page.goto(`${base}/`);
    await login(page, bureau.name, bureau.password);
    assert.equal(await page.getByTestId('user-name').textContent(), '张科');
    assert.equal(await page.getByTestId('user-role').textContent(), '教育局');

    // The snapshot renders the district's tiles, and the socket says it is live.
    const tile = page.getByTestId(`tile-${device}`);
    await tile.waitFor({ timeout: patience_ms });
    await page.locator('[data-testid="conn-status"][data-state="open"]').waitFor({ timeout: patience_ms });
    assert.equal(await page.getByTestId(`zone-type-${site}-${zone}`).textContent(), '食堂后厨');
    assert.ok((await page.locator('[data-testid^="tile-"]').count()) > 1, 'more than one tile');
    await page.evaluate(() => { window.campus_no_reload = true; });

    // Telemetry in, the tile's value updates in place.
    const lel = page.getByTestId(`value-${device}-lel_pct`);
    await publish_until(mqtt_port, { lel_pct: 3.7, co_ppm: 4, valve: 'open', fault: false },
      'the tile to show lel_pct 3.7', async () => (await lel.textContent()).includes('3.7'), procs);
    assert.match(await lel.textContent(), /3\.7\s*%LEL/);
    // The message's other readings follow the one just seen, each its own WebSocket message.
    const valve = page.getByTestId(`value-${device}-valve`);
    await until('the tile to show the valve open', async () => (await valve.textContent()).trim() === '开', procs);
    assert.equal(await tile.getAttribute('data-status'), 'online');
    assert.equal(await page.evaluate(() => window.campus_no_reload), true, 'the page was not reloaded');

    // Above the red threshold (25 %LEL): a red entry in the feed, and the tile turns red.
    const red_entry = page.locator('[data-testid="alert-feed"] [data-testid^="alert-"][data-severity="red"]');
    await publish_until(mqtt_port, { lel_pct: 40, co_ppm: 4, valve: 'open', fault: false },
      'a red alert in the feed', async () => (await red_entry.count()) > 0, procs);
    const entry = red_entry.first();
    assert.equal(await entry.getAttribute('data-condition'), 'active');
    const entry_text = await entry.textContent();
    assert.match(entry_text, /红色/, 'the severity is named, not only coloured');
    assert.match(entry_text, /40/, 'the value that raised it');
    assert.match(entry_text, /活动中/);
    await page.locator(`[data-testid="tile-${device}"][data-severity="red"]`).waitFor({ timeout: patience_ms });

    // Screenshots in both languages, for a person to look at.
    const shots = [join(dir, 'dashboard-zh.png'), join(dir, 'dashboard-en.png')];
    await full_height(page);
    await page.screenshot({ path: shots[0], fullPage: true });

    // The language switch turns labels into English, and is remembered across a reload.
    await page.getByTestId('lang-toggle').click();
    const zone_type = page.getByTestId(`zone-type-${site}-${zone}`);
    await page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent === 'Canteen kitchen',
      `zone-type-${site}-${zone}`, { timeout: patience_ms });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.match(await red_entry.first().textContent(), /Red/);
    await page.screenshot({ path: shots[1], fullPage: true });
    for (const shot of shots) {
      t.diagnostic(`screenshot: ${shot}`);
      console.log(`screenshot: ${shot}`);
    }

    // The session lives in the cookie: a reload needs no new login.
    await page.reload();
    await tile.waitFor({ timeout: patience_ms });
    assert.equal(await page.getByTestId('login-screen').isHidden(), true);
    assert.equal(await zone_type.textContent(), 'Canteen kitchen');
    // The active alert comes back with the snapshot.
    await red_entry.first().waitFor({ timeout: patience_ms });

    assert.deepEqual(page_errors, [], 'no uncaught errors in the page');
  } finally {
    if (browser) await browser.close().catch((e) => console.error('closing chromium:', e));
    for (const p of procs.reverse()) await p.stop();
  }
});
