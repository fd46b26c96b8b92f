// Pictures from the core (RGBA bytes with a key, width and height) on canvases: scaled
// with crisp pixels, and the gallery of test images with the network's guesses.

/** Draws RGBA bytes (`width × height × 4`) onto `canvas`, scaled up with crisp pixels. */
export function drawPixels(canvas, width, height, rgba, scale) {
  const src = document.createElement('canvas');
  src.width = width;
  src.height = height;
  const bytes = new Uint8ClampedArray(rgba.buffer ?? rgba, rgba.byteOffset ?? 0, width * height * 4);
  src.getContext('2d').putImageData(new ImageData(bytes, width, height), 0, 0);
  canvas.width = width * scale;
  canvas.height = height * scale;
  const g = canvas.getContext('2d');
  g.imageSmoothingEnabled = false;
  g.drawImage(src, 0, 0, canvas.width, canvas.height);
}

/** Draws one of the core's pictures (`{width, height, rgba}`). */
export function drawPicture(canvas, picture, scale) {
  drawPixels(canvas, picture.width, picture.height, picture.rgba, scale);
}

/** The pictures of a progress envelope by key (`test/12`, `filters`, …). */
export function picturesByKey(progress) {
  return new Map((progress.pictures || []).map((p) => [p.key, p]));
}

/**
 * Fills `root` with one tile per test image: picture, guess, confidence, mistakes marked.
 * `items`: [{index, label, predicted, confidence}]; `pictures`: key -> picture.
 */
export function drawGallery(root, items, pictures, classes, tr) {
  root.textContent = '';
  for (const it of items) {
    const wrong = it.predicted !== it.label;
    const fig = document.createElement('figure');
    fig.className = wrong ? 'tile wrong' : 'tile';
    const c = document.createElement('canvas');
    const pic = pictures.get(`test/${it.index}`);
    if (pic) drawPicture(c, pic, 2);
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', `${tr('truth', { t: classes[it.label] })}, ${tr('predicted', { p: classes[it.predicted] })}`);
    const cap = document.createElement('figcaption');
    const guess = document.createElement('b');
    guess.textContent = classes[it.predicted];
    const conf = document.createElement('span');
    conf.textContent = `${Math.round(it.confidence * 100)}%`;
    cap.append(guess, ' ', conf);
    fig.append(c, cap);
    if (wrong) {
      const truth = document.createElement('div');
      truth.className = 'truth';
      truth.textContent = tr('truth', { t: classes[it.label] });
      fig.append(truth);
    }
    root.append(fig);
  }
}
