// Warnings and skipped metrics as the core words them.

/**
 * Lists what scikit-learn would have warned about (`warnings`) and the metrics it would
 * have refused (`skipped`): `message`, or `message_zh` on the Chinese page.
 */
export function renderNotes(list, lang, warnings = [], skipped = []) {
  list.textContent = '';
  for (const w of [...warnings, ...skipped]) {
    const li = document.createElement('li');
    li.textContent = (lang === 'zh' && w.message_zh) || w.message;
    list.append(li);
  }
}
