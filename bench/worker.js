// mlpad's side of `cargo xtask bench`: builds each workload of `mlpad::bench` in this module
// worker (as the page's own worker runs the core), warms it up, sizes a sample to last about
// SAMPLE_SECONDS, and times `repeats` samples with performance.now(). The workloads are the
// same Rust code `mlpad bench` times natively.
import init, { BenchWorkload, DataStore, Lab } from '../pkg/mlpad.js';

const DATA = new URL('../www/data/', import.meta.url);
const FILES = ['train_images', 'train_labels', 'test_images', 'test_labels'];
const SAMPLE_SECONDS = 0.5;

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`fetching ${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

function timeWorkload(w, repeats) {
  let t0 = performance.now();
  w.run(2);
  // (At least 10 µs: a warm-up faster than the clock's resolution must not mean ∞ steps.)
  const perStep = Math.max((performance.now() - t0) / 2000, 1e-5);
  const steps = Math.max(1, Math.ceil(SAMPLE_SECONDS / perStep));
  const samples = [];
  for (let i = 0; i < repeats; i++) {
    t0 = performance.now();
    const done = w.run(steps);
    samples.push(done / ((performance.now() - t0) / 1000));
  }
  return { samples, note: `${steps} steps per sample` };
}

// Wasm memory after 1 and after 5 epochs of the CNN lab on 1,000 images: buffers are reused,
// so it should not grow per step, only by what the first epoch allocates.
function memoryRows(wasm, data) {
  const lab = new Lab('#lab=cnn&seed=42&epochs=5&batch_size=32&train_size=1000', data);
  const mib = [];
  for (;;) {
    const p = lab.step_units(32);
    if (p.payload.epoch_end) mib.push(wasm.memory.buffer.byteLength / 2 ** 20);
    if (p.done) break;
  }
  lab.free();
  const growth = `${(100 * (mib[mib.length - 1] / mib[0] - 1)).toFixed(1)}% from epoch 1 to ${mib.length}`;
  return [
    { workload: 'wasm_memory_epoch1', unit: 'MiB', samples: [mib[0]], note: growth },
    { workload: `wasm_memory_epoch${mib.length}`, unit: 'MiB', samples: [mib[mib.length - 1]], note: growth },
  ];
}

async function run({ repeats, workloads }) {
  const wasm = await init();
  const manifest = await (await fetch(new URL('manifest.json', DATA))).json();
  const assets = manifest.datasets.mnist;
  postMessage({ type: 'progress', message: 'fetching MNIST…' });
  const bytes = await Promise.all(FILES.map((k) => fetchBytes(new URL(assets[k].file, DATA))));
  const data = new DataStore();
  data.add('mnist', ...bytes);
  const names = workloads || ['wasm_memory', ...BenchWorkload.names()];
  const results = [];
  for (const name of names) {
    if (name === 'wasm_memory') {
      results.push(...memoryRows(wasm, data));
      continue;
    }
    postMessage({ type: 'progress', message: `${name}…` });
    let w;
    try {
      w = new BenchWorkload(name, data);
      results.push({ workload: name, unit: w.unit(), flops_per_unit: w.flops_per_unit(), ...timeWorkload(w, repeats) });
    } catch (err) {
      results.push({ workload: name, error: String((err && err.message) || err) });
    } finally {
      if (w) w.free();
    }
  }
  data.free();
  return results;
}

self.onmessage = async (e) => {
  if (e.data.type !== 'run') return;
  try {
    postMessage({ type: 'result', results: await run(e.data) });
  } catch (err) {
    postMessage({ type: 'error', message: String((err && err.message) || err) });
  }
};
