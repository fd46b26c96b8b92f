// Browser side of `cargo xtask bench`: runs mlpad's bench page and its peers (TensorFlow.js
// on three backends) side by side in ONE headless Chromium (Debian's, never a downloaded one)
// and prints one JSON line per (runtime, workload) on stdout; progress goes to stderr.
//
// Rounds: each of BENCH_ROUNDS passes opens every page once, in PAGES order, so a slow
// phase of the machine hits all peers alike; a page's samples are merged across rounds.
//
// Page protocol: a page takes ?workloads=a,b (default: all it knows) and ?repeats=N; when done
// it sets window.benchResults = [{workload, unit, samples: [...], note?} | {workload, error}]
// and window.benchDone = true, or window.benchError on a page-level failure. It may set
// window.benchRuntime (a label naming what actually ran, e.g. "tfjs-wasm simd") and
// window.benchDetails (one line for the log).
//
// Env: MLPAD_URL (the repo root served by xtask, e.g. http://127.0.0.1:PORT/), CHROMIUM,
// BENCH_ROUNDS (default 2), BENCH_PEERS (comma list of page ids, default all).
// Exits non-zero only if the mlpad page fails; a failing peer is reported as error rows.
// playwright-core comes from bench/node_modules (bench/package.json, where peers such as
// TensorFlow.js are devDependencies) or else from tests/e2e/node_modules.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const PAGES = [
  { id: 'mlpad', path: 'bench/index.html', runtime: 'mlpad wasm', required: true },
  { id: 'tfjs-wasm', path: 'bench/tfjs.html?backend=wasm', runtime: 'tfjs-wasm' },
  { id: 'tfjs-cpu', path: 'bench/tfjs.html?backend=cpu', runtime: 'tfjs-cpu' },
  { id: 'tfjs-webgl', path: 'bench/tfjs.html?backend=webgl', runtime: 'tfjs-webgl' },
];
// The workloads every page runs (mlpad's page has more): a page that never reports gets an
// error row for each.
const WORKLOADS = {
  cnn_train_b32: 'images/s',
  cnn_infer_b256: 'images/s',
  mlp_train_b32: 'images/s',
  gan_step_b64: 'steps/s',
};
const ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  // WebGL without a GPU: ANGLE on SwiftShader (software). Chromium is phasing out the
  // automatic fallback to it, so ask for it explicitly.
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];
const TIMEOUT_MS = 10 * 60 * 1000;

const here = path.dirname(fileURLToPath(import.meta.url));
const log = (msg) => console.error(`bench: ${msg}`);

function loadPlaywright() {
  for (const dir of [here, path.join(here, '..', 'tests', 'e2e')]) {
    try {
      return createRequire(path.join(dir, 'package.json'))('playwright-core');
    } catch {
      // try the next place
    }
  }
  log('playwright-core not found in bench/node_modules or tests/e2e/node_modules;'
    + ' run `cargo xtask tools` (it runs npm ci there)');
  process.exit(2);
}

/** The pages BENCH_PEERS selects (all by default); exits on an unknown id. */
function selectedPages() {
  const wanted = process.env.BENCH_PEERS?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted) return PAGES;
  const unknown = wanted.filter((id) => !PAGES.some((p) => p.id === id));
  if (unknown.length) {
    log(`unknown BENCH_PEERS ${unknown.join(', ')}; known: ${PAGES.map((p) => p.id).join(', ')}`);
    process.exit(2);
  }
  return PAGES.filter((p) => wanted.includes(p.id));
}

/** Opens one page and waits for its outcome: {results, runtime?, details?} or {error}. */
async function runPage(browser, base, p) {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error') log(`[${p.id}] console: ${m.text()}`); });
  page.on('pageerror', (e) => log(`[${p.id}] page error: ${e.message}`));
  const deadline = Date.now() + TIMEOUT_MS;
  try {
    const response = await page.goto(new URL(p.path, base).href, { timeout: TIMEOUT_MS });
    if (!response.ok()) return { error: `HTTP ${response.status()} for ${response.url()}` };
    // Polled on a timer: a page busy on its main thread (TF.js) would starve rAF polling.
    await page.waitForFunction(() => window.benchDone || window.benchError, null,
      { timeout: Math.max(1, deadline - Date.now()), polling: 500 });
    const o = await page.evaluate(() => ({
      results: window.benchResults,
      error: window.benchError,
      runtime: window.benchRuntime,
      details: window.benchDetails,
    }));
    if (o.error) return { error: o.error };
    if (!Array.isArray(o.results)) return { error: 'benchDone without a benchResults array' };
    return o;
  } catch (e) {
    return { error: String(e.message).split('\n')[0] };
  } finally {
    await page.close().catch(() => {});
  }
}

/** Adds one round's outcome to a page's tally: {label, errors, workloads: Map}. */
function merge(tally, outcome) {
  if (outcome.runtime) tally.label = outcome.runtime;
  if (outcome.error) {
    tally.errors.push(outcome.error);
    return;
  }
  for (const r of outcome.results) {
    const w = tally.workloads.get(r.workload) ?? { unit: r.unit, samples: [], notes: new Set(), errors: [] };
    tally.workloads.set(r.workload, w);
    w.unit ??= r.unit;
    if (r.error) w.errors.push(r.error);
    if (Array.isArray(r.samples)) w.samples.push(...r.samples);
    if (r.note) w.notes.add(r.note);
  }
}

const round3 = (x) => Math.round(x * 1000) / 1000;

function median(sorted) {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** One line per workload of a page's outcome, for the log. */
function summary(outcome) {
  return outcome.results.map((r) => {
    if (r.error || !r.samples?.length) return `${r.workload}: error: ${r.error ?? 'no samples'}`;
    const m = median([...r.samples].sort((a, b) => a - b));
    return `${r.workload}: median ${m.toPrecision(4)} ${r.unit} of ${r.samples.length} samples`;
  });
}

/** A workload's output row: statistics over its samples, or the error that left it none. */
function row(workload, runtime, w, pageError) {
  const base = { workload, runtime, unit: w?.unit ?? WORKLOADS[workload] ?? null };
  const samples = [...(w?.samples ?? [])].sort((a, b) => a - b);
  if (!samples.length) {
    const error = w?.errors[0] ?? pageError ?? 'no samples';
    return { ...base, median: null, min: null, max: null, samples: 0, error };
  }
  const out = {
    ...base,
    median: round3(median(samples)),
    min: round3(samples[0]),
    max: round3(samples[samples.length - 1]),
    samples: samples.length,
  };
  const notes = [...w.notes];
  if (w.errors.length) notes.push(`failed in ${w.errors.length} round(s): ${w.errors[0]}`);
  if (pageError) notes.push(`page failed in some round(s): ${pageError}`);
  if (notes.length) out.note = notes.join('; ');
  return out;
}

/** Every row of one page: its reported workloads, or all of WORKLOADS if it never reported. */
function rows(tally, runtime) {
  const names = tally.workloads.size ? [...tally.workloads.keys()] : Object.keys(WORKLOADS);
  return names.map((name) => row(name, runtime, tally.workloads.get(name), tally.errors[0]));
}

/** Whether any round of the page failed, as a whole or in one workload. */
const anyError = (tally) => tally.errors.length > 0 || [...tally.workloads.values()].some((w) => w.errors.length);

async function main() {
  const base = process.env.MLPAD_URL;
  if (!base) {
    log('set MLPAD_URL to the served repo root (cargo xtask bench does)');
    process.exit(2);
  }
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS || 2));
  const pages = selectedPages();
  const { chromium } = loadPlaywright();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ARGS,
  });
  const version = browser.version().split('.')[0];
  const tallies = new Map(pages.map((p) => [p.id, { label: p.runtime, errors: [], workloads: new Map() }]));
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const p of pages) {
        log(`round ${round}/${rounds}: ${p.id} (${p.path})…`);
        const t0 = Date.now();
        const outcome = await runPage(browser, base, p);
        const took = `${Math.round((Date.now() - t0) / 1000)} s`;
        if (outcome.error) {
          log(`[${p.id}] failed after ${took}: ${outcome.error}`);
        } else {
          log(`[${p.id}] ${outcome.runtime ?? p.runtime}: done in ${took}${outcome.details ? `; ${outcome.details}` : ''}`);
          for (const line of summary(outcome)) log(`[${p.id}]   ${line}`);
        }
        merge(tallies.get(p.id), outcome);
      }
    }
  } finally {
    await browser.close();
  }
  let failed = false;
  for (const p of pages) {
    const tally = tallies.get(p.id);
    // Only mlpad names the browser: every peer runs in this same Chromium.
    const runtime = p.required ? `${tally.label} (Chromium ${version})` : tally.label;
    for (const r of rows(tally, runtime)) console.log(JSON.stringify(r));
    if (p.required && anyError(tally)) failed = true;
  }
  return failed ? 1 : 0;
}

process.exit(await main());
