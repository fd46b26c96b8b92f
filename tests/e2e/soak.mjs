// `cargo xtask soak`: the page left training for a long time (SOAK_MINUTES, default 20),
// as a reader who leaves a tab open does. A CNN run starts again each time one ends. Every
// half minute it measures the main worker's wasm memory, the page's JS heap after a
// garbage collection, the DOM's size, and input-to-paint (Event Timing: real clicks opening
// and closing the History card, each until its next paint). Then it switches through every lab ten times
// and measures workers and memory again. Prints a table and a verdict; exits 1 if memory
// grew after warm-up or input-to-paint reached 100 ms. Not part of `cargo xtask test`.
import { launch } from './helpers.mjs';

const BASE = (process.env.MLPAD_URL || 'http://127.0.0.1:8080/').replace(/\/?$/, '/');
const MINUTES = Number(process.env.SOAK_MINUTES || 20);
const WARMUP = Math.min(2, MINUTES / 4); // minutes before the baseline is taken
const LINK = process.env.SOAK_LINK || '#lab=cnn&seed=1&epochs=20&train_size=12000';

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
const cdp = await context.newCDPSession(page);
await cdp.send('HeapProfiler.enable');

await page.addInitScript(() => {
  window.__latencies = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'click' || e.name === 'pointerup' || e.name === 'pointerdown') window.__latencies.push(e.duration);
  }).observe({ type: 'event', durationThreshold: 16, buffered: true });
});
await page.goto(BASE + LINK);
await page.waitForSelector('#run:not([disabled])');

const mb = (b) => (b / 1e6).toFixed(1);
async function measure() {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  const workers = page.workers();
  const wasm = workers.length ? await workers[0].evaluate(() => self.__mlpadMemory()) : 0;
  // Two real clicks (open and close the intro); Event Timing records each one's
  // input-to-next-paint time when it is 16 ms or more (shorter ones count as 16).
  const before = await page.evaluate(() => window.__latencies.length);
  for (let i = 0; i < 2; i++) await page.click('#history > summary');
  await page.waitForTimeout(200);
  const lat = await page.evaluate((n) => window.__latencies.slice(n), before);
  const dom = await page.evaluate(() => document.getElementsByTagName('*').length);
  return { heap, wasm, dom, paint: lat.length ? Math.max(...lat) : 16, workers: workers.length };
}

const rows = [];
const start = Date.now();
let runs = 0;
let baseline = null;
while (Date.now() - start < MINUTES * 60_000) {
  const phase = await page.evaluate(() => document.getElementById('progress-label').textContent);
  if (!(await page.isDisabled('#run')) && !/Running|Training|Downloading|Checking/.test(phase)) {
    await page.click('#run');
    runs++;
  }
  await page.waitForTimeout(30_000);
  const m = { minute: (Date.now() - start) / 60_000, runs, ...(await measure()) };
  rows.push(m);
  if (!baseline && m.minute >= WARMUP) baseline = m;
  console.log(`${m.minute.toFixed(1).padStart(5)} min  runs ${String(runs).padStart(3)}  wasm ${mb(m.wasm).padStart(6)} MB  js heap ${mb(m.heap).padStart(6)} MB  dom ${String(m.dom).padStart(5)}  input→paint ${m.paint.toFixed(0).padStart(4)} ms`);
}

// Switching through every lab ten times.
const labs = await page.$$eval('#labs a', (as) => as.map((a) => a.getAttribute('href')));
await page.click('#reset').catch(() => {});
const beforeSwitch = await measure();
for (let round = 0; round < 10; round++) {
  for (const href of labs) {
    await page.click(`#labs a[href="${href}"]`);
    await page.waitForFunction((h) => location.hash.startsWith(h), href);
  }
}
await page.waitForTimeout(1000);
const afterSwitch = await measure();

const last = rows.at(-1);
const growth = (a, b) => (b - a) / Math.max(1, a);
const wasmGrowth = baseline ? growth(baseline.wasm, last.wasm) : 0;
// The heap breathes between collections of the worker's messages: compare the lowest of
// the last three samples with the baseline.
const endHeap = Math.min(...rows.slice(-3).map((r) => r.heap));
const heapGrowth = baseline ? growth(baseline.heap, endHeap) : 0;
const worstPaint = Math.max(...rows.map((r) => r.paint));
console.log(`\n${MINUTES} min, ${runs} runs of ${LINK}`);
console.log(`wasm memory after warm-up ${mb(baseline?.wasm ?? 0)} MB, at the end ${mb(last.wasm)} MB (${(wasmGrowth * 100).toFixed(1)}%)`);
console.log(`JS heap after GC after warm-up ${mb(baseline?.heap ?? 0)} MB, lowest of the last three ${mb(endHeap)} MB (${(heapGrowth * 100).toFixed(1)}%)`);
console.log(`input-to-paint: worst ${worstPaint.toFixed(0)} ms, median ${rows.map((r) => r.paint).sort((a, b) => a - b)[rows.length >> 1].toFixed(0)} ms (16 = below Event Timing's threshold)`);
console.log(`switching every lab ten times: workers ${beforeSwitch.workers} → ${afterSwitch.workers}, JS heap ${mb(beforeSwitch.heap)} → ${mb(afterSwitch.heap)} MB, wasm ${mb(beforeSwitch.wasm)} → ${mb(afterSwitch.wasm)} MB, DOM ${beforeSwitch.dom} → ${afterSwitch.dom}`);
if (errors.length) console.log(`page errors: ${errors.slice(0, 5).join(' | ')}`);
const ok = wasmGrowth <= 0.05 && heapGrowth <= 0.10 && worstPaint < 100 && afterSwitch.workers <= 2
  && growth(beforeSwitch.heap, afterSwitch.heap) <= 0.25 && !errors.length;
console.log(ok ? 'verdict: flat memory, responsive page' : 'verdict: FAILED (see the figures above)');
await browser.close();
process.exit(ok ? 0 : 1);
