// Copies the dashboard's third-party files from node_modules/ into vendor/, where the page loads
// them from (the server serves this folder as it is: no bundler, no CDN).
//
//   cd dashboards && npm ci && node vendor.mjs
//
// Fails with a message when `npm ci` has not been run.

import { copyFile, mkdir, access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'vendor');

// [from node_modules/, to vendor/]
const files = [
  ['uplot/dist/uPlot.esm.js', 'uPlot.esm.js'],
  ['uplot/dist/uPlot.min.css', 'uPlot.min.css'],
  ['uplot/LICENSE', 'uPlot.LICENSE'],
];

await mkdir(out, { recursive: true });
for (const [from, to] of files) {
  const source = join(here, 'node_modules', from);
  try {
    await access(source);
  } catch {
    console.error(`vendor.mjs: ${source} is missing; run \`npm ci\` in dashboards/ first`);
    process.exit(1);
  }
  await copyFile(source, join(out, to));
  console.log(`vendor/${to} ← node_modules/${from}`);
}
