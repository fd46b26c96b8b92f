// A small line chart on a canvas: HiDPI aware, redraws on resize, several series, each
// either a dense line (optionally with faint raw points under a smoothed line) or sparse
// markers joined by a line.

export class LineChart {
  constructor(canvas, { yMin = null, yMax = null, percent = false } = {}) {
    this.canvas = canvas;
    this.opts = { yMin, yMax, percent };
    this.series = [];
    this.xMax = 1;
    this.pending = false;
    new ResizeObserver(() => this.requestDraw()).observe(canvas);
  }

  /** Series: {label, color, points: [[x, y]...], raw?: [[x, y]...], markers?: bool}. */
  setSeries(series, xMax) {
    this.series = series;
    this.xMax = Math.max(1, xMax);
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
    const pad = { l: 44, r: 10, t: 22, b: 22 };
    const pw = w - pad.l - pad.r, ph = h - pad.t - pad.b;

    const ys = this.series.flatMap((s) => [...s.points, ...(s.raw || [])].map((p) => p[1])).filter(Number.isFinite);
    let lo = this.opts.yMin ?? (ys.length ? Math.min(...ys) : 0);
    let hi = this.opts.yMax ?? (ys.length ? Math.max(...ys) : 1);
    if (this.opts.yMin === null && lo > 0) lo = 0;
    if (!(hi > lo)) hi = lo + 1;
    const X = (x) => pad.l + (x / this.xMax) * pw;
    const Y = (y) => pad.t + (1 - (Math.min(Math.max(y, lo), hi) - lo) / (hi - lo)) * ph;

    g.font = '11px system-ui, sans-serif';
    g.fillStyle = ink;
    g.strokeStyle = grid;
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const v = lo + ((hi - lo) * i) / 4;
      const y = Y(v);
      g.beginPath(); g.moveTo(pad.l, y); g.lineTo(w - pad.r, y); g.stroke();
      g.fillText(this.opts.percent ? `${Math.round(v * 100)}%` : v.toFixed(hi - lo < 1 ? 2 : 1), pad.l - 6, y);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let i = 0; i <= 4; i++) {
      const x = Math.round((this.xMax * i) / 4);
      g.fillText(String(x), X(x), h - pad.b + 5);
    }

    for (const s of this.series) {
      if (s.raw?.length) {
        g.fillStyle = s.color + '33';
        for (const [x, y] of s.raw) if (Number.isFinite(y)) g.fillRect(X(x) - 1, Y(y) - 1, 2, 2);
      }
      if (!s.points.length) continue;
      g.strokeStyle = s.color;
      g.lineWidth = s.markers ? 1.5 : 2;
      g.beginPath();
      s.points.forEach(([x, y], i) => (i ? g.lineTo(X(x), Y(y)) : g.moveTo(X(x), Y(y))));
      g.stroke();
      if (s.markers) {
        g.fillStyle = s.color;
        for (const [x, y] of s.points) { g.beginPath(); g.arc(X(x), Y(y), 3.5, 0, 2 * Math.PI); g.fill(); }
      }
    }
    // Legend, top left.
    let lx = pad.l + 4;
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    for (const s of this.series) {
      g.fillStyle = s.color;
      g.fillRect(lx, 8, 12, 3);
      g.fillStyle = ink;
      g.fillText(s.label, lx + 16, 10);
      lx += 24 + g.measureText(s.label).width;
    }
  }
}
