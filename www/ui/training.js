// What every image-classifier training lab shows: loss and accuracy curves (per step,
// with the test set at each epoch), the first test images with the network's guesses, a
// pad to draw on, and optionally the first layer's filters or per-layer gradient norms.
// A lab view creates one TrainingView and forwards the shell's calls to it.
import { el, card } from './dom.js';
import { LineChart } from './chart.js';
import { DrawPad } from './pad.js';
import { drawGallery, drawPicture, picturesByKey } from './images.js';

const COLORS = { train: '#2563eb', test: '#ea580c' };

export class TrainingView {
  /** `ctx`: the shell's context; `opts.grads`: per-layer gradient chart; `opts.filters`: filters card. */
  constructor(ctx, { grads = false, filters = false } = {}) {
    this.ctx = ctx;
    this.opts = { grads, filters };
    const curves = card('card-curves', 'curves');
    const figure = (id, caption) => el('figure', {}, el('figcaption', { 'data-i18n': caption }), el('canvas', { id, class: 'chart', role: 'img', 'data-i18n-label': caption }));
    curves.append(el('div', { class: 'charts' }, figure('chart-loss', 'loss'), figure('chart-acc', 'accuracy')));
    this.cards = [curves];
    if (grads) {
      const g = card('card-grads', 'grads_title', 'grads_help');
      g.append(el('canvas', { id: 'chart-grads', class: 'chart tall', role: 'img', 'data-i18n-label': 'grads_title' }));
      g.hidden = true;
      this.cards.push(g);
    }
    const draw = card('card-draw', 'draw_title', 'draw_help');
    const pad = el('canvas', { id: 'pad', width: 280, height: 280, role: 'img', 'data-i18n-label': 'draw_title' });
    const clear = el('button', { type: 'button', id: 'clear-pad', class: 'ghost', 'data-i18n': 'clear' });
    // Without a pointer (keyboard, screen reader): put the next test image on the pad.
    this.sample = el('button', { type: 'button', id: 'pad-sample', class: 'ghost', 'data-i18n': 'pad_sample', disabled: true });
    this.probs = el('ol', { id: 'probs', class: 'probs', 'aria-live': 'polite' });
    draw.append(el('div', { class: 'pad-row' }, el('div', { class: 'pad-wrap' }, pad, el('div', { class: 'pad-buttons' }, clear, this.sample)), this.probs));
    this.cards.push(draw);
    const gallery = card('card-gallery', 'gallery_title', 'gallery_help');
    this.gallery = el('div', { id: 'gallery', class: 'gallery' });
    gallery.append(this.gallery);
    this.cards.push(gallery);
    if (filters) {
      const f = card('card-filters', 'filters_title', 'filters_help');
      this.filters = el('canvas', { id: 'filters', class: 'filters', role: 'img', 'data-i18n-label': 'filters_title' });
      f.append(this.filters);
      f.hidden = true;
      this.cards.push(f);
    }
    ctx.root.append(...this.cards);
    this.lossChart = new LineChart(curves.querySelector('#chart-loss'));
    this.accChart = new LineChart(curves.querySelector('#chart-acc'), { yMin: 0, yMax: 1, percent: true });
    if (grads) this.gradChart = new LineChart(this.cards[1].querySelector('#chart-grads'), { log: true });
    this.pad = new DrawPad(pad, (pixels) => {
      if (this.hasModel) ctx.send({ type: 'predict', pixels });
    });
    clear.addEventListener('click', () => { this.pad.clear(); this.renderProbs(null); });
    this.sampled = -1;
    this.sample.addEventListener('click', () => {
      const tiles = this.gallery.querySelectorAll('canvas');
      if (!tiles.length || !this.hasModel) return;
      this.sampled = (this.sampled + 1) % tiles.length;
      this.pad.show(tiles[this.sampled]);
    });
    this.reset();
  }

  reset() {
    this.history = { loss: [], acc: [], test: [], grads: [] };
    this.alarm = null;
    this.totalSteps = 1;
    this.classes = [];
    this.hasModel = false;
    this.gallery.textContent = '';
    this.lastGallery = null;
    this.sample.disabled = true;
    this.sampled = -1;
    this.pad.canvas.classList.add('locked');
    for (const id of ['card-grads', 'card-filters']) {
      const c = this.cards.find((x) => x.id === id);
      if (c) c.hidden = true;
    }
    this.renderProbs(null);
    this.draw();
  }

  onStart(_job, info) {
    this.classes = info.classes;
    this.layers = info.layers;
    this.hasModel = true;
    this.pad.canvas.classList.remove('locked');
    this.renderProbs(null);
  }

  onProgress(_job, p) {
    const s = p.payload;
    const h = this.history;
    this.totalSteps = p.total;
    const first = p.step - s.losses.length;
    s.losses.forEach((l, i) => h.loss.push([first + i + 1, l]));
    s.accuracies.forEach((a, i) => h.acc.push([first + i + 1, a]));
    (s.grad_norms || []).forEach((norms, i) => norms.forEach((g, layer) => {
      (h.grads[layer] ||= []).push([first + i + 1, g]);
    }));
    if (p.stopped?.reason === 'diverged') {
      const bad = s.losses.findIndex((l) => !Number.isFinite(l));
      const shown = bad >= 0 ? (s.losses[bad] === null ? 'NaN' : String(s.losses[bad])) : 'Inf';
      this.alarm = { x: bad >= 0 ? first + bad + 1 : p.step, label: this.ctx.tr('broke_at', { v: shown, s: p.step }) };
    }
    const e = s.epoch_end;
    if (e) {
      h.test.push([e.step, e.test_accuracy, e.test_loss]);
      this.ctx.setFact('test_accuracy', e.test_accuracy);
    }
    if (s.gallery?.length) {
      this.lastGallery = { items: s.gallery, pictures: picturesByKey(p) };
      this.drawGallery();
    }
    const filters = (p.pictures || []).find((x) => x.key === 'filters');
    if (filters && this.filters) {
      this.cards.find((x) => x.id === 'card-filters').hidden = false;
      drawPicture(this.filters, filters, 8);
    }
    this.draw();
  }

  /** "epoch 2 of 3" for the status line. */
  describe(p) {
    const s = p.payload;
    if (!s || s.epochs === undefined) return [];
    const finished = p.done && !p.stopped;
    return [this.ctx.tr('epoch_of', { e: Math.min(s.epoch + (finished ? 0 : 1), s.epochs), n: s.epochs })];
  }

  onPrediction(probs) {
    this.renderProbs(probs);
  }

  redraw() {
    this.drawGallery();
    this.renderProbs(this.lastProbs ?? null);
    this.draw();
  }

  drawGallery() {
    this.sample.disabled = !this.lastGallery;
    if (this.lastGallery) drawGallery(this.gallery, this.lastGallery.items, this.lastGallery.pictures, this.classes, this.ctx.tr);
  }

  draw() {
    const tr = this.ctx.tr;
    const h = this.history;
    // Smoothing adapts to the run's length so short runs are not all lag.
    const ema = (pts) => {
      const a = Math.min(0.3, Math.max(0.03, 8 / Math.max(1, this.totalSteps)));
      let m = null;
      return pts.map(([x, y]) => { m = m === null ? y : m + a * (y - m); return [x, m]; });
    };
    const raw = h.loss.filter(([, y]) => Number.isFinite(y));
    this.lossChart.setSeries([
      { label: tr('train_series'), color: COLORS.train, points: ema(raw), raw },
      { label: tr('test_series'), color: COLORS.test, points: h.test.map(([x, , l]) => [x, l]), markers: true },
    ], this.totalSteps, this.alarm);
    this.accChart.setSeries([
      { label: tr('train_series'), color: COLORS.train, points: ema(h.acc), raw: h.acc },
      { label: tr('test_series'), color: COLORS.test, points: h.test.map(([x, a]) => [x, a]), markers: true },
    ], this.totalSteps);
    if (this.gradChart && h.grads.length) {
      this.cards.find((x) => x.id === 'card-grads').hidden = false;
      const n = h.grads.length;
      this.gradChart.setSeries(h.grads.map((pts, i) => {
        // Light (input side) to dark (output side).
        const t = n > 1 ? i / (n - 1) : 1;
        const color = `hsl(${Math.round(200 + 60 * t)}, 70%, ${Math.round(72 - 42 * t)}%)`;
        const label = i === 0 ? tr('layer_input') : i === n - 1 ? tr('layer_output') : '';
        return { label, color, points: pts, thin: true, noLegend: !label };
      }), this.totalSteps, this.alarm);
    }
  }

  renderProbs(probs) {
    this.lastProbs = probs;
    const ol = this.probs;
    ol.textContent = '';
    if (!probs) {
      ol.append(el('li', { class: 'hint' }, this.ctx.tr(this.hasModel ? 'draw_now' : 'draw_first')));
      return;
    }
    const best = probs.indexOf(Math.max(...probs));
    probs.forEach((p, i) => {
      const bar = el('i');
      bar.style.width = `${(p * 100).toFixed(1)}%`;
      const li = el('li', { class: i === best ? 'best' : null, dataset: { prob: String(p) } },
        el('span', { class: 'cls' }, this.classes[i] ?? String(i)),
        el('span', { class: 'bar' }, bar),
        el('span', { class: 'pct' }, `${(p * 100).toFixed(1)}%`));
      ol.append(li);
    });
  }
}
