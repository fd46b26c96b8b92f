// A small line chart on a canvas: HiDPI aware, redraws on resize, several series, each
// either a dense line (optionally with faint raw points under a smoothed line) or sparse
// markers joined by a line.

import { num } from './format.js';

/**
 * The points of a dense series reduced to each pixel column's first minimum and maximum
 * (in drawing order), with a gap kept wherever a value is not finite.
 */
export function decimate(points, X, tf) {
  const out = [];
  let col = null, lo = null, hi = null;
  const flush = () => {
    if (lo) out.push(...(lo[0] <= hi[0] ? [lo, hi] : [hi, lo]).filter((p, i, a) => i === 0 || p !== a[0]));
    lo = hi = null;
  };
  for (const p of points) {
    const c = Math.round(X(p[0]));
    if (c !== col) { flush(); col = c; }
    const v = tf(p[1]);
    if (!Number.isFinite(v)) { flush(); out.push(p); continue; }
    if (!lo || v < tf(lo[1])) lo = p;
    if (!hi || v > tf(hi[1])) hi = p;
  }
  flush();
  return out;
}

export class LineChart {
  static count = 0;

  constructor(canvas, { yMin = null, yMax = null, percent = false, log = false, tight = false, xTicks = null } = {}) {
    this.canvas = canvas;
    // tight: the y axis spans the data instead of starting at zero. xTicks: a log x axis
    // from the first tick to xMax, labelled at those values.
    this.opts = { yMin, yMax, percent, log, tight, xTicks };
    this.series = [];
    this.xMax = 1;
    this.pending = false;
    new ResizeObserver(() => this.requestDraw()).observe(canvas);
    // The chart in words, for screen readers: each series from its first to its last value.
    this.summary = document.createElement('p');
    this.summary.className = 'sr-only chart-summary';
    this.summary.id = `${canvas.id || 'chart'}-summary-${++LineChart.count}`;
    canvas.after(this.summary);
    canvas.setAttribute('aria-describedby', this.summary.id);
  }

  /** `label: first → last` for every series with points. */
  describe() {
    const v = (y) => (!Number.isFinite(y) ? String(y) : this.opts.percent ? `${(y * 100).toFixed(1)}%` : Math.abs(y) >= 1e4 || (y !== 0 && Math.abs(y) < 1e-3) ? y.toExponential(2) : num(y, { maximumSignificantDigits: 4 }));
    return this.series.filter((s) => s.points?.length && !s.noLegend)
      .map((s) => `${s.label}: ${v(s.points[0][1])} → ${v(s.points.at(-1)[1])}`).join('; ');
  }

  /** Series: {label, color, points: [[x, y]...], raw?: [[x, y]...], markers?: bool, radius?: px}. */
  setSeries(series, xMax, alarm = null) {
    this.series = series;
    this.alarm = alarm; // {x, label}: a red marker where the run broke (NaN/Inf)
    this.xMax = xMax > 0 ? xMax : 1;
    this.summary.textContent = this.describe();
    if (!this.summary.parentNode && this.canvas.parentNode) this.canvas.after(this.summary);
    this.requestDraw();
  }

  requestDraw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  draw() {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth, h = c.clientHeight;
    if (!w || !h) return;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const css = getComputedStyle(document.documentElement);
    const ink = css.getPropertyValue('--muted').trim() || '#64748b';
    const grid = css.getPropertyValue('--grid').trim() || '#e2e8f0';
    const pad = { l: 52, r: 14, t: 22, b: 22 }; // r: room for half of the last x label
    // The legend wraps onto more rows on a narrow chart; the plot starts below it.
    g.font = '11px system-ui, sans-serif';
    const legend = [];
    let lx = pad.l + 4, row = 0;
    for (const s of this.series) {
      if (s.noLegend) continue;
      const width = 24 + g.measureText(s.label).width;
      if (lx > pad.l + 4 && lx + width - 8 > w - pad.r) { lx = pad.l + 4; row++; }
      legend.push({ s, x: lx, y: 10 + row * 14 });
      lx += width;
    }
    pad.t += row * 14;
    const pw = w - pad.l - pad.r, ph = h - pad.t - pad.b;

    // On a log scale values are plotted as log10(y); zeros and non-finite values are skipped.
    const log = this.opts.log;
    const tf = (y) => (log ? (y > 0 ? Math.log10(y) : NaN) : y);
    let lo, hi;
    for (const s of this.series) {
      for (const p of [...s.points, ...(s.raw || [])]) {
        const v = tf(p[1]);
        if (!Number.isFinite(v)) continue;
        lo = lo === undefined ? v : Math.min(lo, v);
        hi = hi === undefined ? v : Math.max(hi, v);
      }
    }
    const empty = lo === undefined;
    lo = this.opts.yMin ?? lo ?? 0;
    hi = this.opts.yMax ?? hi ?? 1;
    if (log) { lo = Math.floor(lo); hi = Math.ceil(hi); }
    else if (this.opts.tight && hi > lo) { const m = (hi - lo) * 0.1; lo -= m; hi += m; }
    else if (this.opts.yMin === null && lo > 0) lo = 0;
    if (!(hi > lo)) hi = lo + 1;
    const xTicks = this.opts.xTicks;
    const x0 = xTicks ? Math.log10(xTicks[0]) : 0;
    const X = xTicks
      ? (x) => pad.l + ((Math.log10(x) - x0) / (Math.log10(this.xMax) - x0 || 1)) * pw
      : (x) => pad.l + (x / this.xMax) * pw;
    const Y = (y) => pad.t + (1 - (Math.min(Math.max(tf(y), lo), hi) - lo) / (hi - lo)) * ph;
    const Yv = (v) => pad.t + (1 - (v - lo) / (hi - lo)) * ph;

    g.font = '11px system-ui, sans-serif';
    g.fillStyle = ink;
    g.strokeStyle = grid;
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    // Log scale: one tick per power of ten, or per 2, 3… powers when the range is wide.
    const every = log ? Math.ceil((hi - lo) / 6) : 1;
    const steps = log ? Math.floor((hi - lo) / every) : 4;
    for (let i = 0; i <= steps; i++) {
      const v = log ? lo + i * every : lo + ((hi - lo) * i) / 4;
      const y = Yv(v);
      g.beginPath(); g.moveTo(pad.l, y); g.lineTo(w - pad.r, y); g.stroke();
      const big = Math.abs(v) >= 1e4;
      const label = log ? `1e${v}` : this.opts.percent ? `${Math.round(v * 100)}%` : big ? v.toExponential(1) : v.toFixed(hi - lo < 2 ? 2 : 1);
      // An empty chart without a fixed range has no scale yet: grid lines only.
      if (empty && this.opts.yMin === null) continue;
      g.fillText(label, pad.l - 6, y);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    if (xTicks) {
      // The last label ends at the axis' end rather than spilling past the canvas.
      for (const x of xTicks) {
        g.textAlign = x === xTicks.at(-1) && X(x) > w - pad.r - 10 ? 'right' : 'center';
        g.fillText(num(x), Math.min(X(x), w - 2), h - pad.b + 5);
      }
      g.textAlign = 'center';
    }
    else for (let i = 0; i <= 4; i++) {
      // Whole steps on long axes, fractions on a 0..1 axis (e.g. a ROC curve's FPR).
      const whole = this.xMax > 1;
      const x = whole ? Math.round((this.xMax * i) / 4) : (this.xMax * i) / 4;
      g.fillText(whole ? String(x) : x.toFixed(2), X(x), h - pad.b + 5);
    }

    for (const s of this.series) {
      if (s.raw?.length) {
        g.fillStyle = s.color + '33';
        for (const [x, y] of s.raw) if (Number.isFinite(tf(y))) g.fillRect(X(x) - 1, Y(y) - 1, 2, 2);
      }
      if (!s.points.length) continue;
      g.strokeStyle = s.color;
      g.lineWidth = s.markers ? 1.5 : s.thin ? 1.25 : 2;
      g.beginPath();
      let pen = false;
      // A long run's curve has far more points than the plot has pixels: draw each pixel
      // column's lowest and highest value only, so a redraw costs the same at any length.
      const points = !s.markers && s.points.length > 2 * pw ? decimate(s.points, X, tf) : s.points;
      for (const [x, y] of points) {
        // A gap where a value is missing or not finite.
        if (!Number.isFinite(tf(y))) { pen = false; continue; }
        if (pen) g.lineTo(X(x), Y(y)); else g.moveTo(X(x), Y(y));
        pen = true;
      }
      g.stroke();
      if (s.markers) {
        g.fillStyle = s.color;
        const r = s.radius ?? 3.5; // a larger dot marks a single point of interest
        for (const [x, y] of s.points) if (Number.isFinite(tf(y))) { g.beginPath(); g.arc(X(x), Y(y), r, 0, 2 * Math.PI); g.fill(); }
      }
    }
    if (this.alarm) {
      const x = X(this.alarm.x);
      g.strokeStyle = '#dc2626';
      g.setLineDash([4, 3]);
      g.beginPath(); g.moveTo(x, pad.t); g.lineTo(x, h - pad.b); g.stroke();
      g.setLineDash([]);
      g.fillStyle = '#dc2626';
      g.font = 'bold 11px system-ui, sans-serif';
      g.textAlign = x > w / 2 ? 'right' : 'left';
      g.fillText(this.alarm.label, x + (x > w / 2 ? -4 : 4), pad.t + 12);
      g.font = '11px system-ui, sans-serif';
    }
    // Legend, top left.
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    for (const { s, x, y } of legend) {
      g.fillStyle = s.color;
      g.fillRect(x, y - 2, 12, 3);
      g.fillStyle = ink;
      g.fillText(s.label, x + 16, y);
    }
  }
}
