// Small DOM helpers shared by the shell and the lab views. Text always enters the page
// as text (textContent), never as HTML.

/** `el('p', {class: 'muted', id: 'x'}, 'text', child)`: an element with attributes and children. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'hidden') e.hidden = true;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/**
 * A result card: `<div class="card" id>` with a heading and an optional help line whose
 * words come from `tr` (kept in `data-i18n`, so a language switch can redraw them).
 */
export function card(id, title, help = null) {
  const h = el('h2', { 'data-i18n': title });
  const c = el('div', { class: 'card', id }, h);
  if (help) c.append(el('p', { class: 'muted', 'data-i18n': help }));
  return c;
}

/** Fills every `[data-i18n]` (text) and `[data-i18n-label]` (aria-label) under `root`. */
export function translateTree(root, tr) {
  for (const e of root.querySelectorAll('[data-i18n]')) e.textContent = tr(e.dataset.i18n);
  for (const e of root.querySelectorAll('[data-i18n-label]')) e.setAttribute('aria-label', tr(e.dataset.i18nLabel));
}
