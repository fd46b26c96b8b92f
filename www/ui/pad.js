// The drawing pad: the reader writes a digit, the page asks the trained network.

/**
 * A drawing pad: pointer strokes in white on black; `onImage(pixels)` receives a 28×28
 * MNIST-style image (ink fitted into 20×20, centred by centre of mass) after each stroke
 * and, throttled, while drawing.
 */
export class DrawPad {
  constructor(canvas, onImage) {
    this.canvas = canvas;
    this.g = canvas.getContext('2d', { willReadFrequently: true });
    this.onImage = onImage;
    this.drawing = false;
    this.last = 0;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => this.start(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const t of ['pointerup', 'pointercancel', 'pointerleave']) canvas.addEventListener(t, () => this.end());
  }

  pos(e) {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * this.canvas.width, ((e.clientY - r.top) / r.height) * this.canvas.height];
  }

  start(e) {
    e.preventDefault();
    this.canvas.setPointerCapture?.(e.pointerId);
    this.drawing = true;
    this.hasInk = true;
    const [x, y] = this.pos(e);
    this.g.beginPath();
    this.g.moveTo(x, y);
    this.g.lineTo(x + 0.1, y + 0.1);
    this.g.stroke();
  }

  move(e) {
    if (!this.drawing) return;
    const [x, y] = this.pos(e);
    this.g.lineTo(x, y);
    this.g.stroke();
    const now = performance.now();
    if (now - this.last > 120) { this.last = now; this.emit(); }
  }

  end() {
    if (!this.drawing) return;
    this.drawing = false;
    this.emit();
  }

  /** Puts a picture (a canvas of white ink on black, e.g. a test image) on the pad and asks. */
  show(source) {
    this.clear();
    this.g.imageSmoothingEnabled = false;
    this.g.drawImage(source, 0, 0, this.canvas.width, this.canvas.height);
    this.hasInk = true;
    this.emit();
  }

  clear() {
    const g = this.g;
    g.fillStyle = '#000';
    g.fillRect(0, 0, this.canvas.width, this.canvas.height);
    g.strokeStyle = '#fff';
    g.lineWidth = this.canvas.width / 14;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    this.hasInk = false;
  }

  emit() {
    const px = this.toMnist();
    if (px) this.onImage(px);
  }

  /** The drawing as 28×28 bytes, or null when the pad is empty. */
  toMnist() {
    const { width: W, height: H } = this.canvas;
    const src = this.g.getImageData(0, 0, W, H).data;
    let x0 = W, y0 = H, x1 = -1, y1 = -1;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      if (src[(y * W + x) * 4] > 20) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    }
    if (x1 < 0) return null;
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    const s = 20 / Math.max(bw, bh);
    const sw = Math.max(1, Math.round(bw * s)), sh = Math.max(1, Math.round(bh * s));
    const tmp = document.createElement('canvas');
    tmp.width = sw;
    tmp.height = sh;
    const tg = tmp.getContext('2d', { willReadFrequently: true });
    tg.imageSmoothingEnabled = true;
    tg.imageSmoothingQuality = 'high';
    tg.drawImage(this.canvas, x0, y0, bw, bh, 0, 0, sw, sh);
    const small = tg.getImageData(0, 0, sw, sh).data;
    let m = 0, mx = 0, my = 0;
    for (let y = 0; y < sh; y++) for (let x = 0; x < sw; x++) {
      const v = small[(y * sw + x) * 4];
      m += v; mx += v * x; my += v * y;
    }
    const ox = Math.round(14 - (m ? mx / m : sw / 2)), oy = Math.round(14 - (m ? my / m : sh / 2));
    const out = new Uint8Array(784);
    for (let y = 0; y < sh; y++) for (let x = 0; x < sw; x++) {
      const tx = x + ox, ty = y + oy;
      if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28) out[ty * 28 + tx] = small[(y * sw + x) * 4];
    }
    return out;
  }
}
