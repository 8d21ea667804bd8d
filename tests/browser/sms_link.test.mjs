// End-to-end test of the duty leader's SMS link (issue 14, "SMS links that work"): a real
// Mosquitto, the real campus-shield on a free loopback port with the sample district's `log` SMS
// gateway, and headless Chromium.
//  - A red gas reading is texted; the link in the text (read from the gateway's file,
//    <data_dir>/sms.log) names the server's own host and port — the address it serves, as the
//    sample sets no http.public_url — and every link texted does.
//  - Opened in a fresh browser (no session) at 390×844 and at 1440×900, the link shows the login
//    screen; after the login the page shows that alert's detail with 确认 inside the viewport,
//    without sideways scrolling. The bureau, who sees every school, lands there too.
//  - A duty leader of another school following the link gets the same "not found" message as
//    for a number that does not exist.
//
//   CAMPUS_SHIELD=/path/to/campus-shield CAMPUS_CONFIG=config/district.yaml node --test sms_link.test.mjs
//
// Same environment as dashboard.test.mjs. The working directory (logs, screenshots) is kept.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { api_client, load_chromium, login, patience_ms, publish_until, start_stack, until } from './support.mjs';

const shield = process.env.CAMPUS_SHIELD;
const config = resolve(process.env.CAMPUS_CONFIG ?? new URL('../../config/district.yaml', import.meta.url).pathname);

// From config/district.yaml: 星火小学's kitchen gas detector, red above 25 %LEL; red texts the
// duty leader, the safety director and the bureau's duty officer at once.
const site = 'xh-primary';
const device = 'xh-kitchen-gas-1';
const topic = `campus/${site}/kitchen/${device}/telemetry`;
const leak = { lel_pct: 40, co_ppm: 4, valve: 'open', fault: false };

const leader = { name: 'xh-leader', password: 'leader-pass-1', role: 'duty_leader', sites: [site], display: '王建国' };
const stranger = { name: 'bh-leader', password: 'bh-leader-pass', role: 'duty_leader', sites: ['bh-middle'],
                   display: '周敏' };
const bureau = { name: 'bureau', password: 'bureau-pass-1', role: 'bureau', display: '教育局张科' };

const skip = shield ? false : 'CAMPUS_SHIELD is not set: build the campus-shield target and point ' +
  'CAMPUS_SHIELD at it (CTest does this) to run the browser SMS link test';

// The log gateway's lines: "<UTC time>\t<id>\t<to>\t<text>" (server/notify/sms/log_sms_gateway.hpp).
async function texts(sms_log) {
  const content = await readFile(sms_log, 'utf8').catch(() => '');
  return content.split('\n').filter(Boolean).map((line) => {
    const [at, id, to, ...rest] = line.split('\t');
    return { at, id, to, text: rest.join('\t') };
  });
}

const links_in = (text) => text.match(/https?:\/\/[^\s]+/g) ?? [];

// Whether `locator`'s box lies inside the viewport and is what a tap at its centre reaches.
async function in_first_screen(page, locator) {
  const box = await locator.boundingBox();
  if (!box) return { inside: false, why: 'not rendered' };
  const size = await page.evaluate(() => ({ w: window.innerWidth, h: window.innerHeight }));
  const inside = box.x >= 0 && box.y >= 0 && box.x + box.width <= size.w && box.y + box.height <= size.h;
  const reached = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit === el || el.contains(hit);
  });
  return { inside: inside && reached, why: `box ${JSON.stringify(box)} in ${size.w}×${size.h}, tap reaches it: ${reached}` };
}

async function no_sideways_scroll(page) {
  return page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, width: window.innerWidth,
    ok: document.documentElement.scrollWidth <= window.innerWidth,
  }));
}

test('an SMS link opens the alert after the login, in the first screen of a phone and a desktop; another school gets not found', { skip, timeout: 280000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'campus-shield-sms-link-'));
  t.diagnostic(`working directory: ${dir}`);
  const procs = [];
  const browsers = [];
  const page_errors = [];
  try {
    const { base, mqtt_port } = await start_stack(dir, shield, config, procs, { users: [leader, stranger, bureau] });
    const sms_log = join(dir, 'data', 'sms.log');
    const as_leader = await api_client(base, leader.name, leader.password);

    // A red reading (published until the server's subscription has it): a red ledger entry.
    let entry = null;
    await publish_until(mqtt_port, topic, leak, 'a red ledger entry for the gas detector', async () => {
      const body = await as_leader.get(`/api/alerts?device=${device}&severity=red`);
      entry = body.alerts?.[0] ?? null;
      return entry !== null;
    }, procs);
    const display_id = entry.display_id;
    assert.match(display_id, /^A-\d{6}$/);

    // Its text, with the link: the server's own address and port, the alert's number.
    let sms = null;
    await until(`a text for ${display_id} in ${sms_log}`, async () => {
      sms = (await texts(sms_log)).find((m) => m.text.includes(`#alert=${display_id}`)) ?? null;
      return sms !== null;
    }, procs);
    t.diagnostic(`SMS to ${sms.to}: ${sms.text}`);
    const [link] = links_in(sms.text).filter((l) => l.includes('#alert='));
    assert.equal(link, `${base}/#alert=${display_id}`, 'the link opens the alert on the address served');
    assert.equal(new URL(link).host, new URL(base).host, "the link's host:port is the server's");
    assert.match(sms.text, /^【红色预警】/);
    for (const m of await texts(sms_log)) {
      for (const l of links_in(m.text)) assert.equal(new URL(l).host, new URL(base).host, `every link texted: ${m.text}`);
    }

    const { launch_chromium } = await load_chromium();
    const fresh_page = async (viewport) => {
      const browser = await launch_chromium({ viewport });
      browsers.push(browser);
      const page = await browser.context.newPage();
      page.on('pageerror', (e) => page_errors.push(e.message));
      return page;
    };
    const panel = (page) => page.getByTestId('ledger-panel');
    const detail_in = (page, state) => page.locator(`[data-testid="ledger-panel"][data-view="detail"][data-state="${state}"]`);

    // The duty leader on a phone and at a desk; the bureau at a desk (every school is theirs).
    for (const [who, viewport] of [[leader, { width: 390, height: 844 }], [leader, { width: 1440, height: 900 }],
                                   [bureau, { width: 1440, height: 900 }]]) {
      const size = `${viewport.width}x${viewport.height}`;
      const page = await fresh_page(viewport);
      await page.goto(link);
      // Not signed in: the login screen, and the link still in the address.
      await page.getByTestId('login-screen').waitFor({ state: 'visible', timeout: patience_ms });
      assert.equal(new URL(page.url()).hash, `#alert=${display_id}`);
      await login(page, who.name, who.password, { landing: true });

      const ledger = panel(page);
      await detail_in(page, 'ready').waitFor({ timeout: patience_ms });
      assert.equal(await ledger.evaluate((d) => d.open), true, `${who.name} ${size}: the detail dialog is open`);
      assert.equal((await ledger.getByTestId('detail-display-id').textContent()).trim(), display_id);
      const ack = ledger.getByTestId('ledger-detail').getByTestId('action-ack');
      await ack.waitFor({ state: 'visible', timeout: patience_ms });
      assert.equal((await ack.textContent()).trim(), '确认');
      assert.equal(await ack.isEnabled(), true, 'a new entry may be acknowledged');
      const first = await in_first_screen(page, ack);
      await page.screenshot({ path: join(dir, `link-${who.name}-${size}.png`) });
      assert.ok(first.inside, `${who.name} ${size}: 确认 in the first screen (${first.why})`);
      const sideways = await no_sideways_scroll(page);
      assert.ok(sideways.ok, `${who.name} ${size}: no sideways scrolling (scrollWidth ${sideways.scroll} > ${sideways.width})`);

      // Closed, the link leaves the address: the same link followed again is a change.
      await ledger.getByTestId('ledger-close').click();
      await ledger.waitFor({ state: 'hidden', timeout: patience_ms });
      assert.equal(new URL(page.url()).hash, '', 'the link is gone from the address once closed');
      await page.evaluate((l) => { window.location.href = l; }, link);
      await detail_in(page, 'ready').waitFor({ timeout: patience_ms });
      assert.equal((await ledger.getByTestId('detail-display-id').textContent()).trim(), display_id);
    }

    // Another school's duty leader: the same words as for a number nobody has.
    const page = await fresh_page({ width: 390, height: 844 });
    await page.goto(link);
    await login(page, stranger.name, stranger.password, { landing: true });
    const ledger = panel(page);
    await detail_in(page, 'missing').waitFor({ timeout: patience_ms });
    const hidden_text = (await ledger.getByTestId('detail-not-found').textContent()).trim();
    assert.equal(hidden_text, `找不到 ${display_id}：该编号不存在，或不属于您可查看的学校。`);
    assert.equal(await ledger.getByTestId('detail-display-id').count(), 0, 'nothing of the entry');
    assert.equal(await ledger.getByTestId('ledger-detail').getByTestId('action-ack').isVisible(), false, 'no action');
    assert.equal(await ledger.getByTestId('ledger-timeline').locator('li').count(), 0, 'no timeline');
    assert.ok(!(await ledger.textContent()).includes('燃气'), 'not even what it was about');
    const sideways = await no_sideways_scroll(page);
    assert.ok(sideways.ok, `not found at 390: no sideways scrolling (${sideways.scroll} > ${sideways.width})`);
    await page.screenshot({ path: join(dir, 'link-other-school-390x844.png') });

    const nobody = 'A-999999';
    await page.evaluate((l) => { window.location.hash = l; }, `#alert=${nobody}`);
    await until(`the not-found message for ${nobody}`, async () =>
      (await ledger.getByTestId('detail-not-found').textContent().catch(() => '')).includes(nobody));
    assert.equal(await ledger.getAttribute('data-state'), 'missing');
    const missing_text = (await ledger.getByTestId('detail-not-found').textContent()).trim();
    assert.equal(missing_text.replace(nobody, '#'), hidden_text.replace(display_id, '#'),
      'another school\'s alert and a missing one read the same');

    assert.deepEqual(page_errors, [], 'no script errors');
  } finally {
    for (const b of browsers) await b.close().catch((e) => console.error('closing chromium:', e));
    for (const p of procs.reverse()) await p.stop();
  }
});
