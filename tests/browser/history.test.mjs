// End-to-end test of the history chart: a real Mosquitto, the real campus-shield server with its
// SQLite history in a temporary data directory, and headless Chromium. Gas readings spread over
// the last hour go in with mosquitto_pub; clicking the tile must open a chart with those points,
// the red alert marked, a CSV export of the same query, and a clear message for an empty range.
//
//   (cd dashboards && npm ci && node vendor.mjs)
//   CAMPUS_SHIELD=/path/to/campus-shield CAMPUS_CONFIG=config/district.yaml node --test history.test.mjs
//
// Same environment as dashboard.test.mjs. The working directory (logs, screenshots) is kept.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api_client, load_chromium, login, patience_ms, publish, publish_until, start_stack, until }
  from './support.mjs';

const shield = process.env.CAMPUS_SHIELD;
const config = resolve(process.env.CAMPUS_CONFIG ?? new URL('../../config/district.yaml', import.meta.url).pathname);
const uplot = fileURLToPath(new URL('../../dashboards/vendor/uPlot.esm.js', import.meta.url));

// From config/district.yaml: the kitchen gas detector, red above 25 %LEL.
const site = 'xh-primary';
const zone = 'kitchen';
const device = 'xh-kitchen-gas-1';
const topic = `campus/${site}/${zone}/${device}/telemetry`;

// Readings in the past, one every 5 minutes: in the default 24 h view (5-minute buckets) each
// lands in a bucket of its own.
const past_readings = 12;

// Reading the history needs no more than a viewer of the school (docs/security.md).
const viewer = { name: 'xh-viewer', password: 'viewer-pass-1', role: 'viewer', sites: [site], display: '星火查看员' };

const skip = shield ? false : 'CAMPUS_SHIELD is not set: build the campus-shield target and point ' +
  'CAMPUS_SHIELD at it (CTest does this) to run the browser history test';

test('a tile opens its history chart, with the alert marked and a CSV export', { skip, timeout: 180000 }, async (t) => {
  await access(uplot).catch(() => assert.fail(
    `${uplot} is missing: run \`npm ci && node vendor.mjs\` in dashboards/ before this test`));

  const dir = await mkdtemp(join(tmpdir(), 'campus-shield-history-'));
  t.diagnostic(`working directory: ${dir}`);
  const procs = [];
  let browser = null;
  const page_errors = [];
  try {
    const { base, mqtt_port } = await start_stack(dir, shield, config, procs, { users: [viewer] });

    const { launch_chromium } = await load_chromium();
    browser = await launch_chromium();
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => page_errors.push(e.message));
    await page.goto(`${base}/`);
    await login(page, viewer.name, viewer.password);
    const tile = page.getByTestId(`tile-${device}`);
    await tile.waitFor({ timeout: patience_ms });

    // A live reading first: once the tile shows it, the server's subscription is in place and
    // what follows is not lost.
    const lel = page.getByTestId(`value-${device}-lel_pct`);
    await publish_until(mqtt_port, topic, { lel_pct: 3.7, co_ppm: 4, valve: 'open', fault: false },
      'the tile to show lel_pct 3.7', async () => (await lel.textContent()).includes('3.7'), procs);
    const now = Date.now();
    for (let i = past_readings; i >= 1; i--) {
      await publish(mqtt_port, topic, { lel_pct: 2 + (i % 5), co_ppm: 3, valve: 'open', fault: false,
                                        ts: now - i * 5 * 60 * 1000 });
    }
    // Then a leak now: a red alert, to be marked on the chart.
    await publish(mqtt_port, topic, { lel_pct: 40, co_ppm: 4, valve: 'open', fault: false });
    await page.locator(`[data-testid="tile-${device}"][data-severity="red"]`).waitFor({ timeout: patience_ms });

    // Click the tile: the panel opens on the last 24 hours. The store writes on its own thread,
    // so ask again (the 24 h button) until every reading is in.
    await tile.click();
    const panel = page.getByTestId('history-panel');
    await panel.waitFor({ state: 'visible', timeout: patience_ms });
    const points = async () => {
      await page.locator('[data-testid="history-panel"]:is([data-state="ready"], [data-state="empty"], [data-state="error"])')
        .waitFor({ timeout: patience_ms });
      assert.notEqual(await panel.getAttribute('data-state'), 'error',
        await page.getByTestId('history-message').textContent());
      return Number(await panel.getAttribute('data-points'));
    };
    await until(`at least ${past_readings} points on the chart`, async () => {
      if ((await points()) >= past_readings) return true;
      await page.getByTestId('history-range-24h').click();
      return false;
    }, procs);
    assert.equal(await panel.getAttribute('data-state'), 'ready');
    assert.ok(await page.locator('[data-testid="history-chart"] canvas').count() > 0, 'a chart canvas');
    assert.equal(await page.getByTestId('history-metric').inputValue(), 'lel_pct');
    assert.equal(await page.getByTestId('history-range-24h').getAttribute('aria-pressed'), 'true');
    assert.match(await page.getByTestId('history-note').textContent(), /Asia\/Shanghai/);
    // The red alert, in words beside its colour.
    const marked = page.locator('[data-testid="history-alerts"] [data-severity="red"]');
    await marked.first().waitFor({ timeout: patience_ms });
    assert.match(await marked.first().textContent(), /红色/);

    // The export link asks the server for the same query as CSV.
    const href = await page.getByTestId('history-export').getAttribute('href');
    assert.match(href, /format=csv/);
    // Without a session the export is refused; with the viewer's token it is the same query.
    assert.equal((await fetch(new URL(href, `${base}/`))).status, 401, 'no session, no history');
    const api = await api_client(base, viewer.name, viewer.password);
    const csv = await api.fetch(new URL(href, `${base}/`).pathname + new URL(href, `${base}/`).search);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-disposition'), new RegExp(`attachment; filename="${device}_lel_pct_`));
    const lines = (await csv.text()).trim().split(/\r?\n/);
    assert.equal(lines[0], 'time,min,mean,max,count');
    assert.ok(lines.length - 1 >= past_readings, `${lines.length - 1} CSV rows`);
    assert.match(lines[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,/);

    const shots = [join(dir, 'history-zh.png'), join(dir, 'history-en.png')];
    await page.screenshot({ path: shots[0] });

    // English labels; the chart is rebuilt with them.
    await page.getByTestId('history-close').click();
    await page.getByTestId('lang-toggle').click();
    await page.getByTestId(`history-open-${device}`).click();
    await until('the English chart', async () => (await points()) >= past_readings, procs);
    assert.match(await page.getByTestId('history-range-7d').textContent(), /7 d/);
    await page.screenshot({ path: shots[1] });
    for (const shot of shots) {
      t.diagnostic(`screenshot: ${shot}`);
      console.log(`screenshot: ${shot}`);
    }

    // A range with nothing in it says so instead of drawing an empty frame.
    await page.getByTestId('history-from').fill('2026-01-01T08:00');
    await page.getByTestId('history-to').fill('2026-01-01T09:00');
    await page.getByTestId('history-apply').click();
    await page.locator('[data-testid="history-panel"][data-state="empty"]').waitFor({ timeout: patience_ms });
    assert.equal(await page.getByTestId('history-message').textContent(), 'No data in this range');
    assert.equal(await page.locator('[data-testid="history-chart"]').isVisible(), false);
    assert.match(await page.getByTestId('history-export').getAttribute('href'), /from=1767225600000&to=1767229200000/);

    // Esc closes the panel and gives the focus back to the tile's button.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden', timeout: patience_ms });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), `history-open-${device}`);

    assert.deepEqual(page_errors, [], 'no uncaught errors in the page');
  } finally {
    if (browser) await browser.close().catch((e) => console.error('closing chromium:', e));
    for (const p of procs.reverse()) await p.stop();
  }
});
