// Launching Debian's Chromium through playwright-core: no browser download, a fresh profile in
// a temporary directory, and nothing that phones home.

import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const chromium_path = () => process.env.CHROMIUM || '/usr/bin/chromium';

const args = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Returns {context, close}: a persistent context on a fresh user-data-dir; close() ends the
// browser and removes the profile.
export async function launch_chromium({ viewport = { width: 1440, height: 900 } } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'campus-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromium_path(),
    headless: true,
    args,
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        await rm(profile, { recursive: true, force: true });
      }
    },
  };
}

// Grows the viewport to the whole page before a screenshot: zones use content-visibility: auto,
// so parts outside the viewport are not painted, even in a full-page screenshot.
export async function full_height(page) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const { width } = page.viewportSize();
  await page.setViewportSize({ width, height: Math.min(height, 16000) });
}
