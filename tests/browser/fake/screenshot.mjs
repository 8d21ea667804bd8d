// Takes screenshots of a running dashboard in both languages, to look at the page without a
// display:  node tests/browser/fake/screenshot.mjs http://127.0.0.1:8090/ /tmp/shots
// Prints the page's console errors, which a screenshot does not show.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { full_height, launch_chromium } from '../chromium.mjs';

const url = process.argv[2] ?? 'http://127.0.0.1:8090/';
const out = process.argv[3] ?? '/tmp/campus-shots';
const width = Number(process.argv[4] ?? 1440);
await mkdir(out, { recursive: true });
const browser = await launch_chromium({ viewport: { width, height: 900 } });
try {
  const page = await browser.context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('console:', m.text()); });
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto(url);
  await page.locator('[data-testid^="tile-"]').first().waitFor();
  await page.waitForTimeout(1500);
  await full_height(page);
  await page.screenshot({ path: join(out, 'zh.png'), fullPage: true });
  await page.getByTestId('lang-toggle').click();
  await page.waitForTimeout(500);
  await full_height(page);
  await page.screenshot({ path: join(out, 'en.png'), fullPage: true });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
}
