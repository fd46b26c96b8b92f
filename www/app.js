// The page: renders controls from the core's schema, keeps the link in the address bar,
// talks to the worker and draws what it reports. No defaults or ranges live here.
import { t as translate, initialLang, saveLang } from './i18n.js';
import { LineChart } from './chart.js';
import { DrawPad, drawGallery, drawPixels } from './draw.js';
import { ComparePool, COMPARE } from './compare.js';

const $ = (id) => document.getElementById(id);
const PLANNED = ['metrics', 'regularization', 'augmentation', 'gradients', 'transfer', 'knn', 'gan'];
// Labs whose views this page has; the core may know more (they run in the CLI meanwhile).
const PAGE_LABS = new Set(['cnn', 'gradients', 'regularization', 'augmentation', 'metrics', 'knn']);
// Labs that classify by nearest neighbours (no training curves).
const KNN_LABS = new Set(['knn']);
// Labs computed at once from their settings (no data, no training run); the metrics lab
// is one only with model=lists, otherwise it trains and evaluates a model (see evalMode).
const REPORT_LABS = new Set(['metrics']);
// Settings drawn inside a result card, next to what they change, instead of the panel.
const VIEW_PARAMS = { metrics: ['positive_class', 'threshold'] };
// Labs that run several configurations side by side instead of one training run; the
// setting they vary is set by the page itself, so its control is hidden.
const COMPARE_LABS = new Set(Object.keys(COMPARE));
const COLORS = { train: '#2563eb', test: '#ea580c' };

const state = {
  lang: initialLang(),
  schema: null,
  datasets: null, // the core's asset manifest: name -> {title, classes, test_images.count, ...}
  lab: null, // the lab spec being shown
  config: null, // checked values from the core
  canonical: '',
  phase: 'idle', // idle | loading | training | paused | done
  classes: [],
  history: { loss: [], acc: [], test: [], grads: [] },
  layerNames: [],
  preset: null,
  totalSteps: 1,
  errors: [],
  inactive: [], // settings without effect under the others (hidden, kept in the link)
  evalReport: null, // the metrics lab's report of an evaluated model
  evalTiming: null, // {train_seconds, predict_seconds} measured in the worker
  evalDropped: false, // an evaluation was dropped because the settings changed
  run: 0, // id of the current run; messages of older runs are dropped
};
const tr = (key, vars) => translate(state.lang, key, vars);

if (new URLSearchParams(location.search).get('embed') === '1') document.body.classList.add('embed');

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const lossChart = new LineChart($('chart-loss'));
const accChart = new LineChart($('chart-acc'), { yMin: 0, yMax: 1, percent: true });
const gradChart = new LineChart($('chart-grads'), { log: true });
const rocChart = new LineChart($('chart-roc'), { yMin: 0, yMax: 1 });
const kChart = new LineChart($('chart-k'), { percent: true, tight: true });
const ovrRocChart = new LineChart($('chart-ovr-roc'), { yMin: 0, yMax: 1 });
const ovrPrChart = new LineChart($('chart-ovr-pr'), { yMin: 0, yMax: 1 });
const pad = new DrawPad($('pad'), (pixels) => {
  if (state.phase === 'done' || state.phase === 'paused' || state.phase === 'training') worker.postMessage({ type: 'predict', pixels });
});

// ---------- language and static text ----------
function applyLang() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = tr(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', tr(el.dataset.i18nLabel));
  for (const b of document.querySelectorAll('.lang button')) b.setAttribute('aria-pressed', String(b.dataset.lang === state.lang));
  renderNav();
  const labId = state.lab?.id ?? 'cnn';
  $('lab-title').textContent = tr(`${labId}.title`);
  $('lab-intro').textContent = tr(`${labId}.intro`);
  if (state.lab) { renderControls(); renderPresets(); }
  if (state.errors.length) showErrors(state.errors);
  renderPhase();
  if (evalMode()) renderEvalStatus();
  if (state.evalReport) renderEval(state.evalReport);
  // The typed-in lists' report holds words too (row help, the core's warnings): ask again.
  if (REPORT_LABS.has(state.lab?.id) && !evalMode()) worker.postMessage({ type: 'report', link: `#${state.canonical}` });
  renderProbs(null);
  drawCharts();
}
for (const b of document.querySelectorAll('.lang button')) {
  b.addEventListener('click', () => { state.lang = b.dataset.lang; saveLang(state.lang); applyLang(); });
}

function renderNav() {
  const nav = $('labs');
  nav.textContent = '';
  const ids = (state.schema ? state.schema.map((l) => l.id) : ['cnn']).filter((id) => PAGE_LABS.has(id));
  for (const id of ids) {
    const a = document.createElement('a');
    a.href = `#lab=${id}`;
    a.textContent = tr(`lab.${id}`);
    if (state.lab?.id === id) a.setAttribute('aria-current', 'page');
    nav.append(a);
  }
  for (const id of PLANNED.filter((p) => !ids.includes(p))) {
    const s = document.createElement('span');
    s.className = 'soon';
    s.title = tr('soon');
    s.textContent = tr(`lab.${id}`);
    s.setAttribute('aria-disabled', 'true');
    nav.append(s);
  }
}

// ---------- controls from the schema ----------
function renderControls() {
  const form = $('controls');
  // Redrawn after every edit: give the focus back to the same setting.
  const focused = form.contains(document.activeElement) ? document.activeElement.name : null;
  form.textContent = '';
  const varied = COMPARE[state.lab.id]?.key;
  const inCard = VIEW_PARAMS[state.lab.id] || [];
  for (const p of state.lab.params) {
    if (p.name === varied || inCard.includes(p.name)) continue;
    const row = document.createElement('div');
    row.className = 'field';
    // Kept in the form (so in the link), but out of sight while it has no effect.
    row.hidden = state.inactive.includes(p.name);
    const id = `param-${p.name}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.innerHTML = `<code>${p.name}</code>`;
    let input;
    if (p.kind === 'choice') {
      input = document.createElement('select');
      for (const c of p.choices) {
        const o = document.createElement('option');
        o.value = c;
        o.textContent = c;
        input.append(o);
      }
    } else if (p.kind.endsWith('_list')) {
      input = document.createElement('textarea');
      input.rows = 2;
      input.spellcheck = false;
      input.inputMode = p.kind === 'int_list' ? 'numeric' : 'decimal';
    } else {
      input = document.createElement('input');
      input.type = 'number';
      input.inputMode = p.kind === 'int' ? 'numeric' : 'decimal';
      input.min = String(p.min);
      input.max = String(p.max);
      input.step = p.kind === 'int' ? '1' : 'any';
    }
    input.id = id;
    input.name = p.name;
    input.value = String(state.config.values[p.name]);
    const help = document.createElement('small');
    help.id = `${id}-help`;
    const range = p.kind === 'choice' ? p.choices.join(' / ') : p.kind.endsWith('_list') ? tr('list_hint', { n: p.max_len }) : `${p.min} – ${p.max}`;
    help.textContent = `${p.help[state.lang] ?? p.help.en} (${range})`;
    input.setAttribute('aria-describedby', help.id);
    input.addEventListener('change', onControlChange);
    row.append(label, input, help);
    form.append(row);
  }
  if (focused) form.elements.namedItem(focused)?.focus?.();
  renderViewControls();
}

/**
 * The settings of VIEW_PARAMS, drawn in their card from the same schema: a whole number as
 * a list of classes, a number as a slider over its range. They belong to the panel's form
 * (form="controls"), so the link includes them. Built once per lab so a slider keeps its
 * focus and drag while the link is rewritten; later calls only update the values.
 */
function renderViewControls() {
  const box = $('ovr-controls');
  const keys = VIEW_PARAMS[state.lab?.id] || [];
  if (box.dataset.lab !== state.lab?.id || box.dataset.lang !== state.lang) {
    box.textContent = '';
    box.dataset.lab = state.lab?.id ?? '';
    box.dataset.lang = state.lang;
    for (const name of keys) {
      const p = state.lab.params.find((q) => q.name === name);
      const id = `view-${name}`;
      const row = document.createElement('div');
      row.className = `field view-${p.kind}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.innerHTML = `<code>${p.name}</code>`;
      let input;
      if (p.kind === 'int') {
        input = document.createElement('select');
        for (let v = p.min; v <= p.max; v++) input.append(new Option(String(v), String(v)));
      } else {
        input = document.createElement('input');
        input.type = 'range';
        input.min = String(p.min);
        input.max = String(p.max);
        input.step = String((p.max - p.min) / 100);
        input.addEventListener('input', onViewInput);
      }
      input.id = id;
      input.name = name;
      input.setAttribute('form', 'controls');
      input.addEventListener('change', onControlChange);
      const out = document.createElement('output');
      out.id = `${id}-value`;
      out.htmlFor = id;
      const help = document.createElement('small');
      help.id = `${id}-help`;
      help.textContent = p.help[state.lang] ?? p.help.en;
      input.setAttribute('aria-describedby', help.id);
      const line = document.createElement('div');
      line.className = 'view-input';
      line.append(input, out);
      row.append(label, line, help);
      box.append(row);
    }
  }
  for (const name of keys) {
    const el = $(`view-${name}`);
    // A control in the reader's hands leads: replies to its earlier values must not pull
    // it back while keys are held down.
    if (document.activeElement === el) continue;
    const v = state.config.values[name];
    if (el.value !== String(v)) el.value = String(v);
    $(`view-${name}-value`).textContent = el.type === 'range' ? Number(v).toFixed(2) : '';
  }
  const classes = state.evalReport?.classes;
  if (classes) {
    for (const o of $('view-positive_class')?.options ?? []) o.textContent = classLabel(classes, Number(o.value));
  }
}

/** While the slider moves: the views for its value at once (the link follows on release). */
function onViewInput(ev) {
  $(`${ev.target.id}-value`).textContent = Number(ev.target.value).toFixed(2);
  if (state.evalReport && state.phase === 'done') worker.postMessage({ type: 'eval-report', run: state.run, link: linkFromControls() });
}

function renderPresets() {
  const presets = state.lab.presets || [];
  $('presets').hidden = presets.length === 0;
  const box = $('preset-buttons');
  box.textContent = '';
  for (const p of presets) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.preset = p.id;
    b.textContent = p.title[state.lang] ?? p.title.en;
    b.setAttribute('aria-pressed', String(state.preset === p.id));
    b.addEventListener('click', () => {
      state.preset = p.id;
      // The preset's values override the current settings; everything else stays.
      const values = new Map(linkFromControls().split('&').map((kv) => kv.split('=')));
      for (const [k, v] of p.values) values.set(k, v);
      worker.postMessage({ type: 'parse', hash: [...values].map(([k, v]) => `${k}=${v}`).join('&'), from: 'controls' });
    });
    box.append(b);
  }
  const current = presets.find((p) => p.id === state.preset);
  $('preset-help').textContent = current ? current.help[state.lang] ?? current.help.en : '';
}

function linkFromControls() {
  const parts = [`lab=${state.lab.id}`];
  for (const el of $('controls').elements) if (el.name) parts.push(`${el.name}=${encodeURIComponent(el.value.trim())}`);
  return parts.join('&');
}

function onControlChange() {
  state.preset = null;
  worker.postMessage({ type: 'parse', hash: linkFromControls(), from: 'controls' });
}

// ---------- alerts ----------
function showErrors(errors) {
  const body = $('alert-body');
  body.textContent = '';
  const p = document.createElement('p');
  p.textContent = tr('link_errors');
  const ul = document.createElement('ul');
  for (const e of errors) {
    const li = document.createElement('li');
    li.textContent = state.lang === 'zh' ? e.message_zh : e.message;
    li.dataset.key = e.key;
    ul.append(li);
  }
  body.append(p, ul);
  $('alert').hidden = false;
}
function showMessage(text) {
  $('alert-body').textContent = text;
  $('alert').hidden = false;
}
$('alert-close').addEventListener('click', () => { $('alert').hidden = true; state.errors = []; });

// ---------- progress, buttons, facts ----------
function fmtTime(s) {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${Math.ceil(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function renderPhase() {
  const p = state.phase;
  $('train').disabled = p === 'loading' || p === 'training';
  // An evaluation is cancelled with Reset, not paused.
  $('pause').disabled = !(p === 'training' || p === 'paused') || isCompare() || evalMode();
  $('pause').textContent = tr(p === 'paused' ? 'resume' : 'pause');
  $('reset').disabled = p === 'idle';
  const labels = { idle: 'idle', loading: 'loading_data', training: 'training', paused: 'paused', done: 'done' };
  if (p !== 'loading') $('progress-label').textContent = tr(labels[p]);
  $('pad').classList.toggle('locked', p === 'idle' || p === 'loading');
}

function isCompare() {
  return COMPARE_LABS.has(state.lab?.id);
}

/** The metrics lab evaluating a real model (model=cnn|knn) rather than typed lists. */
function evalMode() {
  return state.lab?.id === 'metrics' && state.config?.values.model !== 'lists';
}

/** Shows the result cards that belong to the current lab. */
function showCards() {
  const compare = isCompare();
  const report = REPORT_LABS.has(state.lab?.id);
  const evaluating = evalMode();
  const lists = report && !evaluating;
  document.body.classList.toggle('report-lab', lists);
  $('card-eval').hidden = !evaluating;
  for (const id of ['card-ovr', 'card-multiclass']) $(id).hidden = !evaluating || !state.evalReport;
  $('card-compare').hidden = !compare;
  $('card-preview').hidden = state.lab?.id !== 'augmentation';
  if (compare) {
    $('compare-title').textContent = tr(`compare_title_${state.lab.id}`);
    $('compare-help').textContent = tr(`compare_help_${state.lab.id}`);
  }
  const knn = KNN_LABS.has(state.lab?.id);
  $('card-metrics').hidden = !lists;
  $('train').dataset.i18n = evaluating ? 'evaluate' : 'train';
  $('train').textContent = tr($('train').dataset.i18n);
  $('card-knn').hidden = !knn;
  for (const id of ['card-curves', 'card-draw', 'card-gallery']) $(id).hidden = compare || report || knn;
  if (report) { $('card-grads').hidden = true; $('card-filters').hidden = true; }
}

/** Metric names (as scikit-learn calls them) and the report field each shows. */
const METRIC_ROWS = [
  ['accuracy_score', 'accuracy'],
  ['precision_score', 'precision'],
  ['recall_score', 'recall'],
  ['f1_score', 'f1'],
  ['balanced_accuracy_score', 'balanced_accuracy'],
  ['matthews_corrcoef', 'matthews_corrcoef'],
  ['roc_auc_score', 'roc_auc'],
  ['average_precision_score', 'average_precision'],
];

/**
 * A confusion matrix as a table (a heat map): correct counts in blue, mistakes in orange.
 * `titles` (optional) names each label in a tooltip, e.g. Fashion-MNIST's classes.
 */
function renderConfusion(cm, labels, counts, titles = null) {
  cm.textContent = '';
  const max = Math.max(1, ...counts.flat());
  const th = (row, text, i) => {
    const c = document.createElement('th');
    c.textContent = String(text);
    if (titles && i !== undefined) c.title = titles[i];
    row.append(c);
  };
  const head = cm.insertRow();
  th(head, tr('true_pred'));
  labels.forEach((l, i) => th(head, l, i));
  counts.forEach((rowCounts, i) => {
    const row = cm.insertRow();
    th(row, labels[i], i);
    rowCounts.forEach((c, j) => {
      const cell = row.insertCell();
      cell.textContent = String(c);
      const a = c / max;
      cell.style.background = i === j ? `rgba(37, 99, 235, ${0.12 + 0.5 * a})` : `rgba(234, 88, 12, ${a * 0.45})`;
    });
  });
}

/** The KNN results: accuracy, accuracy for every k, confusion matrix, neighbour gallery. */
function renderKnn(r, images) {
  $('knn-accuracy').textContent = `${(r.accuracy * 100).toFixed(2)}%`;
  $('knn-accuracy').dataset.value = String(r.accuracy);
  kChart.setSeries([
    { label: tr('test_set'), color: '#2563eb', points: r.accuracy_by_k.map((a, i) => [i + 1, a]), markers: true },
  ], r.accuracy_by_k.length);
  renderConfusion($('knn-confusion'), r.labels, r.confusion_matrix);
  const root = $('knn-gallery');
  root.textContent = '';
  r.gallery.forEach((g, i) => {
    const row = document.createElement('div');
    row.className = g.predicted === g.label ? 'knn-row' : 'knn-row wrong';
    const fig = (rgba, caption, cls) => {
      const f = document.createElement('figure');
      if (cls) f.className = cls;
      const c = document.createElement('canvas');
      drawPixels(c, 28, 28, rgba, 2);
      const cap = document.createElement('figcaption');
      cap.textContent = caption;
      f.append(c, cap);
      return f;
    };
    row.append(fig(images[i].test, tr('knn_query', { t: g.label, p: g.predicted }), 'query'));
    g.images.forEach((_, j) => row.append(fig(images[i].neighbors[j], `${g.labels[j]} · ${g.distances[j].toFixed(2)}`)));
    root.append(row);
  });
}

/**
 * Lists what scikit-learn would have warned about (`warnings`) and the metrics it would
 * have refused (`skipped`), as the core words them: `message`, or `message_zh` in Chinese.
 */
function renderNotes(list, warnings = [], skipped = []) {
  list.textContent = '';
  for (const w of [...warnings, ...skipped]) {
    const li = document.createElement('li');
    li.textContent = (state.lang === 'zh' && w.message_zh) || w.message;
    list.append(li);
  }
}

function renderReport(r) {
  const table = $('metrics-table');
  table.textContent = '';
  for (const [name, key] of METRIC_ROWS) {
    const row = table.insertRow();
    row.dataset.metric = key;
    const v = r[key];
    const shown = Array.isArray(v) ? v.map((x) => (x === null ? 'nan' : String(x))).join(', ') : v === null || v === undefined ? '—' : String(v);
    row.insertCell().innerHTML = `<code>${name}</code><br><small></small>`;
    row.cells[0].querySelector('small').textContent = tr(`m_${key}`);
    row.insertCell().textContent = shown;
  }
  renderConfusion($('confusion'), r.confusion_matrix.labels, r.confusion_matrix.counts);
  renderNotes($('metrics-warnings'), r.warnings, r.skipped);
  const roc = r.roc_curve;
  rocChart.setSeries(roc ? [
    { label: `ROC (AUC ${r.roc_auc === null || r.roc_auc === undefined ? '—' : Number(r.roc_auc).toFixed(3)})`, color: '#2563eb', points: roc.fpr.map((x, i) => [x, roc.tpr[i]]), markers: true },
    { label: tr('chance'), color: '#94a3b8', points: [[0, 0], [1, 1]] },
  ] : [], 1);
}

// ---------- the metrics lab evaluating a model ----------
/** "3" for MNIST's digit classes, "3 · Dress" where the name says more than the index. */
const classLabel = (names, i) => (names?.[i] && names[i] !== String(i) ? `${i} · ${names[i]}` : String(i));
const fmt4 = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(4));
const pct = (v) => `${(v * 100).toFixed(2)}%`;
function fmtSeconds(s) {
  if (s < 1e-3) return `${(s * 1e6).toFixed(0)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(s < 0.01 ? 2 : 1)} ms`;
  return s < 60 ? `${s.toFixed(1)} s` : fmtTime(s);
}
function fmtBytes(b) {
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`;
  return `${(b / 1e3).toFixed(1)} kB`;
}

/** The evaluation card's line before results: what Train will do, or that settings changed. */
function renderEvalStatus(key = null) {
  const v = state.config.values;
  const busy = state.phase === 'loading' || state.phase === 'training';
  const k = key ?? (busy ? 'eval_running' : state.evalDropped ? 'eval_changed' : `eval_idle_${v.model}`);
  const tests = state.datasets?.[v.dataset]?.test_images.count;
  $('eval-status').textContent = tr(k, { n: Number(v.train_size).toLocaleString(), e: v.epochs, t: tests?.toLocaleString() ?? '?' });
}

/**
 * A metrics link was parsed. If it no longer describes the evaluation being run or shown
 * (the worker asks the core, `same_model`), that evaluation is dropped; if only the class
 * or threshold moved, the kept evaluation redraws its views.
 */
function onMetricsParsed(m) {
  const shown = state.phase === 'loading' || state.phase === 'training' || state.phase === 'done';
  // An answer computed for an older run (the reader has cancelled or restarted since) says
  // nothing about the current one.
  const same = m.eval_run === state.run ? m.same_model : null;
  if (same === false && shown) {
    state.run++;
    worker.postMessage({ type: 'reset' });
    state.evalDropped = true; // said in the status line until the next run
    resetView();
    setPhase('idle');
    return;
  }
  if (!evalMode()) return;
  if (same && state.phase === 'done' && state.evalReport) worker.postMessage({ type: 'eval-report', run: state.run, link: `#${m.canonical}` });
  else if (!state.evalReport) renderEvalStatus();
}

/** A term and its value (full precision in data-value) in a <dl>. */
function fact(dl, key, label, value, shown, note = '') {
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.dataset.key = key;
  if (value !== null && value !== undefined) dd.dataset.value = String(value);
  dd.textContent = shown;
  if (note) {
    const small = document.createElement('small');
    small.textContent = note;
    dd.append(small);
  }
  dl.append(dt, dd);
}

/** Quality and cost of the evaluated model, one-vs-rest view, multiclass view. */
function renderEval(r) {
  state.evalReport = r;
  const t = state.evalTiming;
  const knn = r.model === 'knn';
  const dl = $('eval-cost');
  dl.textContent = '';
  const gap = (r.train_accuracy - r.accuracy) * 100;
  fact(dl, 'accuracy', tr('test_accuracy'), r.accuracy, pct(r.accuracy), tr('eval_test_images', { n: r.n_test.toLocaleString() }));
  fact(dl, 'train_accuracy', tr('train_accuracy'), r.train_accuracy, pct(r.train_accuracy),
    tr(`eval_${r.train_eval}`, { n: r.train_eval_images.toLocaleString() }));
  fact(dl, 'gap', tr('eval_gap'), null, tr('eval_gap_value', { g: gap.toFixed(2) }));
  if (t) {
    fact(dl, 'train_seconds', tr('eval_train_time'), t.train_seconds, fmtSeconds(t.train_seconds), tr(knn ? 'eval_train_time_knn' : 'eval_train_time_cnn', { n: r.n_train.toLocaleString() }));
    const per = t.predict_seconds / r.n_test;
    fact(dl, 'predict_seconds_per_image', tr('eval_predict_time'), per, fmtSeconds(per), tr('eval_predict_time_note', { n: r.n_test.toLocaleString(), s: fmtSeconds(t.predict_seconds) }));
  }
  fact(dl, 'param_count', tr('parameters'), r.param_count, r.param_count.toLocaleString(), knn ? tr('eval_params_knn') : '');
  fact(dl, 'model_bytes', tr('eval_size'), r.model_bytes, fmtBytes(r.model_bytes),
    tr(knn ? 'eval_size_knn' : 'eval_size_cnn', { n: r.n_train.toLocaleString(), p: r.param_count.toLocaleString() }));
  dl.hidden = false;
  $('eval-status').textContent = tr('eval_done');
  const note = $('eval-note');
  note.textContent = knn ? tr('eval_note_knn', { n: r.n_train.toLocaleString() }) : tr('eval_note_cnn');
  if (r.cnn_link) {
    const a = document.createElement('a');
    a.href = r.cnn_link;
    a.textContent = tr('eval_cnn_link');
    note.append(' ', a);
  }
  note.hidden = false;
  $('test-accuracy').textContent = pct(r.accuracy);
  $('test-accuracy').dataset.value = String(r.accuracy);
  $('param-count').textContent = r.param_count.toLocaleString();
  $('weights-sha256').textContent = r.weights_sha256 ?? '—';
  $('weights-sha256').title = r.weights_sha256 ?? '';
  renderOvr(r);
  renderMulticlass(r);
  renderViewControls(); // class names in the class list
  showCards();
}

function renderOvr(r) {
  const o = r.one_vs_rest;
  const at = o.at_threshold;
  const tShown = Number(at.threshold).toFixed(2);
  $('ovr-roc-caption').textContent = tr('ovr_roc_caption', { auc: fmt4(o.roc_auc) });
  $('ovr-pr-caption').textContent = tr('ovr_pr_caption', { ap: fmt4(o.average_precision) });
  $('ovr-roc-caption').dataset.value = String(o.roc_auc);
  $('ovr-pr-caption').dataset.value = String(o.average_precision);
  const point = (p) => (p ? [{ label: tr('threshold_point', { t: tShown }), color: '#dc2626', points: [p], markers: true, radius: 6 }] : []);
  const roc = o.roc_curve;
  const rocPts = roc ? roc.fpr.map((x, i) => [x, roc.tpr[i]]) : [];
  ovrRocChart.setSeries([
    { label: tr('ovr_series', { c: o.positive_class }), color: '#2563eb', points: rocPts, markers: rocPts.length <= 30 },
    { label: tr('chance'), color: '#94a3b8', points: [[0, 0], [1, 1]], noLegend: true },
    ...point(at.roc_point),
  ], 1);
  // As scikit-learn's PrecisionRecallDisplay draws it: steps (drawstyle="steps-post").
  const pr = o.pr_curve;
  const steps = [];
  if (pr) pr.recall.forEach((x, i) => { if (i > 0) steps.push([x, pr.precision[i - 1]]); steps.push([x, pr.precision[i]]); });
  const prevalence = o.positives / (o.positives + o.negatives);
  ovrPrChart.setSeries([
    { label: tr('ovr_series', { c: o.positive_class }), color: '#2563eb', points: steps, markers: false },
    { label: tr('chance'), color: '#94a3b8', points: [[0, prevalence], [1, prevalence]], noLegend: true },
    ...point(at.pr_point),
  ], 1);

  $('ovr-at-title').textContent = tr('ovr_at', { t: tShown, c: classLabel(r.classes, o.positive_class) });
  const table = $('ovr-metrics');
  table.textContent = '';
  for (const [fn, key, help] of [
    ['accuracy_score', 'accuracy', 'm_accuracy'],
    ['precision_score', 'precision', 'm_precision'],
    ['recall_score', 'recall', 'm_recall_tpr'],
    ['f1_score', 'f1', 'm_f1'],
    ['fpr', 'fpr', 'm_fpr'],
  ]) {
    const row = table.insertRow();
    row.dataset.metric = key;
    row.insertCell().innerHTML = `<code>${fn}</code><br><small></small>`;
    row.cells[0].querySelector('small').textContent = tr(help);
    const cell = row.insertCell();
    const v = at[key];
    cell.textContent = fmt4(v);
    cell.dataset.value = v === null ? 'null' : String(v);
  }
  const cm = $('ovr-confusion');
  renderConfusion(cm, [tr('ovr_rest'), classLabel(r.classes, o.positive_class)], [[at.tn, at.fp], [at.fn, at.tp]]);
  for (const k of ['tp', 'fp', 'fn', 'tn']) cm.dataset[k] = String(at[k]);
  const slider = $('view-threshold');
  slider?.setAttribute('aria-valuetext', tr('threshold_valuetext', { t: tShown, tp: at.tp, fp: at.fp }));
  renderNotes($('ovr-warnings'), o.warnings, o.skipped);
  const v = state.config.values;
  const k = v.n_neighbors;
  const fractions = Array.from({ length: k + 1 }, (_, i) => (i === 0 ? '0' : i === k ? '1' : `${i}/${k}`)).join(', ');
  const noteKey = r.model === 'cnn' ? 'ovr_scores_cnn' : v.weights === 'uniform' ? 'ovr_scores_knn' : 'ovr_scores_knn_distance';
  $('ovr-scores-note').textContent = tr(noteKey, { n: o.distinct_scores, k, values: fractions, p: o.roc_curve ? o.roc_curve.fpr.length : 0 });
}

function renderMulticlass(r) {
  const m = r.multiclass;
  renderConfusion($('mc-confusion'), m.labels, m.confusion_matrix, r.classes);
  const table = $('mc-table');
  table.textContent = '';
  const head = table.insertRow();
  // scikit-learn's classification_report column names, kept in every language like the
  // Keras / scikit-learn names of the controls; mc_help says what they mean in words.
  for (const h of ['', 'precision', 'recall', 'f1-score', 'support']) {
    const c = document.createElement('th');
    c.textContent = h;
    head.append(c);
  }
  const line = (label, p, rc, f, n, key) => {
    const row = table.insertRow();
    row.dataset.row = key;
    const c0 = row.insertCell();
    c0.textContent = label;
    for (const [v, name] of [[p, 'precision'], [rc, 'recall'], [f, 'f1']]) {
      const c = row.insertCell();
      c.textContent = v === null ? '—' : v.toFixed(3);
      c.dataset.value = v === null ? 'null' : String(v);
      c.dataset.metric = name;
    }
    row.insertCell().textContent = String(n);
  };
  const total = m.support.reduce((a, b) => a + b, 0);
  m.labels.forEach((l, i) => line(classLabel(r.classes, i), m.precision[i], m.recall[i], m.f1[i], m.support[i], String(l)));
  line(tr('macro_avg'), m.macro_avg.precision, m.macro_avg.recall, m.macro_avg.f1, total, 'macro');
  line(tr('weighted_avg'), m.weighted_avg.precision, m.weighted_avg.recall, m.weighted_avg.f1, total, 'weighted');
  renderNotes($('mc-warnings'), m.warnings);
}

/** Forgets the evaluated model's results (a new run, a reset, or other settings). */
function clearEval() {
  state.evalReport = null;
  state.evalTiming = null;
  $('eval-cost').hidden = true;
  $('eval-note').hidden = true;
  for (const id of ['card-ovr', 'card-multiclass']) $(id).hidden = true;
}

const pool = new ComparePool({
  root: $('compare'),
  tr: (k, v) => tr(k, v),
  onProgress: (fraction, text) => {
    if (state.phase !== 'training') setPhase('training');
    $('progress').value = fraction;
    $('progress-pct').textContent = `${Math.floor(fraction * 100)}%`;
    $('progress-text').textContent = text;
  },
  onDone: () => { $('progress').value = 1; $('progress-pct').textContent = '100%'; setPhase('done'); },
  onError: (message) => showMessage(tr('error', { m: message })),
});

function setPhase(p) {
  state.phase = p;
  renderPhase();
}

$('train').addEventListener('click', () => {
  state.evalDropped = false;
  resetView();
  setPhase('loading');
  if (isCompare()) pool.start(state.lab.id, state.canonical);
  else worker.postMessage({ type: 'start', run: ++state.run, link: state.canonical });
});
$('pause').addEventListener('click', () => {
  if (state.phase === 'training') { worker.postMessage({ type: 'pause' }); setPhase('paused'); }
  else if (state.phase === 'paused') { worker.postMessage({ type: 'resume' }); setPhase('training'); }
});
$('reset').addEventListener('click', () => {
  state.run++;
  state.evalDropped = false;
  worker.postMessage({ type: 'reset' });
  pool.stop();
  resetView();
  setPhase('idle');
});
// The augmentation preview: a fresh set of random transforms on demand.
let previewDraw = 0;
function requestPreview() {
  worker.postMessage({ type: 'preview', link: `#${state.canonical}`, draw: previewDraw });
}
$('preview-again').addEventListener('click', () => { previewDraw++; requestPreview(); });

$('intro-more').addEventListener('click', () => {
  const open = $('lab-intro').classList.toggle('clamped');
  $('intro-more').textContent = tr(open ? 'read_more' : 'read_less');
});
$('clear-pad').addEventListener('click', () => { pad.clear(); renderProbs(null); });
$('copy-link').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(location.href);
    $('status').textContent = tr('copied');
  } catch {
    $('status').textContent = tr('copy_failed');
  }
});

function resetView() {
  state.history = { loss: [], acc: [], test: [], grads: [] };
  state.alarm = null;
  $('card-filters').hidden = true;
  $('card-grads').hidden = true;
  state.ema = null;
  $('progress').value = 0;
  $('progress-pct').textContent = '';
  $('progress-text').textContent = '';
  $('status').textContent = '';
  $('test-accuracy').textContent = '–';
  $('weights-sha256').textContent = '–';
  $('weights-sha256').title = '';
  $('gallery').textContent = '';
  clearEval();
  if (evalMode()) renderEvalStatus();
  const f = $('filters');
  f.getContext('2d').clearRect(0, 0, f.width, f.height);
  renderProbs(null);
  drawCharts();
}

// ---------- charts ----------
function drawCharts() {
  const h = state.history;
  // Smoothing adapts to the run's length so short runs are not all lag.
  const ema = (pts) => {
    const a = Math.min(0.3, Math.max(0.03, 8 / Math.max(1, state.totalSteps)));
    let m = null;
    return pts.map(([x, y]) => { m = m === null ? y : m + a * (y - m); return [x, m]; });
  };
  const raw = h.loss.filter(([, y]) => Number.isFinite(y));
  const alarm = state.alarm;
  lossChart.setSeries([
    { label: tr('train_series'), color: COLORS.train, points: ema(raw), raw },
    { label: tr('test_series'), color: COLORS.test, points: h.test.map(([x, , l]) => [x, l]), markers: true },
  ], state.totalSteps, alarm);
  if (h.grads.length) {
    $('card-grads').hidden = false;
    const n = h.grads.length;
    gradChart.setSeries(h.grads.map((pts, i) => {
      // Light (input side) to dark (output side).
      const t = n > 1 ? i / (n - 1) : 1;
      const color = `hsl(${Math.round(200 + 60 * t)}, 70%, ${Math.round(72 - 42 * t)}%)`;
      const label = i === 0 ? tr('layer_input') : i === n - 1 ? tr('layer_output') : '';
      return { label, color, points: pts, thin: true, noLegend: !label };
    }), state.totalSteps, alarm);
  }
  accChart.setSeries([
    { label: tr('train_series'), color: COLORS.train, points: ema(h.acc), raw: h.acc },
    { label: tr('test_series'), color: COLORS.test, points: h.test.map(([x, a]) => [x, a]), markers: true },
  ], state.totalSteps);
}

function renderProbs(probs) {
  const ol = $('probs');
  ol.textContent = '';
  if (!probs) {
    const li = document.createElement('li');
    li.className = 'hint';
    li.textContent = tr(state.phase === 'idle' || state.phase === 'loading' ? 'draw_first' : 'draw_now');
    ol.append(li);
    return;
  }
  const best = probs.indexOf(Math.max(...probs));
  probs.forEach((p, i) => {
    const li = document.createElement('li');
    if (i === best) li.className = 'best';
    li.innerHTML = `<span class="cls"></span><span class="bar"><i style="width:${(p * 100).toFixed(1)}%"></i></span><span class="pct">${(p * 100).toFixed(1)}%</span>`;
    li.querySelector('.cls').textContent = state.classes[i] ?? String(i);
    li.dataset.prob = String(p);
    ol.append(li);
  });
}

// ---------- worker messages ----------
worker.onmessage = (ev) => {
  const m = ev.data;
  // A chunk may still be in flight when the reader resets or restarts: drop its results.
  if ('run' in m && m.run !== state.run) return;
  switch (m.type) {
    case 'ready':
      state.schema = m.schema;
      state.datasets = m.datasets;
      worker.postMessage({ type: 'parse', hash: location.hash, from: 'hash' });
      break;
    case 'parsed': {
      if (!PAGE_LABS.has(m.lab)) {
        // Known to the core but not drawn here yet: say so and show the default lab.
        showMessage(tr('cli_only', { lab: m.lab, link: `#${m.canonical}` }));
        worker.postMessage({ type: 'parse', hash: 'lab=cnn', from: 'fallback' });
        break;
      }
      state.lab = state.schema.find((l) => l.id === m.lab);
      state.config = m.config;
      state.inactive = m.inactive || [];
      state.canonical = m.canonical;
      const fromControls = m.from === 'controls';
      if (m.errors.length) { state.errors = m.errors; showErrors(m.errors); }
      else if (fromControls) { $('alert').hidden = true; state.errors = []; }
      else if (m.from !== 'fallback') { $('alert').hidden = true; }
      if (m.from !== 'controls') state.preset = null;
      renderNav();
      renderControls();
      renderPresets();
      $('lab-title').textContent = tr(`${m.lab}.title`);
      $('lab-intro').textContent = tr(`${m.lab}.intro`);
      showCards();
      if (REPORT_LABS.has(m.lab) && !evalMode()) worker.postMessage({ type: 'report', link: `#${m.canonical}` });
      if (m.lab === 'metrics') onMetricsParsed(m);
      if (m.lab === 'augmentation') requestPreview();
      history.replaceState(null, '', `#${m.canonical}`);
      document.title = `mlpad · ${tr(`lab.${m.lab}`)}`;
      break;
    }
    case 'data-progress': {
      $('progress').value = m.total ? m.loaded / m.total : 0;
      $('progress-label').textContent = m.decoding ? tr('decoding') : tr('loading_data', { name: m.name });
      $('progress-pct').textContent = `${(m.loaded / 1e6).toFixed(1)} / ${(m.total / 1e6).toFixed(1)} MB`;
      break;
    }
    case 'started':
      state.classes = m.classes;
      if (evalMode()) $('eval-status').textContent = tr('eval_running');
      state.layerNames = m.layers;
      $('param-count').textContent = m.param_count ? m.param_count.toLocaleString() : '—';
      setPhase('training');
      renderProbs(null);
      break;
    case 'snapshot': {
      const s = m.snapshot;
      state.totalSteps = s.total_steps;
      const first = s.step - s.losses.length;
      s.losses.forEach((l, i) => state.history.loss.push([first + i + 1, l]));
      const bad = s.losses.findIndex((l) => !Number.isFinite(l));
      if (s.diverged) state.alarm = { x: bad >= 0 ? first + bad + 1 : s.step, label: tr('broke_at', { v: bad >= 0 ? String(s.losses[bad]) : 'Inf', s: s.step }) };
      s.accuracies.forEach((a, i) => state.history.acc.push([first + i + 1, a]));
      (s.grad_norms || []).forEach((norms, i) => norms.forEach((g, layer) => {
        (state.history.grads[layer] ||= []).push([first + i + 1, g]);
      }));
      if (s.test_accuracy !== null && s.test_accuracy !== undefined) {
        state.history.test.push([s.step, s.test_accuracy, s.test_loss]);
        $('test-accuracy').textContent = `${(s.test_accuracy * 100).toFixed(2)}%`;
        $('test-accuracy').dataset.value = String(s.test_accuracy);
      }
      $('progress').value = s.step / s.total_steps;
      $('progress-pct').textContent = `${Math.floor((100 * s.step) / s.total_steps)}%`;
      // Remaining images, extrapolated from the images per step so far.
      const left = s.step ? (s.images_seen * (s.total_steps - s.step)) / s.step / m.images_per_second : NaN;
      $('progress-text').textContent = [
        tr('epoch_of', { e: Math.min(s.epoch + (s.done ? 0 : 1), s.epochs), n: s.epochs }),
        tr('images_per_second', { v: Math.round(m.images_per_second).toLocaleString() }),
        s.done ? '' : tr('time_left', { t: fmtTime(left) }),
      ].filter(Boolean).join(' · ');
      drawCharts();
      break;
    }
    case 'preview':
      if (m.link === `#${state.canonical}`) drawPixels($('preview'), m.width, m.height, m.rgba, 2);
      break;
    case 'eval-progress':
      $('progress').value = m.fraction;
      $('progress-pct').textContent = `${Math.floor(m.fraction * 100)}%`;
      $('progress-text').textContent = m.total ? tr(`eval_phase_${m.phase}`, { d: m.done.toLocaleString(), n: m.total.toLocaleString() }) : tr('eval_phase_fit');
      break;
    case 'eval-done':
      state.evalTiming = m.timing;
      $('progress').value = 1;
      $('progress-pct').textContent = '100%';
      setPhase('done');
      if (m.report) renderEval(m.report);
      break;
    case 'eval-report':
      if (m.report) renderEval(m.report);
      break;
    case 'knn-progress':
      $('progress').value = m.total_rows ? m.done_rows / m.total_rows : 0;
      $('progress-pct').textContent = `${Math.floor((100 * m.done_rows) / Math.max(1, m.total_rows))}%`;
      $('progress-text').textContent = tr('knn_progress', { d: m.done_rows, n: m.total_rows });
      break;
    case 'knn-report':
      renderKnn(m.report, m.images);
      $('test-accuracy').textContent = `${(m.report.accuracy * 100).toFixed(2)}%`;
      $('test-accuracy').dataset.value = String(m.report.accuracy);
      setPhase('done');
      break;
    case 'report':
      if (m.link === `#${state.canonical}`) renderReport(m.report);
      break;
    case 'gallery':
      drawGallery($('gallery'), m.items, m.images, state.classes, tr);
      break;
    case 'filters':
      $('card-filters').hidden = false;
      drawPixels($('filters'), m.width, m.height, m.rgba, 8);
      break;
    case 'prediction':
      renderProbs(m.probs);
      break;
    case 'done':
      $('weights-sha256').textContent = m.weights_sha256;
      $('weights-sha256').title = m.weights_sha256;
      setPhase('done');
      if (m.diverged) { showMessage(m.diverged); $('status').textContent = tr('diverged'); }
      break;
    case 'error':
      showMessage(tr('error', { m: m.message }));
      if (state.phase === 'loading' || state.phase === 'training') setPhase(state.history.loss.length ? 'paused' : 'idle');
      break;
    default:
      break;
  }
};
worker.onerror = (e) => showMessage(tr('error', { m: e.message || 'worker failed to start' }));

window.addEventListener('hashchange', () => {
  if (location.hash.slice(1) === state.canonical) return;
  state.run++;
  worker.postMessage({ type: 'reset' });
  pool.stop();
  resetView();
  setPhase('idle');
  worker.postMessage({ type: 'parse', hash: location.hash, from: 'hash' });
});

applyLang();
worker.postMessage({ type: 'init' });
