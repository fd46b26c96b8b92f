// Side-by-side runs of one lab that differ in a single setting (the regularization lab's
// penalty, the augmentation lab's on/off), spread over two workers so both cores train
// at once. Each card shows train vs test accuracy per epoch and, when the lab reports
// them, accuracy on the perturbed test set, the first layer's weight histogram and the
// fraction of weights that are (almost) zero.
import { LineChart } from './chart.js';

/** The setting each compare lab varies, and its values in display order. */
export const COMPARE = {
  regularization: { key: 'variant', values: ['none', 'l1', 'l2', 'l1_l2'] },
  augmentation: { key: 'augment', values: ['off', 'on'] },
};
const WORKERS = 2;

export class ComparePool {
  /** `ui`: {root, tr, onProgress(fraction, text), onDone(), onError(message)}. */
  constructor(ui) {
    this.ui = ui;
    this.workers = [];
    this.generation = 0;
  }

  /** Starts one run per value of the lab's compared setting (`canonical`: link without `#`). */
  start(lab, canonical) {
    this.stop();
    const gen = ++this.generation;
    const { key, values } = COMPARE[lab];
    this.key = key;
    this.jobs = values.map((variant, i) => ({
      variant,
      run: gen * 10 + i,
      link: canonical.replace(new RegExp(`(^|&)${key}=[a-z0-9_]+`), `$1${key}=${variant}`),
      step: 0,
      total: 1,
      epochs: [],
      hist: null,
      done: false,
      sums: { loss: 0, penalty: 0, steps: 0 },
    }));
    this.queue = [...this.jobs];
    this.render();
    while (this.workers.length < WORKERS) this.workers.push(this.spawn());
    for (const w of this.workers) this.next(w);
  }

  spawn() {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    w.onmessage = (ev) => this.onMessage(w, ev.data);
    w.onerror = (e) => this.ui.onError(e.message || 'worker failed to start');
    return w;
  }

  next(w) {
    const job = this.queue.shift();
    w.job = job;
    if (job) w.postMessage({ type: 'start', run: job.run, link: job.link });
  }

  stop() {
    this.generation++;
    for (const w of this.workers) { w.postMessage({ type: 'reset' }); w.job = null; }
    this.queue = [];
  }

  onMessage(w, m) {
    const job = w.job;
    if (m.type === 'error') { this.ui.onError(m.message); return; }
    if (!job || m.run !== job.run) return;
    if (m.type === 'snapshot') {
      const s = m.snapshot;
      job.step = s.step;
      job.total = s.total_steps;
      // Mean data loss and penalty over the epoch's steps, for the loss chart.
      s.losses.forEach((l) => { job.sums.loss += l; job.sums.steps++; });
      (s.penalties || []).forEach((p) => { job.sums.penalty += p; });
      if (s.train_accuracy !== undefined && s.train_accuracy !== null) {
        const n = Math.max(1, job.sums.steps);
        job.epochs.push({
          epoch: s.epoch, train: s.train_accuracy, test: s.test_accuracy, shifted: s.shifted_accuracy,
          dataLoss: job.sums.loss / n, penalty: job.sums.penalty / n, testLoss: s.test_loss,
        });
        job.sums = { loss: 0, penalty: 0, steps: 0 };
        job.hist = s.kernel_histogram;
        this.renderJob(job);
      }
      const step = this.jobs.reduce((a, j) => a + j.step, 0);
      const total = this.jobs.reduce((a, j) => a + j.total, 0);
      this.ui.onProgress(step / total, this.ui.tr('compare_progress', { done: this.jobs.filter((j) => j.done).length, n: this.jobs.length }));
    } else if (m.type === 'done') {
      job.done = true;
      this.renderJob(job);
      if (this.jobs.every((j) => j.done)) this.ui.onDone();
      else this.next(w);
    }
  }

  render() {
    const root = this.ui.root;
    root.textContent = '';
    for (const job of this.jobs) {
      const card = document.createElement('div');
      card.className = 'compare-card';
      card.dataset.variant = job.variant;
      card.innerHTML = `<h3></h3><canvas class="chart small"></canvas><canvas class="chart small loss"></canvas><canvas class="hist"></canvas><p class="compare-facts muted"></p>`;
      card.querySelector('h3').textContent = this.ui.tr(`${this.key}_${job.variant}`);
      job.card = card;
      job.chart = new LineChart(card.querySelector('canvas.chart'), { yMin: 0, yMax: 1, percent: true });
      job.lossChart = new LineChart(card.querySelector('canvas.loss'));
      root.append(card);
      this.renderJob(job);
    }
  }

  renderJob(job) {
    const tr = this.ui.tr;
    const epochs = Math.max(1, ...job.epochs.map((e) => e.epoch));
    const shifted = job.epochs.some((e) => e.shifted !== undefined && e.shifted !== null);
    job.chart.setSeries([
      { label: tr('train_set'), color: '#2563eb', points: job.epochs.map((e) => [e.epoch, e.train]) },
      { label: tr('test_set'), color: '#ea580c', points: job.epochs.map((e) => [e.epoch, e.test]) },
      ...(shifted ? [{ label: tr('shifted_set'), color: '#16a34a', points: job.epochs.map((e) => [e.epoch, e.shifted]) }] : []),
    ], epochs);
    // Data loss and penalty apart: the objective is their sum.
    job.card.querySelector('canvas.loss').hidden = shifted;
    if (!shifted) {
      job.lossChart.setSeries([
        { label: tr('data_loss'), color: '#2563eb', points: job.epochs.map((e) => [e.epoch, e.dataLoss]) },
        { label: tr('test_loss'), color: '#ea580c', points: job.epochs.map((e) => [e.epoch, e.testLoss]) },
        { label: tr('penalty'), color: '#a855f7', points: job.epochs.map((e) => [e.epoch, e.penalty]) },
      ], epochs);
    }
    const histCanvas = job.card.querySelector('canvas.hist');
    histCanvas.hidden = shifted; // the weight histogram belongs to the regularization story
    if (!shifted) drawHistogram(histCanvas, job.hist);
    const last = job.epochs.at(-1);
    const pct = (v) => (v * 100).toFixed(1);
    job.card.querySelector('.compare-facts').textContent = !last
      ? tr('compare_waiting')
      : shifted
        ? tr('augment_facts', { train: pct(last.train), test: pct(last.test), shifted: pct(last.shifted) })
        : tr('compare_facts', { train: pct(last.train), test: pct(last.test), gap: ((last.train - last.test) * 100).toFixed(1), zero: (job.hist.near_zero * 100).toFixed(0) });
    job.card.classList.toggle('finished', job.done);
  }
}

/** Bars of the first layer's weight histogram; the bin holding 0 is highlighted. */
function drawHistogram(canvas, hist) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 200, h = canvas.clientHeight || 90;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  if (!hist) return;
  const n = hist.counts.length;
  // Square-root scale: the spike at zero under L1 would otherwise flatten everything else.
  const max = Math.sqrt(Math.max(...hist.counts, 1));
  const bw = w / n;
  hist.counts.forEach((c, i) => {
    const bh = (Math.sqrt(c) / max) * (h - 14);
    const centre = hist.lo + ((i + 0.5) * (hist.hi - hist.lo)) / n;
    g.fillStyle = Math.abs(centre) < (hist.hi - hist.lo) / n ? '#ea580c' : '#64748b';
    g.fillRect(i * bw + 0.5, h - 12 - bh, Math.max(1, bw - 1), bh);
  });
  g.fillStyle = '#64748b';
  g.font = '10px system-ui, sans-serif';
  g.textBaseline = 'bottom';
  g.textAlign = 'left';
  g.fillText(hist.lo.toFixed(2), 0, h);
  g.textAlign = 'center';
  g.fillText('0', w / 2, h);
  g.textAlign = 'right';
  g.fillText(hist.hi.toFixed(2), w, h);
}
