// Export and import: a run's results as JSON, its curves as CSV, every chart and picture
// as PNG, the trained weights as safetensors (and loading such a file back), and the same
// experiment as Python code. Works for every lab, because every lab's summary has the same
// envelope; the curves are found in the report by shape, not by name.
import { el } from './dom.js';
import { openSheet, download, copyField } from './dialog.js';

export const strings = {
  en: {
    export: 'Export',
    export_title: 'Export this experiment',
    export_results: 'Results (JSON)',
    export_results_help: 'The link, its version, every setting, every curve, the final numbers and the timings.',
    export_csv: 'Curves (CSV)',
    export_csv_help: 'One row per point of every curve, ready for a spreadsheet.',
    export_pictures: 'Charts and pictures (PNG)',
    export_weights: 'Trained weights (safetensors)',
    export_weights_help: 'The same file format Keras, PyTorch and the transfer lab’s bases use. Loading it back here restores the model.',
    export_no_run: 'Run the experiment first: there is nothing to export yet.',
    export_no_weights: 'This lab trains no network, so it has no weights.',
    import_weights: 'Load weights…',
    import_help: 'Load a .safetensors file saved from this lab. The settings switch to the run that trained it and its test images are scored with the loaded weights.',
    import_loading: 'Loading {name}…',
    import_done: 'Loaded {name}: test accuracy {acc}. The weights’ SHA-256 starts {sha}. Not trained here, so there are no curves.',
    import_failed: 'Could not load {name}: {m}. Nothing was changed.',
    import_other_lab: 'these are weights of the {lab} lab; open that lab to load them',
    download: 'Download {ext}',
    pictures_n: '{name} ({n} pictures)',
    code: 'Code',
    python_title: 'The same experiment in Python',
    python_help: 'Runs on your own machine or cluster with the same layers, initializers, optimizer, batch size and data subset as this link.',
    python_loading: 'Writing the code…',
  },
  zh: {
    export: '导出',
    export_title: '导出这个实验',
    export_results: '结果（JSON）',
    export_results_help: '包括链接及其版本、全部设置、每条曲线、最终指标和用时。',
    export_csv: '曲线（CSV）',
    export_csv_help: '每条曲线的每个点一行，可直接用电子表格打开。',
    export_pictures: '图表和图片（PNG）',
    export_weights: '训练好的权重（safetensors）',
    export_weights_help: '与 Keras、PyTorch 以及迁移学习实验的预训练卷积基相同的文件格式。把它加载回这里即可恢复模型。',
    export_no_run: '请先运行实验，目前还没有可导出的内容。',
    export_no_weights: '这个实验不训练神经网络，所以没有权重。',
    import_weights: '加载权重…',
    import_help: '加载从本实验保存的 .safetensors 文件。设置会切换为训练它的那次运行，并用加载的权重给测试图片打分。',
    import_loading: '正在加载 {name}…',
    import_done: '已加载 {name}：测试准确率 {acc}。权重 SHA-256 开头为 {sha}。这些权重不是在此训练的，所以没有曲线。',
    import_failed: '无法加载 {name}：{m}。没有做任何改动。',
    import_other_lab: '这是 {lab} 实验的权重，请打开那个实验再加载',
    download: '下载 {ext}',
    pictures_n: '{name}（{n} 张图）',
    code: '代码',
    python_title: '用 Python 重现这个实验',
    python_help: '可在你自己的电脑或集群上运行，网络层、初始化方式、优化器、批大小和数据子集都与这个链接相同。',
    python_loading: '正在生成代码…',
  },
};

/** Numbers of a record, nested objects flattened with dots (`extra.l1_norm`). */
function numbersOf(record, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(record)) {
    if (typeof v === 'number') out[prefix + k] = v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) numbersOf(v, `${prefix}${k}.`, out);
  }
  return out;
}

/**
 * Every curve in a report: arrays of numbers and arrays of records with numbers, each as
 * `{name, rows: [{index, ...numbers}]}`.
 */
export function curvesOf(report, path = '', out = []) {
  if (Array.isArray(report)) {
    if (report.length > 1 && report.every((v) => typeof v === 'number')) {
      out.push({ name: path, rows: report.map((value, index) => ({ index, value })) });
    } else if (report.length && report.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const rows = report.map((r, index) => ({ index, ...numbersOf(r) }));
      if (rows.some((r) => Object.keys(r).length > 1)) out.push({ name: path, rows });
    }
    return out;
  }
  if (report && typeof report === 'object') {
    for (const [k, v] of Object.entries(report)) curvesOf(v, path ? `${path}.${k}` : k, out);
  }
  return out;
}

/** A job's curves: those of its final report, then the per-step numbers it streamed. */
export const jobCurves = (job) => [...curvesOf(job.summary?.report), ...curvesOf(job.streams || {}, 'per_step')];

/** The CSV of every job's curves: run, curve, index and one column per number. */
export function curvesCsv(jobs) {
  const rows = [];
  const columns = new Set();
  for (const job of jobs) {
    for (const c of jobCurves(job)) {
      for (const r of c.rows) {
        for (const k of Object.keys(r)) if (k !== 'index') columns.add(k);
        rows.push({ run: job.label, curve: c.name, ...r });
      }
    }
  }
  const cols = ['run', 'curve', 'index', ...columns];
  const cell = (v) => (v === undefined ? '' : typeof v === 'number' ? String(v) : `"${String(v).replace(/"/g, '""')}"`);
  return `${cols.join(',')}\n${rows.map((r) => cols.map((c) => cell(r[c])).join(',')).join('\n')}\n`;
}

/** The results document: link, version, settings, every run's summary and timings. */
export function resultsJson(shell) {
  const canonical = shell.canonical();
  return {
    mlpad: 'results',
    link: `#${canonical}`,
    link_version: Number(/&v=(\d+)/.exec(canonical)?.[1]),
    lab: shell.spec().id,
    configuration: shell.config().values,
    exported_at: new Date().toISOString(),
    runs: shell.jobs().map((j) => ({
      label: j.label,
      link: j.link,
      seconds: j.ms / 1000,
      phase_ms: j.phaseMs,
      ...j.summary,
      per_step: j.streams,
    })),
  };
}

/** What a picture on the page is called: its figure caption, label or card title. */
function pictureName(canvas, i) {
  const fig = canvas.closest('figure');
  const label = canvas.getAttribute('aria-label') || fig?.querySelector('figcaption')?.textContent
    || canvas.closest('.card')?.querySelector('h2')?.textContent || `picture ${i + 1}`;
  return label.trim().slice(0, 60);
}

/**
 * The pictures a reader may save: each chart or large canvas alone, and the small tiles of
 * one card (a gallery) together in one grid image.
 */
function picturesOnPage(tr) {
  const canvases = [...document.querySelectorAll('#results canvas')].filter((c) => c.width > 0 && c.offsetParent);
  const out = [];
  const tiles = new Map(); // card -> its small canvases
  canvases.forEach((c, i) => {
    if (c.clientWidth >= 120) out.push({ name: pictureName(c, i), render: () => c });
    else {
      const card = c.closest('.card') || c.parentElement;
      if (!tiles.has(card)) tiles.set(card, []);
      tiles.get(card).push(c);
    }
  });
  for (const [card, list] of tiles) {
    if (list.length === 1) { out.push({ name: pictureName(list[0], 0), render: () => list[0] }); continue; }
    const title = card.querySelector('h2')?.textContent?.trim() || 'pictures';
    out.push({ name: tr('pictures_n', { name: title, n: list.length }), render: () => grid(list) });
  }
  return out;
}

/** Small canvases side by side in rows of ten, on white. */
function grid(list) {
  const size = Math.max(...list.map((c) => Math.max(c.width, c.height)));
  const cols = Math.min(10, list.length);
  const gap = 4;
  const out = document.createElement('canvas');
  out.width = cols * (size + gap) + gap;
  out.height = Math.ceil(list.length / cols) * (size + gap) + gap;
  const g = out.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, out.width, out.height);
  g.imageSmoothingEnabled = false;
  list.forEach((c, i) => g.drawImage(c, gap + (i % cols) * (size + gap), gap + Math.floor(i / cols) * (size + gap), size, size));
  return out;
}

const fileStem = (shell) => `mlpad-${shell.spec().id}`;
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9\u4e00-\u9fff]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'picture';

/** The Export sheet. */
export function openExport(shell) {
  const { tr } = shell;
  const jobs = shell.jobs();
  const finished = jobs.length > 0 && jobs.every((j) => j.summary);
  const section = (title, help, ...body) => el('section', { class: 'export-part' },
    el('h3', {}, title), help ? el('p', { class: 'muted' }, help) : null, ...body);
  const button = (label, id, onClick) => {
    const b = el('button', { type: 'button', id, class: 'ghost' }, label);
    b.addEventListener('click', onClick);
    return b;
  };
  const parts = [];
  if (!finished) {
    parts.push(el('p', { class: 'muted', id: 'export-empty' }, tr('export_no_run')));
  } else {
    parts.push(section(tr('export_results'), tr('export_results_help'),
      button(tr('download', { ext: '.json' }), 'export-json', () => download(`${fileStem(shell)}-results.json`,
        `${JSON.stringify(resultsJson(shell), null, 1)}\n`, 'application/json'))));
    parts.push(section(tr('export_csv'), tr('export_csv_help'),
      button(tr('download', { ext: '.csv' }), 'export-csv', () => download(`${fileStem(shell)}-curves.csv`, curvesCsv(jobs), 'text/csv'))));
    const pictures = picturesOnPage(tr);
    if (pictures.length) {
      parts.push(section(tr('export_pictures'), null, el('ul', { class: 'export-list' }, pictures.map(({ name, render }) =>
        el('li', {}, button(name, null, () => render().toBlob((b) => download(`${fileStem(shell)}-${slug(name)}.png`, b), 'image/png')))))));
    }
    const withWeights = jobs.filter((j) => j.weights);
    parts.push(section(tr('export_weights'), withWeights.length ? tr('export_weights_help') : tr('export_no_weights'),
      el('ul', { class: 'export-list' }, withWeights.map((j) => el('li', {},
        button(`${tr('download', { ext: '.safetensors' })}${jobs.length > 1 ? `: ${j.label}` : ''}`, jobs.length > 1 ? null : 'export-weights',
          () => download(`${fileStem(shell)}${jobs.length > 1 ? `-${slug(j.label)}` : ''}-${j.summary.weights_sha256.slice(0, 8)}.safetensors`, j.weights)))))));
  }
  if (!shell.spec().live) parts.push(importSection(shell, section));
  openSheet(tr('export_title'), tr('close'), ...parts);
}

/** Loading a weights file back: a file picker and the outcome, said in the sheet. */
function importSection(shell, section) {
  const { tr } = shell;
  const input = el('input', { type: 'file', id: 'import-weights', accept: '.safetensors,application/octet-stream' });
  const label = el('label', { for: 'import-weights', class: 'file-button' }, tr('import_weights'));
  const status = el('p', { id: 'import-status', role: 'status', class: 'import-status' });
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    status.className = 'import-status';
    status.textContent = tr('import_loading', { name: file.name });
    try {
      const r = await shell.importWeights(new Uint8Array(await file.arrayBuffer()));
      const acc = r.metrics.test_accuracy;
      status.textContent = tr('import_done', { name: file.name, acc: acc === undefined ? '–' : `${(acc * 100).toFixed(2)}%`, sha: (r.weights_sha256 || '').slice(0, 12) });
      status.classList.add('ok');
    } catch (e) {
      status.textContent = tr('import_failed', { name: file.name, m: e.message });
      status.classList.add('bad');
    }
    input.value = '';
  });
  return section(tr('import_weights'), tr('import_help'), input, label, status);
}

/** The Code sheet: the lab's Python for the current settings, from the core. */
export async function openCode(shell) {
  const { tr } = shell;
  const c = copyField('python-code', tr('python_loading'), { copy: tr('copy'), copied: tr('copied_link'), selectHint: tr('select_hint'), rows: 18 });
  c.field.classList.add('code-text');
  openSheet(tr('python_title'), tr('close'), el('p', { class: 'muted' }, tr('python_help')), c.field,
    el('div', { class: 'copy-row' }, c.button), c.status);
  try {
    c.field.value = await shell.python();
  } catch (e) {
    c.field.value = tr('error', { m: e.message });
  }
  c.button.focus();
}
