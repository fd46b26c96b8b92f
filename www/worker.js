// The worker owns the wasm instance. It loads the datasets a lab asks for, then runs any
// lab through one loop: each `lab.step()` works for about 100 ms (the core's rule) and the
// envelope it returns is posted as it is, so pause, reset and redraws are answered between
// steps. Every run-scoped message carries the page's run id and the job (one run of a
// compare lab); the page drops messages of older runs.
import init, * as mlpad from '../pkg/mlpad.js';

const ready = init({ module_or_path: new URL('../pkg/mlpad_bg.wasm', import.meta.url) });
// Reported when a message waits for it (the page does not even ask without SIMD support).
ready.catch(() => {});
// For `cargo xtask soak`: the wasm instance's memory, in bytes.
self.__mlpadMemory = async () => (await ready).memory.buffer.byteLength;
let store = null; // decoded datasets, kept across runs
const loading = new Map(); // dataset name -> Promise of its decoding
let current = null; // { run, job, lab, running, phaseMs, link }
let imported = null; // a run with loaded weights, checked, waiting for the page's `adopt`

const post = (msg, transfer) => self.postMessage(msg, transfer || []);
/**
 * Reports an error. A trap of the wasm instance (a Rust panic, out of memory) leaves it
 * unusable, so it is reported as a crash and the page replaces this worker.
 */
const fail = (e, ids = {}) => post({ type: e instanceof WebAssembly.RuntimeError ? 'crash' : 'error', ...ids, message: String(e?.message ?? e) });

/** Starts fetching `url`; resolves once the headers are in. */
async function request(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url.pathname.split('/').pop()}: HTTP ${res.status}`);
  return res;
}

/** Reads a response's body, calling `onBytes(n)` as chunks arrive. */
async function readWithProgress(res, onBytes) {
  const reader = res.body.getReader();
  const parts = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.length;
    onBytes(value.length);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Fetches and decodes dataset `name` once, reporting bytes as a `load_data` envelope. */
function loadDataset(name, ids) {
  if (store.has(name)) return Promise.resolve();
  if (!loading.has(name)) loading.set(name, fetchDataset(name, ids).finally(() => loading.delete(name)));
  return loading.get(name);
}

/** Fetches pretrained weights `name` once; the core checks their size and SHA-256. */
function loadWeights(name, ids) {
  if (store.has_weights(name)) return Promise.resolve();
  const key = `weights:${name}`;
  if (!loading.has(key)) loading.set(key, fetchWeights(name, ids).finally(() => loading.delete(key)));
  return loading.get(key);
}

async function fetchWeights(name, ids) {
  const entry = mlpad.pretrained_manifest().models[name];
  let loaded = 0;
  const report = () => post({
    type: 'progress', ...ids,
    progress: { phase: 'load_data', step: Math.min(loaded, entry.bytes), total: entry.bytes, fraction: Math.min(loaded, entry.bytes) / entry.bytes, samples: 0, done: false, stopped: null, payload: { name: entry.title, decoding: false } },
  });
  report();
  const res = await request(new URL(`data/pretrained/${entry.file}`, import.meta.url));
  const bytes = await readWithProgress(res, (b) => { loaded += b; report(); });
  store.add_weights(name, bytes);
}

async function fetchDataset(name, ids) {
  const entry = mlpad.asset_manifest().datasets[name];
  const keys = ['train_images', 'train_labels', 'test_images', 'test_labels'];
  let loaded = 0;
  let total = keys.reduce((s, k) => s + entry[k].gz_bytes, 0);
  const report = (decoding = false) => post({
    type: 'progress', ...ids,
    progress: { phase: 'load_data', step: Math.min(loaded, total), total, fraction: Math.min(loaded, total) / total, samples: 0, done: false, stopped: null, payload: { name: entry.title, decoding } },
  });
  report();
  const responses = await Promise.all(keys.map((k) => request(new URL(`data/${entry[k].file}`, import.meta.url))));
  // A host that sends the .gz files with Content-Encoding: gzip hands over inflated bytes:
  // count those against the inflated sizes, so the bar ends where the bytes do.
  total = keys.reduce((s, k, i) => s + (responses[i].headers.get('content-encoding') ? entry[k].bytes : entry[k].gz_bytes), 0);
  const bytes = await Promise.all(responses.map((res) => readWithProgress(res, (b) => { loaded += b; report(); })));
  report(true);
  store.add(name, ...bytes);
}

/** The buffers of a progress envelope's pictures, moved rather than copied. */
const buffers = (p) => (p.pictures || []).map((pic) => pic.rgba.buffer);

function loop() {
  const c = current;
  if (!c || !c.running) return;
  try {
    const t0 = performance.now();
    const p = c.lab.step();
    const ms = performance.now() - t0;
    c.phaseMs[p.phase] = (c.phaseMs[p.phase] || 0) + ms;
    post({ type: 'progress', run: c.run, job: c.job, progress: p, ms }, buffers(p));
    if (p.done) {
      c.running = false;
      c.finished = true;
      // The weights file goes with the summary: a compare lab's earlier jobs are gone from
      // this worker by the time the reader exports them.
      const weights = c.lab.weights_file();
      post({ type: 'summary', run: c.run, job: c.job, summary: c.lab.summary(), phase_ms: c.phaseMs, weights }, weights ? [weights.buffer] : []);
      return;
    }
    setTimeout(loop, 0);
  } catch (e) {
    c.running = false;
    fail(e, { run: c.run, job: c.job });
  }
}

function drop() {
  current?.lab?.free();
  current = null;
}

async function start(msg) {
  const ids = { run: msg.run, job: msg.job };
  drop();
  current = { ...ids, lab: null, running: false, finished: false, phaseMs: {}, link: msg.link };
  const mine = current;
  for (const name of mlpad.lab_datasets(msg.link)) await loadDataset(name, ids);
  for (const name of mlpad.lab_pretrained(msg.link)) await loadWeights(name, ids);
  if (current !== mine) return; // reset or restarted while downloading
  const t0 = performance.now();
  mine.lab = new mlpad.Lab(msg.link, store);
  mine.phaseMs.setup = performance.now() - t0;
  post({ type: 'started', ...ids, info: mine.lab.info() });
  mine.running = true;
  loop();
}

/** A run of `link` with the weights of a file loaded; throws, changing nothing, on a bad file. */
async function importWeights(msg) {
  const ids = { preview: true }; // its downloads must not move the page's progress bar
  for (const name of mlpad.lab_datasets(msg.link)) await loadDataset(name, ids);
  for (const name of mlpad.lab_pretrained(msg.link)) await loadWeights(name, ids);
  const lab = new mlpad.Lab(msg.link, store);
  try {
    const result = lab.import_weights(msg.bytes);
    imported?.free();
    imported = lab;
    return { imported: result, info: lab.info() };
  } catch (e) {
    lab.free();
    throw e;
  }
}

/** Answers a request of the page (`ask` there) with a value or an error. */
async function reply(msg, work) {
  try {
    post({ type: 'reply', req: msg.req, ok: true, value: await work() });
  } catch (e) {
    post({ type: 'reply', req: msg.req, ok: false, error: String(e?.message ?? e) });
  }
}

self.onmessage = async (ev) => {
  const msg = ev.data;
  try {
    await ready;
    store ??= new mlpad.DataStore();
    switch (msg.type) {
      case 'init':
        post({ type: 'ready', schema: mlpad.labs_schema(), datasets: mlpad.asset_manifest().datasets });
        break;
      case 'parse': {
        const p = mlpad.parse_link(msg.hash || '');
        // Whether the current run (if any) is the one this link describes, up to view-only
        // settings, so its results may stay.
        const c = current;
        const sameRun = c?.lab ? c.lab.same_run(`#${p.canonical}`) : null;
        post({ type: 'parsed', from: msg.from, ...p, same_run: sameRun, same_run_of: c?.lab ? c.run : null });
        break;
      }
      case 'start':
        await start(msg).catch((e) => fail(e, { run: msg.run, job: msg.job }));
        break;
      case 'pause':
        if (current) current.running = false;
        break;
      case 'resume':
        if (current?.lab && !current.running && !current.finished) { current.running = true; loop(); }
        break;
      case 'reset':
        drop();
        break;
      case 'origin':
        await reply(msg, () => mlpad.weights_origin(msg.bytes));
        break;
      case 'import':
        await reply(msg, () => importWeights(msg));
        break;
      case 'adopt':
        // After the page's reset: the checked import becomes this worker's finished run.
        if (imported) {
          drop();
          current = { run: msg.run, job: 0, lab: imported, running: false, finished: true, phaseMs: {}, link: null };
          imported = null;
        }
        break;
      case 'python':
        await reply(msg, () => mlpad.lab_python(msg.link));
        break;
      case 'view':
        if (current?.finished && current.run === msg.run) post({ type: 'view', run: msg.run, seq: msg.seq, link: msg.link, report: current.lab.view(msg.link) });
        break;
      case 'predict':
        if (current?.lab) post({ type: 'prediction', probs: Array.from(current.lab.predict(msg.pixels)) });
        break;
      case 'preview': {
        for (const name of mlpad.lab_datasets(msg.link)) await loadDataset(name, { preview: true });
        const picture = mlpad.lab_preview(msg.link, store, msg.draw);
        post({ type: 'preview', link: msg.link, picture }, [picture.rgba.buffer]);
        break;
      }
      default:
        break;
    }
  } catch (e) {
    fail(e, 'run' in msg ? { run: msg.run, job: msg.job } : {});
  }
};
