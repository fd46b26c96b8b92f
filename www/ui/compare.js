// The runs of a compare lab side by side: one card per value of the compared setting
// (the lab's table names it; the shell runs one link per value on two workers). Each card
// charts train vs test accuracy per epoch (and the perturbed test set where the lab has
// one), optionally the losses and the first layer's weight histogram, and a line of facts
// the lab words.
import { el, card } from './dom.js';
import { LineChart } from './chart.js';

export class CompareView {
  /**
   * The compared setting comes from the lab's table; its values name the cards
   * (`${key}_${value}` strings). `opts.losses`, `opts.histogram`: draw those too; `opts.facts(last, tr)`: the facts
   * line of a card from its latest epoch record.
   */
  constructor(ctx, opts) {
    this.ctx = ctx;
    this.opts = opts;
    const id = ctx.spec().id;
    this.key = ctx.spec().compare;
    this.card = card('card-compare', `compare_title_${id}`, `compare_help_${id}`);
    this.grid = el('div', { id: 'compare', class: 'compare-grid' });
    this.card.append(this.grid);
    ctx.root.append(this.card);
    this.jobs = [];
  }

  /** Cards for the runs a link describes (before any run, or when settings change). */
  onParsed(parsed) {
    if (this.running) return;
    this.layout(parsed.variants.map((v) => v.value));
  }

  layout(values) {
    this.grid.textContent = '';
    this.jobs = values.map((value) => {
      // Each chart is named by the run's title and what it draws (words that follow the language).
      const id = `compare-${this.key}-${value}`;
      const named = (what) => ({ role: 'img', 'aria-labelledby': `${id}-title ${id}-${what}` });
      const c = el('div', { class: 'compare-card', dataset: { variant: value } },
        el('h3', { id: `${id}-title` }, this.ctx.tr(`${this.key}_${value}`)),
        el('span', { id: `${id}-acc`, class: 'sr-only', 'data-i18n': 'accuracy' }, this.ctx.tr('accuracy')),
        el('span', { id: `${id}-loss`, class: 'sr-only', 'data-i18n': 'loss' }, this.ctx.tr('loss')),
        el('span', { id: `${id}-hist`, class: 'sr-only', 'data-i18n': 'weights_histogram' }, this.ctx.tr('weights_histogram')),
        el('canvas', { class: 'chart small', ...named('acc') }),
        el('canvas', { class: 'chart small loss', ...named('loss'), hidden: !this.opts.losses }),
        el('canvas', { class: 'hist', ...named('hist'), hidden: !this.opts.histogram }),
        el('p', { class: 'compare-facts muted' }));
      this.grid.append(c);
      const job = { value, card: c, epochs: [], sums: { loss: 0, penalty: 0, steps: 0 }, hist: null, done: false };
      job.chart = new LineChart(c.querySelector('canvas.chart'), { yMin: 0, yMax: 1, percent: true });
      job.lossChart = new LineChart(c.querySelector('canvas.loss'));
      this.renderJob(job);
      return job;
    });
  }

  reset() {
    this.running = false;
    this.layout(this.jobs.map((j) => j.value));
  }

  onStart(index) {
    this.running = true;
    const job = this.jobs[index];
    if (job) this.renderJob(job);
  }

  onProgress(index, p) {
    const job = this.jobs[index];
    if (!job) return;
    const s = p.payload;
    // Mean data loss and penalty over the epoch's steps, for the loss chart.
    s.losses.forEach((l) => { job.sums.loss += l; job.sums.steps++; });
    (s.penalties || []).forEach((v) => { job.sums.penalty += v; });
    const e = s.epoch_end;
    if (e) {
      const n = Math.max(1, job.sums.steps);
      job.epochs.push({ ...e, data_loss: job.sums.loss / n, penalty: job.sums.penalty / n });
      job.sums = { loss: 0, penalty: 0, steps: 0 };
      job.hist = e.kernel_histogram ?? null;
      this.renderJob(job);
    }
  }

  onSummary(index) {
    const job = this.jobs[index];
    if (!job) return;
    job.done = true;
    this.renderJob(job);
    if (this.jobs.every((j) => j.done)) this.running = false;
  }

  redraw() {
    for (const job of this.jobs) {
      job.card.querySelector('h3').textContent = this.ctx.tr(`${this.key}_${job.value}`);
      this.renderJob(job);
    }
  }

  renderJob(job) {
    const tr = this.ctx.tr;
    const epochs = Math.max(1, ...job.epochs.map((e) => e.epoch));
    const series = (name, color, key) => ({ label: tr(name), color, points: job.epochs.map((e) => [e.epoch, e[key]]) });
    job.chart.setSeries([
      series('train_set', '#2563eb', 'train_accuracy'),
      series('test_set', '#ea580c', 'test_accuracy'),
      ...(this.opts.shifted ? [series('shifted_set', '#16a34a', 'shifted_accuracy')] : []),
    ], epochs);
    // Data loss and penalty apart: the objective is their sum.
    if (this.opts.losses) {
      job.lossChart.setSeries([
        series('data_loss', '#2563eb', 'data_loss'),
        series('test_loss', '#ea580c', 'test_loss'),
        series('penalty', '#a855f7', 'penalty'),
      ], epochs);
    }
    if (this.opts.histogram) drawHistogram(job.card.querySelector('canvas.hist'), job.hist);
    const last = job.epochs.at(-1);
    job.card.querySelector('.compare-facts').textContent = last ? this.opts.facts(last, tr) : tr('compare_waiting');
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
