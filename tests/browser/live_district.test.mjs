// End-to-end test of the live view at district scale (docs/alerts.md, "/ws" watch): campus-sim
// generates a district of 10,000 devices (770 schools), a real Mosquitto and campus-shield serve
// it, and headless Chromium signs in as the bureau.
//  - 实时监测 without a school chosen is the list of school cards, the school with a red alert
//    first, the calm ones by name in natural order (压测学校2 before 压测学校10); no tile is
//    drawn and the page stays small (counted DOM nodes).
//  - The search finds one school; its card opens the school (#live/SITE): its tiles only, live
//    (a reading published for it changes its tile); 返回 to the list again.
//  - "only schools with problems" keeps the red school.
//  - At a phone's width (390 × 844) neither view scrolls sideways.
//  - Chinese first, no raw key on the screen; English mode is English.
//
//   CAMPUS_SHIELD=… CAMPUS_SIM=… node --test live_district.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { translator } from '../../dashboards/i18n.js';
import { api_client, load_chromium, login, patience_ms, publish_until, start_stack, until }
  from './support.mjs';

const run_file = promisify(execFile);
const zh = translator('zh');
const en = translator('en');
const shield = process.env.CAMPUS_SHIELD;
const sim = process.env.CAMPUS_SIM;

const bureau = { name: 'bureau-li', password: 'bureau-pass-1', role: 'bureau', display: '教育局李科' };

const skip = shield && sim ? false : 'CAMPUS_SHIELD and CAMPUS_SIM are not set: build the campus-shield and ' +
  'campus-sim targets and point them there (CTest does this) to run the district-scale browser test';

// Every element of the page: what a browser lays out and restyles.
const dom_nodes = (page) => page.evaluate(() => document.getElementsByTagName('*').length);
const tiles = (page) => page.locator('article.tile').count();
const cards = (page) => page.locator('[data-testid="cards-list"] .school-card');
const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function shot(t, page, dir, name) {
  const path = join(dir, `live-district-${name}.png`);
  await page.screenshot({ path });
  await copyFile(path, `/tmp/live-district-${name}.png`).catch(() => {});
  t.diagnostic(`screenshot: ${path}`);
}

test('the bureau live view at district scale: school cards, search, one school\'s tiles', { skip, timeout: 600000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'campus-shield-live-district-'));
  t.diagnostic(`working directory: ${dir}`);
  const config = join(dir, 'district.yaml');
  await run_file(sim, ['--generate-district', config, '--devices', '10000'], { maxBuffer: 16 << 20 });
  const procs = [];
  let browser = null;
  const page_errors = [];
  try {
    const { base, mqtt_port } = await start_stack(dir, shield, config, procs, { users: [bureau] });
    const api = await api_client(base, bureau.name, bureau.password);
    const { sites } = await api.get('/api/sites');
    assert.ok(sites.length >= 700, `${sites.length} schools`);
    const device_of = async (site, family) => {
      const { devices } = await api.get(`/api/devices?site=${encodeURIComponent(site.id)}`);
      const d = devices.find((x) => x.family === family);
      return { ...d, count: devices.length, topic: `campus/${site.id}/${d.zone}/${d.id}/telemetry` };
    };
    // A red gas alert at one school far down the list: its card must come first.
    const red_school = sites[437];
    const red_gas = await device_of(red_school, 'gas_detector');
    await publish_until(mqtt_port, red_gas.topic, { lel_pct: 40 }, `a red summary of ${red_school.id}`, async () => {
      const overview = await api.fetch('/api/alerts?state=open&site=' + red_school.id);
      return overview.ok && (await overview.json()).total >= 1;
    }, procs);

    const { launch_chromium } = await load_chromium();
    browser = await launch_chromium();
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => page_errors.push(e.message));
    await page.goto(base);
    await login(page, bureau.name, bureau.password);

    // The list of schools, not 10,000 tiles.
    await page.locator('body[data-live-mode="schools"]').waitFor({ timeout: patience_ms });
    await page.locator(`[data-testid="card-${red_school.id}"][data-worst="red"]`)
      .waitFor({ timeout: patience_ms });
    const first = await cards(page).first().getAttribute('data-site');
    assert.equal(first, red_school.id, 'the red school first');
    const shown = await cards(page).count();
    assert.ok(shown > 0 && shown <= 60, `${shown} cards in the page`);
    assert.equal(await tiles(page), 0, 'no tile before a school is opened');
    const list_nodes = await dom_nodes(page);
    assert.ok(list_nodes < 5000, `${list_nodes} DOM nodes on the school list`);
    const count_text = await page.getByTestId('cards-count').textContent();
    assert.ok(count_text.includes(String(sites.length)), count_text);

    // Calm schools by name in natural order.
    const names = await cards(page).locator('.sc-name').allTextContents();
    const calm = names.slice(1, 12);
    const collator = new Intl.Collator('zh-CN', { numeric: true });
    assert.deepEqual(calm, [...calm].sort(collator.compare), 'names in natural order');
    assert.ok(calm.indexOf('压测学校2') < calm.indexOf('压测学校10') || !calm.includes('压测学校10'),
      `natural order: ${calm.join(', ')}`);

    // Chinese: the page's own words, no key and no English on the list's controls and cards.
    const list_text = await page.getByTestId('cards').innerText();
    assert.doesNotMatch(list_text, /\bsc_|undefined|null|NaN/);
    assert.doesNotMatch(list_text.replace(/Bench school \d+/g, ''), /\b(Online|offline|Open|overdue|Show)\b/);
    assert.ok(list_text.includes(zh.t('sc_problems_only')));
    await shot(t, page, dir, 'list');

    // Only schools with problems: the red one stays.
    await page.getByTestId('cards-problems-only').check();
    await until('the problem filter', async () =>
      (await cards(page).first().getAttribute('data-site')) === red_school.id &&
      (await page.getByTestId('cards').getAttribute('data-matched')) !== String(sites.length), procs);
    await page.getByTestId('cards-problems-only').uncheck();

    // Search one school by name; its card opens it.
    const target = sites[123];
    const gas = await device_of(target, 'gas_detector');
    await page.getByTestId('cards-search').fill(target.name);
    await until(`the card of ${target.name}`, async () =>
      (await page.getByTestId('cards').getAttribute('data-matched')) === '1', procs);
    await page.getByTestId(`card-${target.id}`).click();
    await page.waitForURL(new RegExp(`#live/${target.id}$`), { timeout: patience_ms });
    await page.locator('body[data-live-mode="tiles"]').waitFor({ timeout: patience_ms });
    await page.getByTestId(`tile-${gas.id}`).waitFor({ timeout: patience_ms });
    assert.equal(await tiles(page), gas.count, 'the school\'s tiles only');
    const school_nodes = await dom_nodes(page);
    assert.ok(school_nodes < 5000, `${school_nodes} DOM nodes on one school`);

    // Its readings come (the page watches it).
    await publish_until(mqtt_port, gas.topic, { lel_pct: 7.5 }, 'the watched school\'s reading on its tile',
      async () => (await page.getByTestId(`tile-${gas.id}`).innerText()).includes('7.5'), procs);
    await shot(t, page, dir, 'school');

    // A phone: neither view scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok((await sideways(page)) <= 0, 'the school at 390 px scrolls sideways');
    await shot(t, page, dir, 'school-phone');
    await page.getByTestId('drill-back').click();
    await page.getByTestId('nav-live').click();
    await page.locator('body[data-live-mode="schools"]').waitFor({ timeout: patience_ms });
    assert.equal(await tiles(page), 0, 'back on the list: no tile');
    assert.ok((await sideways(page)) <= 0, 'the school list at 390 px scrolls sideways');
    await shot(t, page, dir, 'list-phone');

    // English mode is English (school names are the configuration's English names).
    await page.getByTestId('lang-toggle').click();
    await until('English', async () =>
      !/[\u4e00-\u9fff]/.test(await page.getByTestId('cards-count').textContent()), procs);
    assert.ok((await page.getByTestId('cards').innerText()).includes(en.t('sc_problems_only')));
    const en_text = await page.getByTestId('cards').innerText();
    assert.doesNotMatch(en_text, /[\u4e00-\u9fff]/, 'no Chinese in English mode');
    assert.doesNotMatch(en_text, /\bsc_|undefined|NaN/);
    await page.setViewportSize({ width: 1440, height: 900 });

    assert.deepEqual(page_errors, []);
    // The bureau page was never closed as too slow.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /campus_ws_slow_clients_closed_total 0\b/);
  } finally {
    await browser?.close();
    for (const p of procs.reverse()) await p.stop();
  }
});
