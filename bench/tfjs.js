// TensorFlow.js side of `cargo xtask bench`: the workloads of src/bench.rs (mlpad's), the
// same models built with tf.layers (Keras defaults: glorot_uniform kernels, zero biases,
// valid padding; Adam with epsilon 1e-7), run on the one backend the query names.
//
// Inputs are uniform [0,1) 28×28×1 images and one-hot labels from a seeded generator
// (mulberry32), one fixed batch per workload, not real MNIST: throughput does not depend
// on the pixel values.
//
// Timing: after a warm-up, each sample times enough calls to last SAMPLE_MS. A training
// step reads its loss back (as a training loop that reports the loss does) and each
// sample ends by reading a weight, so WebGL's queued work has finished when the clock stops.
// Training uses `optimizer.minimize`, the same step `model.trainOnBatch` runs without its
// Keras bookkeeping (they measured alike).
/* global tf */

const q = new URLSearchParams(location.search);
const BACKEND = q.get('backend') || 'wasm';
const REPEATS = Math.max(1, Number(q.get('repeats') || 5));
const SAMPLE_MS = 500;
// Caps a workload's samples: the cpu backend trains the CNN at a few images/s.
const BUDGET_MS = 30_000;
// WebGL compiles its shaders during the first calls.
const WARMUP = BACKEND === 'webgl' ? 5 : 2;
const out = document.getElementById('out');
// Keras calls layers with training=True in fit; no layer here behaves differently, but say so.
const TRAINING = { training: true };

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(42);

/** A [batch, ...shape] tensor of uniform values in [lo, hi). */
function uniform(batch, shape, lo = 0, hi = 1) {
  const n = batch * shape.reduce((a, b) => a * b, 1);
  const v = Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
  return tf.tensor(v, [batch, ...shape]);
}

function oneHotLabels(batch, classes) {
  const labels = Int32Array.from({ length: batch }, () => Math.floor(rand() * classes));
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat());
}

const adam = (lr, beta1 = 0.9) => tf.train.adam(lr, beta1, 0.999, 1e-7);
const dense = (units, activation, inputShape) =>
  tf.layers.dense({ units, activation, ...(inputShape && { inputShape }) });

function cnn() {
  const conv = (filters, extra = {}) =>
    tf.layers.conv2d({ filters, kernelSize: 3, activation: 'relu', padding: 'valid', ...extra });
  return tf.sequential({
    layers: [
      conv(32, { inputShape: [28, 28, 1] }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(64),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(64),
      tf.layers.flatten(),
      dense(64, 'relu'),
      dense(10, 'softmax'),
    ],
  });
}

const mlp = () => tf.sequential({ layers: [dense(64, 'relu', [784]), dense(10, 'softmax')] });

/** The variables `minimize` may update: without a list it would update every variable. */
const trainable = (model) => model.trainableWeights.map((w) => w.read());

/** Waits for everything queued so far (the last weight an optimizer step wrote). */
async function settle(model) {
  const weights = model.trainableWeights;
  await weights[weights.length - 1].read().data();
}

/** Frees a workload's tensors, and its models' and optimizers' variables. */
function release(tensors, owners) {
  tf.dispose(tensors);
  for (const o of owners) o.dispose();
}

/** One Adam step per call on a fixed batch, categorical cross-entropy. */
function classifierTraining(model, inputShape, batch) {
  const x = uniform(batch, inputShape);
  const y = oneHotLabels(batch, 10);
  const opt = adam(0.001);
  const vars = trainable(model);
  const loss = () => tf.metrics.categoricalCrossentropy(y, model.apply(x, TRAINING)).mean();
  return {
    async call() {
      const cost = opt.minimize(loss, true, vars);
      await cost.data();
      cost.dispose();
    },
    settle: () => settle(model),
    dispose: () => release([x, y], [opt, model]),
  };
}

function inference(model, batch) {
  const x = uniform(batch, [28, 28, 1]);
  return {
    async call() {
      // One batch of 256, as mlpad runs it (predict's default batchSize would be 32).
      const y = model.predict(x, { batchSize: batch });
      await y.data();
      y.dispose();
    },
    settle: async () => {},
    dispose: () => release([x], [model]),
  };
}

/** Dense(128) → LeakyReLU(0.2) → Dense(units, activation). */
const ganNet = (inputs, units, activation) =>
  tf.sequential({
    layers: [dense(128, undefined, [inputs]), tf.layers.leakyReLU({ alpha: 0.2 }), dense(units, activation)],
  });

/** One discriminator update on 64 real + 64 fake, then one generator update through the
 *  frozen discriminator (only the generator's variables are in its list). */
function ganTraining(batch, latent = 100) {
  const g = ganNet(latent, 784, 'tanh');
  const d = ganNet(784, 1, 'sigmoid');
  const real = uniform(batch, [784], -1, 1);
  const dLabels = tf.tidy(() => tf.concat([tf.ones([batch, 1]), tf.zeros([batch, 1])]));
  const gLabels = tf.ones([batch, 1]);
  const [optD, optG] = [adam(0.0002, 0.5), adam(0.0002, 0.5)];
  const [dVars, gVars] = [trainable(d), trainable(g)];
  const bce = (labels, probs) => tf.metrics.binaryCrossentropy(labels, probs).mean();
  return {
    async call() {
      const both = tf.tidy(() => tf.concat([real, g.apply(tf.randomNormal([batch, latent]))]));
      const lossD = optD.minimize(() => bce(dLabels, d.apply(both, TRAINING)), true, dVars);
      both.dispose();
      const z = tf.randomNormal([batch, latent]);
      const lossG = optG.minimize(() => bce(gLabels, d.apply(g.apply(z, TRAINING), TRAINING)), true, gVars);
      z.dispose();
      await Promise.all([lossD.data(), lossG.data()]);
      tf.dispose([lossD, lossG]);
    },
    settle: () => settle(g),
    dispose: () => release([real, dLabels, gLabels], [optD, optG, g, d]),
  };
}

const WORKLOADS = {
  cnn_train_b32: { unit: 'images/s', per: 32, make: () => classifierTraining(cnn(), [28, 28, 1], 32) },
  cnn_infer_b256: { unit: 'images/s', per: 256, make: () => inference(cnn(), 256) },
  mlp_train_b32: { unit: 'images/s', per: 32, make: () => classifierTraining(mlp(), [784], 32) },
  gan_step_b64: { unit: 'steps/s', per: 1, make: () => ganTraining(64) },
};

/** Lets the event loop run: the cpu backend's reads resolve as microtasks, so without
 *  this a whole workload would block page load and run.mjs' polling. */
const breathe = () => new Promise((resolve) => setTimeout(resolve));

/** Milliseconds per call, over `n` calls. */
async function timeCalls(work, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await work.call();
  await work.settle();
  return (performance.now() - t0) / n;
}

async function measure(name) {
  const { unit, per, make } = WORKLOADS[name];
  const work = make();
  try {
    let ms = 0;
    for (let i = 0; i < WARMUP; i++) {
      await breathe();
      ms = await timeCalls(work, 1);
    }
    // A warm-up too fast for the clock's resolution must not ask for infinitely many calls.
    const calls = Math.max(1, Math.ceil(SAMPLE_MS / Math.max(ms, 0.01)));
    const samples = [];
    const start = performance.now();
    let last = 0;
    while (samples.length < REPEATS && (samples.length === 0 || performance.now() - start + last <= BUDGET_MS)) {
      out.textContent = `${name}: sample ${samples.length + 1}/${REPEATS} (${calls} calls)…`;
      await breathe();
      const t0 = performance.now();
      const perCall = await timeCalls(work, calls);
      last = performance.now() - t0;
      samples.push((per * 1000) / perCall);
    }
    const result = { workload: name, unit, samples };
    if (samples.length < REPEATS) {
      result.note = `${samples.length} of ${REPEATS} samples: capped at ${BUDGET_MS / 1000} s per workload`;
    }
    return result;
  } catch (e) {
    return { workload: name, error: String(e?.message ?? e) };
  } finally {
    work.dispose();
  }
}

function webglRenderer() {
  const gl = tf.backend().gpgpu.gl;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

/** The runtime label for run.mjs and a line of backend details. */
async function describe() {
  if (BACKEND === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    // TF.js caps XNNPACK's pool at hardwareConcurrency / 2, so on 2 cores the threaded
    // binary runs on one thread: name what actually runs.
    const count = tf.wasm.getThreadsCount();
    const flavour = `${simd ? 'simd' : 'no-simd'}${count > 1 ? '+threads' : ''}`;
    return {
      runtime: `tfjs-wasm ${flavour}`,
      details: `SIMD ${simd}, multithread support ${threads} (XNNPACK threads ${count}, `
        + `hardwareConcurrency ${navigator.hardwareConcurrency}), crossOriginIsolated ${crossOriginIsolated}`,
    };
  }
  if (BACKEND === 'webgl') {
    const renderer = webglRenderer();
    const name = /swiftshader/i.test(renderer) ? 'SwiftShader' : renderer;
    return {
      runtime: `tfjs-webgl (${name})`,
      details: `WebGL ${tf.env().getNumber('WEBGL_VERSION')}, renderer ${renderer}`,
    };
  }
  return { runtime: `tfjs-${BACKEND}`, details: '' };
}

async function init() {
  if (typeof tf === 'undefined') {
    throw new Error('TensorFlow.js did not load: run `npm ci` in bench/');
  }
  tf.enableProdMode();
  if (BACKEND === 'wasm') {
    tf.wasm.setWasmPaths(new URL('node_modules/@tensorflow/tfjs-backend-wasm/dist/', location.href).href);
  }
  if (!(await tf.setBackend(BACKEND))) {
    throw new Error(`TensorFlow.js backend '${BACKEND}' failed to initialize`);
  }
  await tf.ready();
}

async function main() {
  await init();
  const { runtime, details } = await describe();
  window.benchRuntime = runtime;
  window.benchDetails = details;
  const names = q.get('workloads')?.split(',') ?? Object.keys(WORKLOADS);
  const results = [];
  for (const name of names) {
    results.push(WORKLOADS[name] ? await measure(name) : { workload: name, error: 'unknown workload' });
  }
  window.benchResults = results;
  window.benchDone = true;
  out.textContent = `${runtime}\n${details}\n${JSON.stringify(results, null, 2)}`;
}

// After `load`, so that run.mjs' page.goto returns before the work starts.
window.addEventListener('load', () => main().catch((e) => {
  window.benchError = String(e?.message ?? e);
  out.textContent = `error: ${window.benchError}`;
}));
