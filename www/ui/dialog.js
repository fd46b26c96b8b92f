// One modal sheet for the shell's tools (share, embed, export, code): a native <dialog>,
// so the focus stays inside while it is open, Escape closes it and the focus returns to
// the button that opened it.
import { el } from './dom.js';

let sheet = null;

/** Opens the sheet with a title and content; returns its body element. */
export function openSheet(title, closeLabel, ...content) {
  if (!sheet) {
    sheet = el('dialog', { id: 'sheet', class: 'sheet', 'aria-labelledby': 'sheet-title' });
    document.body.append(sheet);
    sheet.addEventListener('close', () => { sheet.textContent = ''; sheet.opener?.focus?.(); });
    // A click on the backdrop (the dialog element itself, outside its box) closes it.
    sheet.addEventListener('click', (e) => { if (e.target === sheet) sheet.close(); });
  }
  sheet.opener = document.activeElement;
  sheet.textContent = '';
  const close = el('button', { type: 'button', class: 'ghost sheet-close', 'aria-label': closeLabel }, '×');
  close.addEventListener('click', () => sheet.close());
  const body = el('div', { class: 'sheet-body' }, ...content);
  sheet.append(el('div', { class: 'sheet-head' }, el('h2', { id: 'sheet-title' }, title), close), body);
  if (!sheet.open) sheet.showModal();
  return body;
}

/** Closes the sheet if it is open. */
export function closeSheet() {
  if (sheet?.open) sheet.close();
}

/** Saves `data` (a Blob, string or bytes) as a file the reader downloads. */
export function download(name, data, type = 'application/octet-stream') {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** A read-only text field and a Copy button; copying falls back to selecting the text. */
export function copyField(id, value, { copy, copied, selectHint, rows = 0 }) {
  const field = rows
    ? el('textarea', { id, rows, readonly: true, spellcheck: 'false', class: 'copy-text' })
    : el('input', { id, type: 'text', readonly: true, class: 'copy-text' });
  field.value = value;
  field.addEventListener('focus', () => field.select());
  const button = el('button', { type: 'button', class: 'primary' }, copy);
  const status = el('p', { class: 'muted copy-status', role: 'status' });
  button.addEventListener('click', async () => {
    field.focus();
    field.select();
    try {
      // Blocked in a cross-origin iframe without clipboard-write: the text stays selected.
      await navigator.clipboard.writeText(field.value);
      status.textContent = copied;
    } catch {
      let ok = false;
      try { ok = document.execCommand('copy'); } catch { /* not allowed either */ }
      status.textContent = ok ? copied : selectHint;
    }
  });
  return { field, button, status, row: el('div', { class: 'copy-row' }, field, button) };
}
