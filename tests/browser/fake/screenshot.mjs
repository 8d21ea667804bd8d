// Takes screenshots of a running dashboard in both languages, and of the first tile's history
// panel, to look at the page without a display:
//   node tests/browser/fake/screenshot.mjs http://127.0.0.1:8090/ /tmp/shots [width] [tile test id]
// Signs in first as the fake server allows (any name, password "demo"; SHOT_USER and
// SHOT_PASSWORD for a real server), after a screenshot of the login screen.
// Prints the page's console errors, which a screenshot does not show.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { full_height, launch_chromium } from '../chromium.mjs';

const url = process.argv[2] ?? 'http://127.0.0.1:8090/';
const out = process.argv[3] ?? '/tmp/campus-shots';
const width = Number(process.argv[4] ?? 1440);
const history_tile = process.argv[5];
await mkdir(out, { recursive: true });
const browser = await launch_chromium({ viewport: { width, height: 900 } });
try {
  const page = await browser.context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('console:', m.text()); });
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto(url);
  await page.getByTestId('login-screen').waitFor();
  await page.screenshot({ path: join(out, 'login-zh.png') });
  await page.getByTestId('login-user').fill(process.env.SHOT_USER ?? 'demo');
  await page.getByTestId('login-password').fill(process.env.SHOT_PASSWORD ?? 'demo');
  await page.getByTestId('login-submit').click();
  await page.locator('[data-testid^="tile-"]').first().waitFor();
  await page.waitForTimeout(1500);
  await full_height(page);
  await page.screenshot({ path: join(out, 'zh.png'), fullPage: true });
  await page.getByTestId('lang-toggle').click();
  await page.waitForTimeout(500);
  await full_height(page);
  await page.screenshot({ path: join(out, 'en.png'), fullPage: true });

  // The history panel of one tile (the first one unless named), in English then Chinese.
  await page.setViewportSize({ width, height: 900 });
  const tile = history_tile ? page.getByTestId(history_tile) : page.locator('[data-testid^="tile-"]').first();
  await tile.click();
  const panel = page.getByTestId('history-panel');
  await panel.locator('xpath=self::*[@data-state="ready" or @data-state="empty" or @data-state="error"]')
    .waitFor({ timeout: 10000 });
  await page.screenshot({ path: join(out, 'history-en.png') });
  await page.keyboard.press('Escape');
  await page.getByTestId('lang-toggle').click();
  await tile.click();
  await panel.locator('xpath=self::*[@data-state="ready" or @data-state="empty" or @data-state="error"]')
    .waitFor({ timeout: 10000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, 'history-zh.png') });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
}
