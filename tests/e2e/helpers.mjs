// Shared set-up for the browser tests: one headless Chromium (never downloaded, see
// CHROMIUM), pages that fail the test on any console error, page error or request to a
// host other than 127.0.0.1, a spy on the messages between the page and its workers, and
// the native CLI's answer for a link (the page must agree with it).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
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

/**
 * A copy of a summary's `report` small enough to record and compare: numbers, strings and
 * short arrays as they are, longer arrays as `{length, first, last}` (a KNN evaluation's
 * curves, a CNN's thousands of thresholds). The page's and the CLI's reports go through
 * the same function, so equal results give equal copies.
 */
export function slim(v) {
  if (Array.isArray(v)) {
    if (v.length <= 24) return v.map(slim);
    return { length: v.length, first: slim(v[0]), last: slim(v[v.length - 1]) };
  }
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = slim(x);
    return out;
  }
  return v;
}

// Runs in the page before its scripts (with `slim` above): records every message the
// page's workers post and the page sends them (small fields only; pixels and long arrays
// are left out), every value the progress bar takes and every text of #progress-label.
function instrument(slimReport) {
  const log = (window.__mlpad = { messages: [], sent: [], progress: [], labels: [] });
  const Native = window.Worker;
  let workers = 0;
  const record = (m, worker) => {
    const keep = { type: m.type, at: performance.now(), worker };
    for (const k of ['run', 'job', 'message', 'lab', 'canonical', 'errors', 'notes', 'inactive', 'same_run', 'same_run_of', 'from', 'link', 'ms', 'phase_ms']) {
      if (k in m) keep[k] = m[k];
    }
    if (m.variants) keep.variants = m.variants.map((v) => v.link ?? v);
    if (m.info) keep.info = { classes: m.info.classes?.length, param_count: m.info.param_count, layers: m.info.layers?.length };
    if (m.probs) keep.probs = Array.from(m.probs);
    if (m.picture) keep.picture = { key: m.picture.key, width: m.picture.width, height: m.picture.height };
    if (m.report) keep.report = slimReport(m.report);
    if (m.progress) {
      const p = m.progress;
      const s = p.payload || {};
      keep.progress = {
        phase: p.phase, step: p.step, total: p.total, fraction: p.fraction, samples: p.samples, done: p.done,
        stopped: p.stopped ? { reason: p.stopped.reason, message: p.stopped.message } : null,
        pictures: (p.pictures || []).map((x) => x.key),
      };
      if (p.phase === 'load_data') keep.progress.payload = { name: s.name, decoding: s.decoding };
      else if (p.payload) {
        keep.progress.payload = {
          epoch: s.epoch, epochs: s.epochs, losses: s.losses?.length, first_loss: s.losses?.[0],
          epoch_end: s.epoch_end ? slimReport(s.epoch_end) : s.epoch_end,
          grad_norms: s.grad_norms?.map((step) => Array.from(step)), gallery: s.gallery?.length,
          grid: s.grid, quality: s.quality, log: s.log?.length,
        };
      }
    }
    if (m.summary) {
      const s = m.summary;
      keep.summary = {
        lab: s.lab, link: s.link, status: s.status, stopped: s.stopped ?? null, metrics: s.metrics,
        weights_sha256: s.weights_sha256, param_count: s.param_count, report: slimReport(s.report),
      };
    }
    log.messages.push(keep);
  };
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      const worker = workers++;
      this.addEventListener('message', (e) => record(e.data || {}, worker));
      this.__index = worker;
    }

    postMessage(msg, transfer) {
      const keep = { type: msg?.type, at: performance.now(), worker: this.__index };
      for (const k of ['run', 'job', 'link', 'hash', 'from', 'draw']) if (msg && k in msg) keep[k] = msg[k];
      log.sent.push(keep);
      return super.postMessage(msg, transfer);
    }
  };
  const watch = () => {
    const bar = document.getElementById('progress');
    const label = document.getElementById('progress-label');
    if (!bar || !label) return false;
    const onBar = () => log.progress.push({ value: bar.value, max: bar.max, at: performance.now() });
    new MutationObserver(onBar).observe(bar, { attributes: true });
    onBar();
    const onLabel = () => {
      const text = label.textContent;
      if (log.labels.at(-1)?.text !== text) log.labels.push({ text, at: performance.now() });
    };
    new MutationObserver(onLabel).observe(label, { childList: true, characterData: true, subtree: true });
    onLabel();
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
  await context.addInitScript({ content: `(${instrument})(${slim});` });
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

/**
 * Waits until the page shows the lab of the core's latest answer for its link: that lab
 * is the current one in the navigation, its controls and cards are drawn, and the address
 * bar holds the canonical link. Returns that answer (the `parsed` message).
 */
export async function waitForLab(page, timeout = 20_000) {
  await page.waitForFunction(() => {
    const parsed = window.__mlpad.messages.filter((m) => m.type === 'parsed').at(-1);
    if (!parsed) return false;
    const current = document.querySelector('#labs a[aria-current="page"]');
    return current?.getAttribute('href') === `#lab=${parsed.lab}`
      && document.querySelector('#controls [name]')
      && document.getElementById('run')
      && document.querySelector('#results > .card')
      && location.hash === `#${parsed.canonical}`;
  }, null, { timeout });
  return page.evaluate(() => window.__mlpad.messages.filter((m) => m.type === 'parsed').at(-1));
}

/** Opens the page at `hash` (and `query`) and waits until its lab is drawn (see `waitForLab`). */
export async function gotoLab(page, hash, query = '') {
  await page.goto(`${BASE}${query}${hash}`);
  return waitForLab(page);
}

/** The shown value of the control for schema key `key`. */
export function controlValue(page, key) {
  return page.$eval(`[name="${key}"]`, (el) => el.value);
}

/**
 * Types `value` into the control for `key` and leaves it with Tab, as a reader does (the
 * control's change event sends the link to the core); waits for the core's answer and
 * returns it (the `parsed` message).
 */
export async function setControl(page, key, value) {
  const before = await page.evaluate(() => window.__mlpad.messages.filter((m) => m.type === 'parsed').length);
  const control = page.locator(`[name="${key}"]`);
  if (await control.evaluate((el) => el.tagName === 'SELECT')) await control.selectOption(String(value));
  else {
    await control.fill(String(value));
    await control.press('Tab');
  }
  await page.waitForFunction((n) => window.__mlpad.messages.filter((m) => m.type === 'parsed').length > n, before);
  return page.evaluate(() => window.__mlpad.messages.filter((m) => m.type === 'parsed').at(-1));
}

/** Messages the page's workers posted so far (see `instrument`), of one type or all. */
export function messages(page, type) {
  return page.evaluate((t) => window.__mlpad.messages.filter((m) => !t || m.type === t), type);
}

/** Messages the page sent to its workers so far, of one type or all. */
export function sent(page, type) {
  return page.evaluate((t) => window.__mlpad.sent.filter((m) => !t || m.type === t), type);
}

/** The `summary` messages so far. */
export function summaries(page) {
  return messages(page, 'summary');
}

/** Progress envelopes (with run and job) so far, optionally of one run. */
export async function progresses(page, run) {
  return (await messages(page, 'progress')).filter((m) => run === undefined || m.run === run);
}

export function progressLog(page) {
  return page.evaluate(() => window.__mlpad.progress);
}

/** Every text #progress-label showed, in order. */
export function labelLog(page) {
  return page.evaluate(() => window.__mlpad.labels.map((l) => l.text));
}

/** The id of the page's latest run (of its latest `start` message), or null. */
export function latestRun(page) {
  return page.evaluate(() => window.__mlpad.sent.filter((m) => m.type === 'start').at(-1)?.run ?? null);
}

export const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Waits until the page's latest run has a summary from each of its `jobs` jobs (one, or one
 * per variant of a compare lab) and returns those summary messages, by job.
 */
export async function waitForDone(page, { jobs = 1, timeout = 120_000 } = {}) {
  await page.waitForFunction((n) => {
    const run = window.__mlpad.sent.filter((m) => m.type === 'start').at(-1)?.run;
    if (run === undefined) return false;
    const done = new Set(window.__mlpad.messages.filter((m) => m.type === 'summary' && m.run === run).map((m) => m.job));
    return done.size >= n;
  }, jobs, { timeout, polling: 100 });
  const run = await latestRun(page);
  return (await summaries(page)).filter((m) => m.run === run).sort((a, b) => a.job - b.job);
}

/** Waits for the first progress message of the latest run with `phase` (any phase but load_data by default). */
export async function waitForProgress(page, { phase = null, count = 1, timeout = 60_000 } = {}) {
  await page.waitForFunction(({ phase: ph, count: n }) => {
    const run = window.__mlpad.sent.filter((m) => m.type === 'start').at(-1)?.run;
    const mine = window.__mlpad.messages.filter((m) => m.type === 'progress' && m.run === run
      && (ph ? m.progress.phase === ph : m.progress.phase !== 'load_data'));
    return mine.length >= n;
  }, { phase, count }, { timeout, polling: 50 });
}

/** A structured copy as JSON would carry it (NaN and infinities become null). */
export const jsonish = (v) => JSON.parse(JSON.stringify(v));

/** `mlpad run '<link>'`: exit status, every JSON line, and the summary line. */
export function cliRun(link) {
  const out = spawnSync(CLI, ['run', link], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(out.status === 0 || out.status === 1, `mlpad run ${link}: exit ${out.status}\n${out.stderr}`);
  const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const summary = lines.at(-1);
  assert.equal(summary.type, 'summary', `mlpad run ${link}: the last line is not a summary`);
  return { status: out.status, lines, summary };
}

/** The CLI's summary line for `link`. */
export const cliSummary = (link) => cliRun(link).summary;

/**
 * The page's summary (as recorded by `instrument`) equals the CLI's for the same link:
 * lab, canonical link, status (and why it stopped), every metric, weights, parameter count and every number
 * of the report (through `slim`).
 */
export function assertSameSummary(shown, cli, what = '') {
  const page = jsonish(shown);
  assert.equal(page.lab, cli.lab, `${what} lab`);
  assert.equal(page.link, cli.link, `${what} link`);
  assert.equal(page.status, cli.status, `${what} status`);
  assert.deepEqual(page.stopped ?? null, cli.stopped ?? null, `${what} stopped`);
  assert.deepEqual(page.metrics, jsonish(cli.metrics), `${what} metrics`);
  assert.equal(page.weights_sha256, cli.weights_sha256, `${what} weights_sha256`);
  assert.equal(page.param_count, cli.param_count, `${what} param_count`);
  assert.deepEqual(page.report, jsonish(slim(cli.report)), `${what} report`);
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

/** The wasm build, loaded in Node (the same pkg/ the page uses). */
export async function wasmCore() {
  const mlpad = await import(path.join(ROOT, 'pkg/mlpad.js'));
  await mlpad.default({ module_or_path: fs.readFileSync(path.join(ROOT, 'pkg/mlpad_bg.wasm')) });
  return mlpad;
}

/** The core's schema, read from the wasm build in Node (tests never copy defaults). */
export async function coreSchema() {
  return (await wasmCore()).labs_schema();
}

/** A wasm `DataStore` holding the bundled datasets `names`, read from www/data. */
export function wasmStore(mlpad, names = ['mnist', 'fashion_mnist']) {
  const store = new mlpad.DataStore();
  const manifest = mlpad.asset_manifest().datasets;
  for (const name of names) {
    const read = (k) => fs.readFileSync(path.join(ROOT, 'www/data', manifest[name][k].file));
    store.add(name, read('train_images'), read('train_labels'), read('test_images'), read('test_labels'));
  }
  return store;
}

/**
 * Runs `link` to the end in the wasm build with `units` per step: every envelope, the
 * summary, and what `inspect(lab)` returns (asked after the last step, before the lab is freed).
 */
export function wasmRun(mlpad, store, link, units, inspect = () => null) {
  const lab = new mlpad.Lab(link, store);
  const steps = [];
  try {
    for (;;) {
      const p = lab.step_units(units);
      steps.push(p);
      if (p.done) break;
      assert.ok(steps.length < 1e6, `${link}: no end after ${steps.length} steps`);
    }
    return { steps, summary: lab.summary(), inspected: inspect(lab) };
  } finally {
    lab.free();
  }
}

export function ensureDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.json': 'application/json' };

/**
 * A static host of the repository under `prefix`, for tests of what real hosts do: answers
 * 404 outside it; `intercept(file, res)` may answer a request itself (return true) or hold
 * it (return a promise); `headersFor(file)` adds headers. Resolves to {base, close}.
 */
export async function staticHost(prefix, { intercept = () => false, headersFor = () => ({}) } = {}) {
  const http = await import('node:http');
  const server = http.createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!pathname.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    const file = path.join(ROOT, pathname.slice(prefix.length) || 'index.html');
    if (await intercept(file, res)) return;
    if (!file.startsWith(ROOT + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const body = fs.readFileSync(file);
    const headers = { 'Content-Length': body.length, 'Cache-Control': 'no-store', 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', ...headersFor(file) };
    res.writeHead(200, headers).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${server.address().port}${prefix}`, close: () => new Promise((r) => server.close(r)) };
}

/** One small, quick experiment per lab (every lab of the schema has one), for the tests that visit them all. */
export const SMALL_LINKS = {
  cnn: '#lab=cnn&seed=2&epochs=1&batch_size=64&train_size=256',
  gradients: '#lab=gradients&seed=4&epochs=1&train_size=640&batch_size=64',
  regularization: '#lab=regularization&seed=5&epochs=1&train_size=300',
  augmentation: '#lab=augmentation&seed=6&epochs=1&train_size=300',
  metrics: '#lab=metrics&y_true=0,0,1,1,1&y_pred=0,1,1,1,0',
  evaluate: '#lab=evaluate&model=knn&train_size=1000&positive_class=3&threshold=0.5',
  knn: '#lab=knn&n_samples=2000&n_neighbors=5',
  gan: '#lab=gan&seed=5&steps=150&batch_size=16&hidden=64',
  transfer: '#lab=transfer&seed=3&steps=25&labels_per_class=3',
};
