// A confusion matrix as a table (a heat map): correct counts in blue, mistakes in orange.

/**
 * Fills `table` with `counts[i][j]` (true class `labels[i]`, predicted `labels[j]`);
 * `titles` (optional) names each label in a tooltip, e.g. Fashion-MNIST's classes.
 */
export function renderConfusion(table, labels, counts, tr, titles = null) {
  table.textContent = '';
  const max = Math.max(1, ...counts.flat());
  const th = (row, text, i) => {
    const c = document.createElement('th');
    c.textContent = String(text);
    if (titles && i !== undefined) c.title = titles[i];
    row.append(c);
  };
  const head = table.insertRow();
  th(head, tr('true_pred'));
  labels.forEach((l, i) => th(head, l, i));
  counts.forEach((rowCounts, i) => {
    const row = table.insertRow();
    th(row, labels[i], i);
    rowCounts.forEach((c, j) => {
      const cell = row.insertCell();
      cell.textContent = String(c);
      const a = c / max;
      cell.style.background = i === j ? `rgba(37, 99, 235, ${0.12 + 0.5 * a})` : `rgba(234, 88, 12, ${a * 0.45})`;
    });
  });
}
