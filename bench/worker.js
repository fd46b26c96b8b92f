// Times CNN training steps of the wasm core in a module worker, as the page's own worker
// would run them: fetch the bundled MNIST assets, decode, build the lab from a link,
// warm up, then time `step(steps)` `repeats` times with performance.now().
import init, { Dataset, Lab } from '../pkg/mlpad.js';

const DATA = new URL('../www/data/', import.meta.url);
const LINK = '#lab=cnn&seed=42&epochs=1&batch_size=32&train_size=12000';
const BATCH = 32;
const FILES = ['train_images', 'train_labels', 'test_images', 'test_labels'];

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`fetching ${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function run({ repeats, steps }) {
  await init();
  const manifest = await (await fetch(new URL('manifest.json', DATA))).json();
  const assets = manifest.datasets.mnist;
  postMessage({ type: 'progress', message: 'fetching MNIST…' });
  const bytes = await Promise.all(FILES.map((k) => fetchBytes(new URL(assets[k].file, DATA))));
  const data = Dataset.decode('mnist', ...bytes);
  const lab = new Lab(LINK, data);
  lab.step(2); // warm-up: first-touch allocations, JIT tiers
  const rates = [];
  for (let i = 0; i < repeats; i++) {
    postMessage({ type: 'progress', message: `repeat ${i + 1}/${repeats}…` });
    const t0 = performance.now();
    const snap = lab.step(steps);
    const seconds = (performance.now() - t0) / 1000;
    rates.push((snap.losses.length * BATCH) / seconds);
  }
  lab.free();
  data.free();
  rates.sort((a, b) => a - b);
  return {
    workload: 'cnn_train_b32',
    median: rates[Math.floor(rates.length / 2)],
    min: rates[0],
    max: rates[rates.length - 1],
    unit: 'images/s',
    repeats,
    steps,
  };
}

self.onmessage = async (e) => {
  if (e.data.type !== 'run') return;
  try {
    postMessage({ type: 'result', result: await run(e.data) });
  } catch (err) {
    postMessage({ type: 'error', message: String((err && err.message) || err) });
  }
};
