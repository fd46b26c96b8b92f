// The worker owns the wasm instance: it loads data lazily, trains in small chunks so
// pause/reset messages are honoured between chunks, and posts plain snapshots.
import init, * as mlpad from '../pkg/mlpad.js';

const ready = init({ module_or_path: new URL('../pkg/mlpad_bg.wasm', import.meta.url) });
const datasets = new Map(); // name -> Dataset, kept across resets
let lab = null;
let evaluation = null; // the metrics lab's ModelEval, kept after it finishes for its views
let evalLink = null; // the link of that evaluation (set as soon as it is asked for)
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

// The metrics lab evaluating a model: train / predict in chunks of ~100 ms (a budget per
// phase, since a CNN batch and a KNN test image cost very differently), time each phase,
// then post the report. The handle stays alive so class and threshold changes only redraw.
function evalLoop(id, handle, link, buildSeconds) {
  const budget = { train: 1, predict_test: 8, predict_train: 8 };
  const seconds = { train: buildSeconds, predict_test: 0, predict_train: 0 };
  const tick = () => {
    if (id !== runId || handle !== evaluation) return; // cancelled (reset frees the handle)
    try {
      const phase = handle.phase();
      const t0 = performance.now();
      const p = handle.step(budget[phase]);
      const dt = performance.now() - t0;
      seconds[phase] += dt / 1000;
      if (p.done > 0 && !p.finished) budget[phase] = Math.max(1, Math.round(budget[phase] * Math.min(4, Math.max(0.25, 100 / Math.max(dt, 1)))));
      post({ type: 'eval-progress', run: id, ...p });
      if (p.diverged) { fail(p.diverged); return; }
      if (!p.finished) { setTimeout(tick, 0); return; }
      const timing = { train_seconds: seconds.train, predict_seconds: seconds.predict_test };
      post({ type: 'eval-done', run: id, link, timing, report: handle.report(link) });
    } catch (e) {
      fail(e);
    }
  };
  tick();
}

self.onmessage = async (ev) => {
  const msg = ev.data;
  try {
    await ready;
    switch (msg.type) {
      case 'init':
        post({ type: 'ready', schema: mlpad.labs_schema(), datasets: mlpad.asset_manifest().datasets });
        break;
      case 'parse': {
        const p = mlpad.parse_link(msg.hash || '');
        // Whether the evaluation being run or shown (if any) is the one the link describes.
        const sameModel = evalLink ? mlpad.same_model(evalLink, `#${p.canonical}`) : null;
        post({ type: 'parsed', from: msg.from, ...p, same_model: sameModel, eval_run: evalLink ? runId : null });
        break;
      }
      case 'start': {
        const id = (runId = msg.run);
        running = false;
        const parsed = mlpad.parse_link(msg.link);
        evalLink = parsed.lab === 'metrics' ? '#' + parsed.canonical : null;
        const data = await loadDataset(parsed.config.values.dataset ?? 'mnist'); // KNN always uses MNIST
        if (id !== runId) return; // reset while downloading
        lab?.free();
        lab = null;
        evaluation?.free();
        evaluation = null;
        if (parsed.lab === 'metrics') {
          const link = '#' + parsed.canonical;
          const t0 = performance.now();
          evaluation = new mlpad.ModelEval(link, data); // builds the CNN / stores the KNN's images
          const buildSeconds = (performance.now() - t0) / 1000;
          post({ type: 'started', run: id, param_count: 0, layers: [], classes: mlpad.asset_manifest().datasets[data.name()].classes });
          evalLoop(id, evaluation, link, buildSeconds);
          break;
        }
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
        evaluation?.free();
        evaluation = null;
        evalLink = null;
        break;
      case 'eval-report':
        // A finished evaluation seen with another class / threshold: no training, just views.
        if (evaluation && msg.run === runId && evaluation.phase() === 'done') post({ type: 'eval-report', run: msg.run, link: msg.link, report: evaluation.report(msg.link) });
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
