// Browser side of `cargo xtask bench`: opens each benchmark page in headless Chromium
// (Debian's, never a downloaded one) and prints one JSON line per result on stdout.
//
// Env: MLPAD_URL (the repo root served by xtask, e.g. http://127.0.0.1:PORT/), CHROMIUM.
// playwright-core comes from bench/node_modules (bench/package.json, for peers such as
// TensorFlow.js as devDependencies) or else from tests/e2e/node_modules.
//
// To add a peer: write bench/<peer>.html that sets window.benchResult to
// {workload, median, min, max, unit} (or window.benchError), and add it to PAGES.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const PAGES = [{ path: 'bench/index.html?repeats=5&steps=10', runtime: 'wasm' }];
const ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];
const TIMEOUT_MS = 10 * 60 * 1000;

const here = path.dirname(fileURLToPath(import.meta.url));

function loadPlaywright() {
  for (const dir of [here, path.join(here, '..', 'tests', 'e2e')]) {
    try {
      return createRequire(path.join(dir, 'package.json'))('playwright-core');
    } catch {
      // try the next place
    }
  }
  console.error('bench: playwright-core not found in bench/node_modules or tests/e2e/node_modules;'
    + ' run `cargo xtask tools` (it runs npm ci there)');
  process.exit(2);
}

const base = process.env.MLPAD_URL;
if (!base) {
  console.error('bench: set MLPAD_URL to the served repo root (cargo xtask bench does)');
  process.exit(2);
}
const { chromium } = loadPlaywright();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ARGS,
});
let failed = false;
try {
  const version = browser.version().split('.')[0];
  for (const p of PAGES) {
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.error(`bench [${p.path}] console: ${m.text()}`); });
    page.on('pageerror', (e) => console.error(`bench [${p.path}] page error: ${e.message}`));
    await page.goto(new URL(p.path, base).href);
    await page.waitForFunction(() => window.benchResult || window.benchError, null, { timeout: TIMEOUT_MS });
    const { result, error } = await page.evaluate(() => ({ result: window.benchResult, error: window.benchError }));
    if (error) {
      console.error(`bench [${p.path}]: ${error}`);
      failed = true;
    } else {
      console.log(JSON.stringify({ ...result, runtime: `${p.runtime} (Chromium ${version})` }));
    }
    await page.close();
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
