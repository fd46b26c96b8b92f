// Shared set-up for the browser tests: one headless Chromium (never downloaded, see
// CHROMIUM), pages that fail the test on any console error, page error or request to a
// host other than 127.0.0.1, and a spy on the page's worker messages.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BASE = (process.env.MLPAD_URL || 'http://127.0.0.1:8765/').replace(/\/?$/, '/');
export const CLI = process.env.MLPAD_CLI || path.join(ROOT, 'target/release/mlpad');
export const SCREENSHOTS = process.env.MLPAD_SCREENSHOTS || path.join(ROOT, 'target/screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

// Runs in the page before its scripts: records every message the page's workers post
// (type and small fields; pixel buffers are left out) and every value the progress bar takes.
function instrument() {
  const log = (window.__mlpad = { messages: [], progress: [] });
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const m = e.data || {};
        const keep = { type: m.type, at: performance.now() };
        for (const k of ['loaded', 'total', 'images_per_second', 'seconds_left', 'weights_sha256', 'message', 'probs']) {
          if (k in m) keep[k] = m[k];
        }
        if (m.snapshot) {
          const s = m.snapshot;
          keep.snapshot = { ...s, losses: s.losses.length, accuracies: s.accuracies.length };
        }
        if (m.items) keep.items = m.items.length;
        log.messages.push(keep);
      });
    }
  };
  const watch = () => {
    const bar = document.getElementById('progress');
    if (!bar) return false;
    const record = () => log.progress.push({ value: bar.value, max: bar.max, at: performance.now() });
    new MutationObserver(record).observe(bar, { attributes: true });
    record();
    return true;
  };
  document.addEventListener('DOMContentLoaded', () => {
    if (!watch()) new MutationObserver((_, obs) => watch() && obs.disconnect()).observe(document, { childList: true, subtree: true });
  });
}

/** A fresh context and page; `problems` collects what makes the test fail. */
export async function openPage(browser, { viewport = { width: 1280, height: 900 }, deviceScaleFactor = 1, allowHosts = [] } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor });
  const problems = [];
  // Watch requests instead of intercepting them: routing every request (workers' data
  // fetches included) through the test process intermittently stalled page loads and
  // worker fetches; a request to another host is still reported, and fails the test.
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (/^(https?|wss?):$/.test(url.protocol) && url.hostname !== '127.0.0.1' && !allowHosts.includes(url.hostname)) {
      problems.push(`request to another host: ${url.href}`);
    }
  });
  await context.addInitScript(instrument);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && problems.push(`worker console error: ${m.text()}`)));
  page.on('crash', () => problems.push('the page crashed'));
  return { context, page, problems };
}

export function assertNoProblems(problems) {
  assert.deepEqual(problems, [], `the page reported problems:\n${problems.join('\n')}`);
}

/** Opens the page at `hash` (and `query`) and waits until the controls are drawn. */
export async function gotoLab(page, hash, query = '') {
  await page.goto(`${BASE}${query}${hash}`);
  await page.waitForFunction(() => document.querySelector('[name="seed"]') && document.querySelector('[name="train_size"]'), null, {
    timeout: 20_000,
  });
}

/** The shown value of the control for schema key `key`. */
export function controlValue(page, key) {
  return page.$eval(`[name="${key}"]`, (el) => el.value);
}

/** Messages the page's worker posted so far (see `instrument`). */
export function messages(page, type) {
  return page.evaluate((t) => window.__mlpad.messages.filter((m) => !t || m.type === t), type);
}

export function progressLog(page) {
  return page.evaluate(() => window.__mlpad.progress);
}

export const HEX64 = /^[0-9a-f]{64}$/;

/** Waits until the page shows the run's weights hash, and returns it. */
export async function waitForDone(page, timeout = 120_000) {
  await page.waitForFunction(
    (re) => new RegExp(re).test((document.getElementById('weights-sha256')?.textContent || '').trim()),
    HEX64.source,
    { timeout, polling: 250 },
  );
  return (await page.textContent('#weights-sha256')).trim();
}

/** Pixels of a canvas that differ from its top-left pixel (axes, text and lines). */
export function inkPixels(page, selector) {
  return page.$eval(selector, (c) => {
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const [r0, g0, b0, a0] = data;
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      const d = Math.abs(data[i] - r0) + Math.abs(data[i + 1] - g0) + Math.abs(data[i + 2] - b0) + Math.abs(data[i + 3] - a0);
      if (d > 40) ink++;
    }
    return ink;
  });
}

/** Draws a polyline (points as fractions of the element's box) with the mouse. */
export async function drawStroke(page, selector, points) {
  const box = await page.locator(selector).boundingBox();
  const at = ([fx, fy]) => [box.x + fx * box.width, box.y + fy * box.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

/** The core's schema, read from the wasm build in Node (tests never copy defaults). */
export async function coreSchema() {
  const mlpad = await import(path.join(ROOT, 'pkg/mlpad.js'));
  await mlpad.default({ module_or_path: fs.readFileSync(path.join(ROOT, 'pkg/mlpad_bg.wasm')) });
  return mlpad.labs_schema();
}

export function ensureDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
