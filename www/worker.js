// The worker owns the wasm instance: it loads data lazily, trains in small chunks so
// pause/reset messages are honoured between chunks, and posts plain snapshots.
import init, * as mlpad from '../pkg/mlpad.js';

const ready = init({ module_or_path: new URL('../pkg/mlpad_bg.wasm', import.meta.url) });
const datasets = new Map(); // name -> Dataset, kept across resets
let lab = null;
let labData = null; // the Dataset the current lab trains on (for gallery pictures)
let running = false;
let runId = 0; // the page's id of the current run, echoed on every run message
let chunk = 2; // batches per step() call, tuned to ~100 ms
let rate = { t: 0, images: 0, ips: 0 };

const post = (msg, transfer) => self.postMessage(msg, transfer || []);
const fail = (e) => post({ type: 'error', message: String(e?.message ?? e) });

async function fetchWithProgress(url, onBytes) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url.pathname.split('/').pop()}: HTTP ${res.status}`);
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

async function loadDataset(name) {
  if (datasets.has(name)) return datasets.get(name);
  const entry = mlpad.asset_manifest().datasets[name];
  if (!entry) throw new Error(`unknown dataset ${name}`);
  const keys = ['train_images', 'train_labels', 'test_images', 'test_labels'];
  const total = keys.reduce((s, k) => s + entry[k].gz_bytes, 0);
  let loaded = 0;
  post({ type: 'data-progress', run: runId, loaded, total, name: entry.title });
  const bytes = await Promise.all(keys.map((k) =>
    fetchWithProgress(new URL(`data/${entry[k].file}`, import.meta.url), (b) => {
      loaded += b;
      post({ type: 'data-progress', run: runId, loaded: Math.min(loaded, total), total, name: entry.title });
    })));
  post({ type: 'data-progress', run: runId, loaded: total, total, name: entry.title, decoding: true });
  const data = mlpad.Dataset.decode(name, ...bytes);
  datasets.set(name, data);
  return data;
}

function postVisuals() {
  if (!lab) return;
  const items = lab.gallery(24);
  const data = labData;
  const images = items.map((it) => data.image_rgba('test', it.index));
  post({ type: 'gallery', run: runId, items, images });
  const f = lab.filters_rgba(); // null when the model does not start with a convolution
  if (f) post({ type: 'filters', run: runId, width: f.width, height: f.height, rgba: f.rgba });
}

function loop(id) {
  if (!running || id !== runId || !lab) return;
  try {
    const t0 = performance.now();
    const snap = lab.step(chunk);
    const dt = performance.now() - t0;
    // Aim for ~100 ms per chunk so the page stays responsive to pause and reset.
    if (snap.losses.length === chunk) chunk = Math.max(1, Math.min(64, Math.round(chunk * (dt > 0 ? 100 / dt : 2)) || 1));
    const now = performance.now();
    if (rate.t === 0) { rate = { t: now - dt, images: 0, ips: 0 }; }
    rate.images += snap.images_seen - (rate.lastSeen ?? 0);
    rate.lastSeen = snap.images_seen;
    const elapsed = (now - rate.t) / 1000;
    const ips = elapsed > 0 ? rate.images / elapsed : 0;
    post({ type: 'snapshot', run: id, snapshot: snap, images_per_second: ips });
    if (snap.test_accuracy !== null && snap.test_accuracy !== undefined) postVisuals();
    if (snap.done) {
      running = false;
      if (!snap.diverged) postVisuals();
      post({ type: 'done', run: id, weights_sha256: lab.weights_sha256(), diverged: snap.diverged ?? null });
      return;
    }
    setTimeout(() => loop(id), 0);
  } catch (e) {
    running = false;
    fail(e);
  }
}

// KNN: predict test rows in chunks of ~100 ms, then post the report and the pictures of
// the gallery's test images and their neighbours.
function knnLoop(id, knn, data) {
  let rows = 20;
  const tick = () => {
    if (id !== runId) { knn.free(); return; }
    try {
      const t0 = performance.now();
      const p = knn.step(rows);
      const dt = performance.now() - t0;
      rows = Math.max(1, Math.min(2000, Math.round(rows * (dt > 0 ? 100 / dt : 2))));
      post({ type: 'knn-progress', run: id, ...p });
      if (!p.done) { setTimeout(tick, 0); return; }
      const report = knn.report();
      const images = report.gallery.map((g) => ({
        test: data.image_rgba('train', g.image),
        neighbors: g.images.map((i) => data.image_rgba('train', i)),
      }));
      post({ type: 'knn-report', run: id, report, images });
      knn.free();
    } catch (e) {
      fail(e);
    }
  };
  post({ type: 'started', run: id, param_count: 0, layers: [], classes: mlpad.asset_manifest().datasets[data.name()].classes });
  tick();
}

self.onmessage = async (ev) => {
  const msg = ev.data;
  try {
    await ready;
    switch (msg.type) {
      case 'init':
        post({ type: 'ready', schema: mlpad.labs_schema() });
        break;
      case 'parse': {
        const p = mlpad.parse_link(msg.hash || '');
        post({ type: 'parsed', from: msg.from, ...p });
        break;
      }
      case 'start': {
        const id = (runId = msg.run);
        running = false;
        const parsed = mlpad.parse_link(msg.link);
        const data = await loadDataset(parsed.config.values.dataset ?? 'mnist'); // KNN always uses MNIST
        if (id !== runId) return; // reset while downloading
        lab?.free();
        lab = null;
        if (parsed.lab === 'knn') {
          knnLoop(id, new mlpad.KnnLab('#' + parsed.canonical, data), data);
          break;
        }
        lab = new mlpad.Lab('#' + parsed.canonical, data);
        labData = data;
        post({ type: 'started', run: id, param_count: lab.param_count(), layers: lab.layer_names(), classes: mlpad.asset_manifest().datasets[parsed.config.values.dataset].classes });
        running = true;
        chunk = 2;
        rate = { t: 0, images: 0, ips: 0 };
        loop(id);
        break;
      }
      case 'pause':
        running = false;
        break;
      case 'resume':
        if (lab && !running) {
          running = true;
          rate = { t: 0, images: 0, ips: 0, lastSeen: rate.lastSeen };
          loop(runId);
        }
        break;
      case 'reset':
        runId = -1;
        running = false;
        lab?.free();
        lab = null;
        break;
      case 'preview': {
        const parsed = mlpad.parse_link(msg.link);
        const data = await loadDataset(parsed.config.values.dataset ?? 'mnist');
        const g = mlpad.augment_preview(msg.link, data, 6, 7, msg.draw);
        post({ type: 'preview', link: msg.link, width: g.width, height: g.height, rgba: g.rgba });
        break;
      }
      case 'report':
        post({ type: 'report', link: msg.link, report: mlpad.lab_report(msg.link) });
        break;
      case 'predict':
        if (lab) post({ type: 'prediction', probs: Array.from(lab.predict(msg.pixels)) });
        break;
      default:
        break;
    }
  } catch (e) {
    fail(e);
  }
};
