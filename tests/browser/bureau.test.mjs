// End-to-end test of the bureau's views (docs/bureau.md): a data directory backfilled by the real
// campus-sim from the first day of last month (history and ledger), a real Mosquitto, the real
// campus-shield, and headless Chromium.
//  - The bureau signs in and lands on 区域总览 with every school; a click on a heading sorts
//    (the order changes, aria-sort says which way); a school drills into the live view of that
//    school alone (its tiles, its compliance points), and one click goes back.
//  - 达标率 shows the district rate GET /api/compliance gives.
//  - 安全月报表 opens on last month for the district; its alerts table (a row per device type,
//    named as the dashboard names it, with the colours and total, then the totals row), acknowledge
//    median and readings stored are GET /api/reports/monthly's, also for one school; 下载 CSV answers
//    text/csv; printed, only the report is shown (a screenshot in print media).
//  - A notice to 星火小学 reaches its duty leader (a second browser) live as a banner; 已读
//    removes it and the bureau's receipts show it read by that person; 滨湖中学's duty leader
//    (a third browser) sees no banner, live or after a reload.
//
//   CAMPUS_SHIELD=… CAMPUS_SIM=… CAMPUS_CONFIG=config/district.yaml node --test bureau.test.mjs
//
// The working directory (logs, screenshots) is kept and printed; screenshots are also copied to
// /tmp/bureau-*.png for a person to look at.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { translator } from '../../dashboards/i18n.js';
import { api_client, backfill, first_of_last_month, load_chromium, login, patience_ms, start_stack, until }
  from './support.mjs';

const zh = translator('zh');
const shield = process.env.CAMPUS_SHIELD;
const sim = process.env.CAMPUS_SIM;
const config = resolve(process.env.CAMPUS_CONFIG ?? new URL('../../config/district.yaml', import.meta.url).pathname);

const users = {
  bureau: { name: 'bureau-zhang', password: 'bureau-pass-1', role: 'bureau', display: '教育局张科' },
  xh_leader: { name: 'xh-leader', password: 'xh-leader-pass', role: 'duty_leader', sites: ['xh-primary'], display: '王磊' },
  bh_leader: { name: 'bh-leader', password: 'bh-leader-pass', role: 'duty_leader', sites: ['bh-middle'], display: '周敏' },
};

const skip = shield && sim ? false : 'CAMPUS_SHIELD and CAMPUS_SIM are not set: build the campus-shield and ' +
  'campus-sim targets and point them there (CTest does this) to run the browser bureau test';

// The rows of the overview, top to bottom.
const overview_order = (page) => page.locator('[data-testid="overview-rows"] tr').evaluateAll(
  (rows) => rows.map((r) => r.dataset.site));

// The state of a view once it has answered (not loading).
const view_ready = (page, testid) =>
  page.locator(`[data-testid="${testid}"][data-state="ready"]`).waitFor({ timeout: patience_ms });

async function shot(t, page, dir, name) {
  const path = join(dir, `bureau-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await copyFile(path, `/tmp/bureau-${name}.png`).catch(() => {});
  t.diagnostic(`screenshot: ${path}`);
}

test('the bureau: overview, drill-down, compliance, monthly report, notices with receipts', { skip, timeout: 420000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'campus-shield-bureau-'));
  t.diagnostic(`working directory: ${dir}`);
  const procs = [];
  const browsers = [];
  const page_errors = [];
  try {
    // Last month complete, this month so far: the whole district at a coarse step.
    const from = first_of_last_month();
    await backfill(sim, config, join(dir, 'data'), { from, step: '20m', seed: 11 });
    const { base } = await start_stack(dir, shield, config, procs, { users: Object.values(users) });
    const api = await api_client(base, users.bureau.name, users.bureau.password);
    const overview = await api.get('/api/overview');
    const sites = overview.schools.map((s) => s.site);
    assert.ok(sites.length >= 2, 'the sample district has schools');

    const { launch_chromium } = await load_chromium();
    const open_page = async () => {
      const b = await launch_chromium();
      browsers.push(b);
      const page = await b.context.newPage();
      page.on('pageerror', (e) => page_errors.push(e.message));
      await page.goto(`${base}/`);
      return page;
    };

    // The bureau lands on the district overview, one row per school.
    const page = await open_page();
    await login(page, users.bureau.name, users.bureau.password, { landing: true });
    await page.locator('body[data-view="overview"]').waitFor({ timeout: patience_ms });
    await view_ready(page, 'overview-view');
    assert.deepEqual((await overview_order(page)).sort(), [...sites].sort(), 'every school, once');
    assert.equal(await page.getByTestId('nav-overview').getAttribute('aria-current'), 'page');
    await shot(t, page, dir, 'overview');

    // Sorting: the worst school first by default; a click on 学校 sorts by name ascending, the
    // same heading again turns it round.
    assert.equal(await page.getByTestId('overview-view').getAttribute('data-sort'), 'priority');
    await page.getByTestId('overview-sort-school').click();
    await page.locator('[data-testid="overview-view"][data-sort="school"][data-dir="asc"]').waitFor({ timeout: patience_ms });
    const ascending = await overview_order(page);
    await page.getByTestId('overview-sort-school').click();
    await page.locator('[data-testid="overview-view"][data-dir="desc"]').waitFor({ timeout: patience_ms });
    const descending = await overview_order(page);
    assert.deepEqual(descending, [...ascending].reverse(), 'the order changes');
    assert.equal(await page.locator('th:has([data-testid="overview-sort-school"])').getAttribute('aria-sort'), 'descending');
    // A figure column: the open counts shown come in descending order.
    await page.getByTestId('overview-sort-open').click();
    await page.locator('[data-testid="overview-view"][data-sort="open"]').waitFor({ timeout: patience_ms });
    const open_counts = await page.locator('[data-testid="overview-rows"] td.ov-open').allTextContents();
    assert.deepEqual(open_counts.map(Number), open_counts.map(Number).sort((a, b) => b - a), 'open, most first');

    // Drill into 星火小学: its tiles only, its compliance points; back in one click.
    await page.getByTestId('overview-open-xh-primary').click();
    await page.locator('body[data-view="live"]').waitFor({ timeout: patience_ms });
    await page.getByTestId('drill-title').waitFor({ timeout: patience_ms });
    assert.match(await page.getByTestId('drill-title').textContent(), /星火小学/);
    await page.getByTestId('tile-xh-kitchen-gas-1').waitFor({ timeout: patience_ms });
    assert.equal(await page.getByTestId('school-bh-middle').isHidden(), true, 'no other school');
    assert.equal(await page.getByTestId('school-select').inputValue(), 'xh-primary');
    await page.getByTestId('points-xh-primary').waitFor({ timeout: patience_ms });
    assert.equal(await page.getByTestId('drill-report').getAttribute('href'), '#report/xh-primary');
    await shot(t, page, dir, 'drill');
    await page.getByTestId('drill-back').click();
    await page.locator('body[data-view="overview"]').waitFor({ timeout: patience_ms });

    // 达标率: the district rate as the API gives it.
    await page.getByTestId('nav-compliance').click();
    await view_ready(page, 'compliance-view');
    const compliance = await api.get('/api/compliance');
    const rate = page.getByTestId('compliance-district-rate');
    if (compliance.district.rate === null) {
      assert.equal(await rate.getAttribute('data-rate'), null);
    } else {
      assert.ok(Math.abs(Number(await rate.getAttribute('data-rate')) - compliance.district.rate / 100) < 1e-9,
        `district rate ${await rate.getAttribute('data-rate')} vs the API's ${compliance.district.rate}`);
      assert.equal(await rate.textContent(), `${Number(compliance.district.rate.toFixed(1))}%`);
    }
    assert.equal(await page.locator('[data-testid^="compliance-bar-"]').count(), compliance.schools.length);
    await shot(t, page, dir, 'compliance');

    // 安全月报表: last month, the district; key figures as the API's.
    await page.getByTestId('nav-report').click();
    const month = from.slice(0, 7);
    await view_ready(page, 'report-view');
    assert.equal(await page.getByTestId('report-month').inputValue(), month, 'last month by default');
    assert.equal(await page.getByTestId('report-site').inputValue(), '', 'the district by default');
    const check_figures = async (report, what) => {
      assert.equal(Number(await page.getByTestId('report-alerts-total').getAttribute('data-value')),
        report.alerts.by_severity.total, `${what}: alerts total`);
      // The cross table: every family's row as the API's, in its order, then the totals row.
      const table = page.getByTestId('report-alerts');
      const families = Object.keys(report.alerts.by_family);
      assert.ok(families.length > 0, `${what}: the backfill raised alerts last month`);
      assert.deepEqual(await table.locator('tbody tr[data-family]').evaluateAll((rows) => rows.map((r) => r.dataset.family)),
        families, `${what}: one row per family`);
      const values = (row) => row.locator('td').evaluateAll((tds) => tds.map((td) => Number(td.dataset.value)));
      const cells = (c) => ['blue', 'yellow', 'orange', 'red', 'total'].map((k) => c[k]);
      for (const family of families) {
        const row = table.locator(`tbody tr[data-family="${family}"]`);
        assert.equal(await row.locator('th').textContent(), zh.family(family), `${what}: ${family}'s name`);
        assert.deepEqual(await values(row), cells(report.alerts.by_family[family]), `${what}: ${family}`);
      }
      assert.deepEqual(await values(table.locator('tbody tr.report-total')), cells(report.alerts.by_severity),
        `${what}: the totals row`);
      const median = report.acknowledge.median_s;
      assert.equal(await page.getByTestId('report-ack-median').getAttribute('data-seconds'),
        median === null ? '' : String(median), `${what}: acknowledge median`);
      assert.equal(Number(await page.getByTestId('report-readings-stored').getAttribute('data-value')),
        report.readings_stored, `${what}: readings stored`);
    };
    const district_report = await api.get(`/api/reports/monthly?month=${month}`);
    assert.ok(district_report.readings_stored > 0, 'the backfill stored readings last month');
    await check_figures(district_report, 'district');
    assert.match(await page.getByTestId('report-signature').textContent(), /区教育局审阅签名/);
    assert.equal(await page.getByTestId('report-due').count(), 0, 'the district report owes nobody');
    await shot(t, page, dir, 'report');

    // One school's report.
    await page.getByTestId('report-site').selectOption('xh-primary');
    await until('the 星火小学 report', async () =>
      (await page.getByTestId('report-title').textContent()).includes('星火小学') &&
      (await page.getByTestId('report-view').getAttribute('data-state')) === 'ready', procs);
    await check_figures(await api.get(`/api/reports/monthly?month=${month}&site=xh-primary`), '星火小学');
    // A school's report: signed by its leadership, due at the bureau before the 5th.
    assert.match(await page.getByTestId('report-signature').textContent(), /学校领导审阅签名/);
    const [y, m] = month.split('-').map(Number);
    const due = m === 12 ? `${y + 1}-01-05` : `${y}-${String(m + 1).padStart(2, '0')}-05`;
    assert.match(await page.getByTestId('report-due').textContent(), new RegExp(`${due} 前报区教育局`));

    // 下载 CSV: the same query, answered as CSV (with the page's session cookie).
    const csv_href = await page.getByTestId('report-csv').getAttribute('href');
    assert.equal(csv_href, `/api/reports/monthly?month=${month}&site=xh-primary&format=csv`);
    const csv = await page.request.get(`${base}${csv_href}`);
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'], /^text\/csv/);

    // Printed: the report alone (no header, no tabs).
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').isVisible(), false, 'no header in print');
    assert.equal(await page.getByTestId('view-nav').isVisible(), false, 'no tabs in print');
    assert.equal(await page.getByTestId('report-doc').isVisible(), true, 'the report in print');
    await shot(t, page, dir, 'report-print');
    await page.emulateMedia({ media: 'screen' });

    // Notices: 星火小学's and 滨湖中学's duty leaders are signed in before the bureau sends one to
    // 星火小学 alone.
    const xh_page = await open_page();
    await login(xh_page, users.xh_leader.name, users.xh_leader.password);
    await xh_page.locator('[data-testid="conn-status"][data-state="open"]').waitFor({ timeout: patience_ms });
    assert.equal(await xh_page.getByTestId('nav-overview').count(), 0, 'no district view for a school');
    const bh_page = await open_page();
    await login(bh_page, users.bh_leader.name, users.bh_leader.password);
    await bh_page.locator('[data-testid="conn-status"][data-state="open"]').waitFor({ timeout: patience_ms });

    await page.getByTestId('nav-notices').click();
    await view_ready(page, 'notices-view');
    const title = '台风“海葵”预警：明日停课';
    await page.getByTestId('notice-title').fill(title);
    await page.getByTestId('notice-body').fill('请各校今晚18时前完成校舍巡查，加固门窗，检查排水。');
    await page.getByTestId('notice-kind').selectOption('weather');
    await page.getByTestId('notice-severity').selectOption('orange');
    await page.getByTestId('notice-site-xh-primary').check();
    await page.getByTestId('notice-send').click();
    await page.locator('[data-testid="notice-form"][data-state="sent"]').waitFor({ timeout: patience_ms });
    const sent = (await api.get('/api/notices')).notices.find((n) => n.title === title);
    assert.ok(sent, 'the notice is in GET /api/notices');
    assert.deepEqual(sent.sites, ['xh-primary']);
    const receipt = page.getByTestId(`receipt-${sent.id}-xh-primary`);
    await receipt.waitFor({ timeout: patience_ms });
    assert.equal(await receipt.getAttribute('data-read'), 'false');

    // 星火小学's duty leader sees it live, and marks it read.
    const banner = xh_page.getByTestId(`banner-notice-${sent.id}`);
    await banner.waitFor({ timeout: patience_ms });
    assert.match(await banner.textContent(), /台风/);
    await shot(t, xh_page, dir, 'banner');
    await xh_page.getByTestId(`banner-read-${sent.id}`).click();
    await banner.waitFor({ state: 'detached', timeout: patience_ms });
    assert.equal(await xh_page.getByTestId('notice-banner').isHidden(), true);

    // The bureau's receipt turns read by that person, live.
    await page.locator(`[data-testid="receipt-${sent.id}-xh-primary"][data-read="true"]`).waitFor({ timeout: patience_ms });
    assert.match(await receipt.textContent(), /王磊/);
    await shot(t, page, dir, 'notices');

    // 滨湖中学's duty leader: no banner, live or after a reload (its unread list answered).
    assert.equal(await bh_page.locator('[data-testid^="banner-notice-"]').count(), 0, 'no banner live');
    await bh_page.reload();
    await bh_page.locator('[data-testid="notice-banner"][data-loaded="true"]').waitFor({ state: 'attached', timeout: patience_ms });
    assert.equal(await bh_page.locator('[data-testid^="banner-notice-"]').count(), 0, 'no banner after a reload');

    assert.deepEqual(page_errors, [], 'no uncaught errors in the pages');
  } finally {
    for (const b of browsers) await b.close().catch((e) => console.error('closing chromium:', e));
    for (const p of procs.reverse()) await p.stop();
  }
});
