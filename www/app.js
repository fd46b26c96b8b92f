// The shell: navigation, controls from the core's schema, the link in the address bar,
// the workers, and one path for every lab's run messages. What a lab shows lives in its
// view module (www/labs/<id>.js), loaded by the lab's id; no defaults, ranges or lab names
// live here.
import { t as translate, addStrings, initialLang, saveLang } from './i18n.js';
import { translateTree } from './ui/dom.js';
import { fmtTime, num, setNumberLang } from './ui/format.js';
import * as share from './ui/share.js';
import * as exporting from './ui/export.js';
import * as runs from './ui/history.js';

const $ = (id) => document.getElementById(id);
/** Workers for compare labs: their runs go two at a time, one per core. */
const WORKERS = 2;

const state = {
  lang: initialLang(),
  schema: null, // every lab's table, from the core
  datasets: null, // the core's asset manifest: name -> {title, classes, test_images.count, ...}
  spec: null, // the table of the lab being shown
  parsed: null, // the core's answer for the current link
  view: null, // the lab's view (its module's create(ctx))
  phase: 'idle', // idle | loading | running | paused | done | stopped | failed
  run: 0, // id of the current run; messages of older runs are dropped
  jobs: [], // this run's links: one, or one per variant of a compare lab
  runLink: null, // the canonical link the current results belong to
  preset: null,
  errors: [],
  notes: [],
  changedNote: false, // results were put away because the settings changed
  viewSeq: 0, // id of the latest redraw request (see requestView)
  viewLink: null, // the link it asked for
};
const tr = (key, vars) => translate(state.lang, key, vars);
for (const m of [share, exporting, runs]) addStrings(m.strings);

// ---------- workers ----------
function spawn() {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  w.onmessage = (ev) => onMessage(w, ev.data);
  // An error nothing in the worker caught (it may not even have started): treat as a crash.
  w.onerror = (e) => { e.preventDefault?.(); crashed(w, e.message || 'the worker failed to start'); };
  return w;
}
let main = spawn(); // parses links, runs single labs and the first compare job
const pool = [main];

/**
 * A worker whose wasm instance broke (a Rust panic, out of memory): it is replaced by a
 * fresh one, the run it was part of stops with the reason, and the settings, the link and
 * every finished run (the history) stay; Run starts again on the new worker.
 */
function crashed(w, message) {
  const i = pool.indexOf(w);
  if (i < 0) return; // already replaced
  w.terminate();
  const fresh = spawn();
  pool[i] = fresh;
  for (const [, waiting] of pending) waiting.reject(new Error(message));
  pending.clear();
  if (w === main) {
    main = fresh;
    // The new instance needs the schema again; its `ready` re-reads the address bar.
    main.postMessage({ type: 'init' });
  }
  const busy = w.job !== null && w.job !== undefined;
  if (busy || state.phase === 'loading' || state.phase === 'running' || state.phase === 'paused') {
    state.run++; // the other workers' messages for this run are dropped from now on
    for (const other of pool) { other.postMessage({ type: 'reset' }); other.job = null; }
    setPhase('failed');
  }
  showMessage(tr('crashed', { m: message, run: tr(state.view?.runLabel || 'run') }));
  $('status').textContent = tr('crashed_status');
}

/** Asks the main worker something and waits for its answer (a `reply` with the same id). */
const pending = new Map();
let asked = 0;
function ask(msg, transfer = []) {
  const req = ++asked;
  main.postMessage({ ...msg, req }, transfer);
  return new Promise((resolve, reject) => pending.set(req, { resolve, reject }));
}

// ---------- the lab's view ----------
const modules = new Map();
async function viewModule(id) {
  if (!modules.has(id)) {
    modules.set(id, import(`./labs/${id}.js`).then((m) => { addStrings(m.strings || {}); return m; }));
  }
  return modules.get(id);
}

/** Marks every horizontally scrolling box of the results and history (`.scrolls`: CSS shows a hint on tables). */
function markScrollers() {
  for (const box of document.querySelectorAll('main .scroll-x, main pre')) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle('scrolls', scrolls);
    // A box that scrolls must be reachable by keyboard, to scroll it with the arrow keys.
    if (scrolls) box.tabIndex = 0;
    else box.removeAttribute('tabindex');
  }
}
{
  let queued = false;
  const later = () => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; markScrollers(); }); } };
  for (const root of [$('results'), $('history')]) {
    new MutationObserver(later).observe(root, { childList: true, subtree: true });
    new ResizeObserver(later).observe(root);
  }
}

/** What a view may use of the shell. */
const ctx = {
  root: $('results'),
  tr: (k, v) => tr(k, v),
  lang: () => state.lang,
  spec: () => state.spec,
  config: () => state.parsed.config,
  canonical: () => state.parsed.canonical,
  variants: () => state.parsed.variants,
  python: (link) => ask({ type: 'python', link }),
  datasets: () => state.datasets,
  send: (msg) => main.postMessage(msg),
  setFact,
  linkFromControls: () => linkFromControls(),
  onControlChange: () => onControlChange(),
  requestView: (link) => requestView(link),
};

function mountView(module) {
  ctx.root.textContent = '';
  state.view = module.create(ctx);
  translateTree(ctx.root, tr);
}

// ---------- language and static text ----------
function applyLang() {
  setNumberLang(state.lang);
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  translateTree(document, tr);
  for (const b of document.querySelectorAll('.lang button')) b.setAttribute('aria-pressed', String(b.dataset.lang === state.lang));
  renderNav();
  if (state.spec) {
    renderIntro();
    renderControls();
    renderPresets();
    state.view?.redraw?.();
  }
  if (state.errors.length || state.notes.length) showLinkProblems();
  renderPhase();
  historyPanel.render();
}
for (const b of document.querySelectorAll('.lang button')) {
  b.addEventListener('click', () => { state.lang = b.dataset.lang; saveLang(state.lang); applyLang(); });
}

function renderNav() {
  const nav = $('labs');
  nav.textContent = '';
  for (const spec of state.schema || []) {
    const a = document.createElement('a');
    a.href = `#lab=${spec.id}`;
    a.textContent = spec.title[state.lang] ?? spec.title.en;
    if (state.spec?.id === spec.id) a.setAttribute('aria-current', 'page');
    nav.append(a);
  }
}

function renderIntro() {
  const id = state.spec.id;
  $('lab-title').textContent = tr(`${id}.title`);
  $('lab-intro').textContent = tr(`${id}.intro`);
  $('open-full').href = share.shareUrl(state.parsed.canonical);
  document.title = `mlpad · ${state.spec.title[state.lang] ?? state.spec.title.en}`;
}

// ---------- controls from the schema ----------
function renderControls() {
  const form = $('controls');
  // Redrawn after every edit: give the focus back to the same setting.
  const focused = form.contains(document.activeElement) ? document.activeElement.name : null;
  form.textContent = '';
  const inCards = state.view?.cardParams || [];
  const inactive = state.parsed.inactive || [];
  // Embedded: the lab's few essential settings up front, the rest behind "More settings"
  // (still in the form, so still in the link).
  const essentials = state.spec.essentials?.length ? state.spec.essentials : state.spec.params.slice(0, 3).map((p) => p.name);
  let more = null;
  if (share.embedded) {
    more = document.createElement('details');
    more.className = 'more-settings';
    more.open = state.moreOpen;
    more.addEventListener('toggle', () => { state.moreOpen = more.open; });
    const summary = document.createElement('summary');
    summary.textContent = tr('more_settings');
    more.append(summary);
  }
  for (const p of state.spec.params) {
    // The page runs every value of a compare lab's setting itself; views draw some
    // settings in their cards, next to what they change.
    if (p.name === state.spec.compare || inCards.includes(p.name)) continue;
    const row = document.createElement('div');
    row.className = 'field';
    // Kept in the form (so in the link), but out of sight while it has no effect.
    row.hidden = inactive.includes(p.name);
    const id = `param-${p.name}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    const code = document.createElement('code');
    code.textContent = p.name;
    label.append(code);
    let input;
    if (p.kind === 'choice') {
      input = document.createElement('select');
      for (const c of p.choices) input.append(new Option(c, c));
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
    input.value = String(state.parsed.config.values[p.name]);
    // A value the core refused: the reader's own text stays in the field (the link holds
    // the default meanwhile) and the reason shows right under it.
    const refused = (state.parsed.errors || []).find((e) => e.key === p.name);
    if (refused && state.typed && p.name in state.typed) input.value = state.typed[p.name];
    const help = document.createElement('small');
    help.id = `${id}-help`;
    const range = p.kind === 'choice' ? p.choices.join(' / ') : p.kind.endsWith('_list') ? tr('list_hint', { n: p.max_len }) : `${p.min} – ${p.max}`;
    help.textContent = `${p.help[state.lang] ?? p.help.en} (${range})`;
    input.setAttribute('aria-describedby', help.id);
    input.addEventListener('change', onControlChange);
    row.append(label, input);
    if (refused) {
      const why = document.createElement('p');
      why.id = `${id}-error`;
      why.className = 'field-error';
      why.textContent = state.lang === 'zh' ? refused.message_zh : refused.message;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', `${why.id} ${help.id}`);
      row.append(why);
    }
    row.append(help);
    (more && !essentials.includes(p.name) ? more : form).append(row);
  }
  if (more && more.children.length > 1) form.append(more);
  if (focused) form.elements.namedItem(focused)?.focus?.();
}

function renderPresets() {
  const presets = state.spec.presets || [];
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
      main.postMessage({ type: 'parse', hash: [...values].map(([k, v]) => `${k}=${v}`).join('&'), from: 'controls' });
    });
    box.append(b);
  }
  const current = presets.find((p) => p.id === state.preset);
  $('preset-help').textContent = current ? current.help[state.lang] ?? current.help.en : '';
}

function linkFromControls() {
  const parts = [`lab=${state.spec.id}`];
  for (const el of $('controls').elements) if (el.name) parts.push(`${el.name}=${encodeURIComponent(el.value.trim())}`);
  return parts.join('&');
}

function onControlChange() {
  state.preset = null;
  // What the reader typed, so a refused value can stay in its field.
  state.typed = Object.fromEntries([...$('controls').elements].filter((el) => el.name).map((el) => [el.name, el.value]));
  main.postMessage({ type: 'parse', hash: linkFromControls(), from: 'controls' });
}

// ---------- alerts ----------
function showLinkProblems() {
  const body = $('alert-body');
  body.textContent = '';
  const list = (title, items) => {
    const p = document.createElement('p');
    p.textContent = title;
    const ul = document.createElement('ul');
    for (const e of items) {
      const li = document.createElement('li');
      li.textContent = state.lang === 'zh' ? e.message_zh ?? e.zh : e.message ?? e.en;
      if (e.key) li.dataset.key = e.key;
      ul.append(li);
    }
    body.append(p, ul);
  };
  if (state.errors.length) list(tr('link_errors'), state.errors);
  if (state.notes.length) list(tr('link_notes'), state.notes);
  $('alert').hidden = false;
}
function showMessage(text) {
  $('alert-body').textContent = text;
  $('alert').hidden = false;
}
$('alert-close').addEventListener('click', () => { $('alert').hidden = true; state.errors = []; state.notes = []; });

// ---------- the side panel's facts ----------
function setFact(key, value) {
  if (key === 'test_accuracy') {
    const ok = typeof value === 'number';
    $('test-accuracy').textContent = ok ? `${(value * 100).toFixed(2)}%` : '–';
    if (ok) $('test-accuracy').dataset.value = String(value);
    else delete $('test-accuracy').dataset.value;
  } else if (key === 'param_count') {
    $('param-count').textContent = value ? num(value) : '—';
  } else if (key === 'weights_sha256') {
    $('weights-sha256').textContent = value ?? '–';
    $('weights-sha256').title = value ?? '';
  }
}

// ---------- runs ----------
function setPhase(p) {
  state.phase = p;
  renderPhase();
}

function renderPhase() {
  const p = state.phase;
  const live = state.spec?.live;
  const run = $('run');
  run.hidden = !!live;
  run.textContent = tr(state.view?.runLabel || 'run');
  run.disabled = p === 'loading' || p === 'running' || !state.spec;
  $('pause').hidden = !!live;
  $('reset').hidden = !!live;
  $('pause').disabled = !(p === 'running' || p === 'paused');
  $('pause').textContent = tr(p === 'paused' ? 'resume' : 'pause');
  $('reset').disabled = p === 'idle';
  $('progress-block').hidden = !!live;
  $('facts').hidden = !!live || !!state.spec?.compare;
  const words = { idle: 'idle', paused: 'paused', done: 'done', stopped: 'stopped', failed: 'failed' };
  if (words[p]) $('progress-label').textContent = tr(words[p]);
  if (state.changedNote && p === 'idle') $('status').textContent = tr('settings_changed', { run: tr(state.view?.runLabel || 'run') });
}

/** Forgets the current run: workers stop, the view clears, nothing of it shows. */
function clearRun() {
  state.run++;
  for (const w of pool) { w.postMessage({ type: 'reset' }); w.job = null; }
  state.jobs = [];
  state.runLink = null;
  state.viewLink = null;
  state.view?.reset?.();
  $('progress').value = 0;
  $('progress-pct').textContent = '';
  $('progress-text').textContent = '';
  $('status').textContent = '';
  setFact('test_accuracy', null);
  setFact('param_count', null);
  setFact('weights_sha256', null);
  setPhase('idle');
}

/**
 * Asks the finished run to redraw for `link` (view-only settings moved). Only the answer to
 * the latest request is drawn: a slider sends many, and older ones must not pull it back.
 */
function requestView(link) {
  if (state.phase !== 'done' || link === state.viewLink || state.jobs[0]?.summary?.imported) return;
  state.viewLink = link;
  main.postMessage({ type: 'view', run: state.run, link, seq: ++state.viewSeq });
}

/** Starts one job per link: a compare lab's variants spread over two workers. */
function startRun() {
  // Before clearRun: its idle phase would write the settings-changed note again.
  state.changedNote = false;
  clearRun();
  const p = state.parsed;
  const links = p.variants.length ? p.variants.map((v) => v.link) : [p.canonical];
  state.runLink = p.canonical;
  // A compare job is named by its variant's value, a single run by its lab.
  const labels = p.variants.length ? p.variants.map((v) => v.value) : [state.spec.id];
  state.jobs = links.map((link, i) => ({ link: `#${link}`, label: labels[i], fraction: 0, samples: 0, ms: 0, summary: null, last: null, weights: null, phaseMs: null, streams: {} }));
  state.queue = state.jobs.map((_, i) => i);
  while (pool.length < Math.min(WORKERS, state.jobs.length)) pool.push(spawn());
  state.started = performance.now();
  setPhase(state.spec.live ? 'running' : 'loading');
  for (const w of pool) nextJob(w);
}

function nextJob(w) {
  const i = state.queue.shift();
  w.job = i ?? null;
  if (i !== undefined) w.postMessage({ type: 'start', run: state.run, job: i, link: state.jobs[i].link });
}

$('run').addEventListener('click', () => {
  startRun();
  // The focus stays on a control: the reader can pause or reset from the keyboard. Pause
  // is disabled while the data loads, and a disabled button cannot take the focus (it
  // would fall to <body>): Reset takes it then.
  ($('pause').disabled ? $('reset') : $('pause')).focus();
});
/** Pauses (or resumes) every worker's job. */
function pauseRun(pause) {
  if (pause ? state.phase !== 'running' : state.phase !== 'paused') return;
  for (const w of pool) w.postMessage({ type: pause ? 'pause' : 'resume' });
  setPhase(pause ? 'paused' : 'running');
}
$('pause').addEventListener('click', () => pauseRun(state.phase === 'running'));
$('reset').addEventListener('click', () => { state.changedNote = false; clearRun(); $('run').focus(); });
$('intro-more').addEventListener('click', () => {
  const open = $('lab-intro').classList.toggle('clamped');
  $('intro-more').textContent = tr(open ? 'read_more' : 'read_less');
});
// ---------- share, embed, export, code, history ----------
/** What the share, export and history tools may use of the shell. */
const shell = {
  tr: (k, v) => tr(k, v),
  lang: () => state.lang,
  spec: () => state.spec,
  config: () => state.parsed.config,
  canonical: () => state.parsed.canonical,
  jobs: () => state.jobs,
  phase: () => state.phase,
  runLabel: () => state.view?.runLabel || 'run',
  labTitle: () => state.spec.title[state.lang] ?? state.spec.title.en,
  start: () => { if (!$('run').disabled && !$('run').hidden) startRun(); },
  pause: pauseRun,
  open: (link) => { location.hash = link; $('run').focus(); },
  importWeights,
  python: () => ask({ type: 'python', link: `#${state.parsed.canonical}` }),
};
$('share').addEventListener('click', () => share.openShare(shell));
$('embed').addEventListener('click', () => share.openEmbed(shell));
$('export').addEventListener('click', () => exporting.openExport(shell));
$('code').addEventListener('click', () => exporting.openCode(shell));
const historyPanel = new runs.HistoryPanel($('history'), shell);
$('history-open').addEventListener('click', () => {
  $('history').open = true;
  $('history').scrollIntoView({ behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
  $('history').querySelector('summary')?.focus();
});
share.setupEmbed(shell);

/** Keeps a finished run in the history. */
function remember() {
  const jobs = state.jobs;
  if (!jobs.length || jobs.some((j) => !j.summary || j.summary.imported)) return;
  runs.record({
    lab: state.spec.id,
    title: shell.labTitle(),
    link: `#${state.runLink}`,
    seconds: (performance.now() - state.started) / 1000,
    jobs,
  });
  historyPanel.render();
}

/**
 * Loads a weights file: the main worker checks it completely on a run of its own link
 * before anything here changes; only then the page switches to that run.
 */
async function importWeights(bytes) {
  const origin = await ask({ type: 'origin', bytes });
  if (origin.lab !== state.spec.id) {
    const other = state.schema.find((l) => l.id === origin.lab);
    throw new Error(tr('import_other_lab', { lab: other?.title[state.lang] ?? origin.lab }));
  }
  const { imported, info } = await ask({ type: 'import', link: origin.link, bytes });
  state.changedNote = false;
  clearRun();
  main.postMessage({ type: 'adopt', run: state.run });
  const summary = { status: 'finished', imported: true, lab: origin.lab, link: imported.link, metrics: imported.metrics, weights_sha256: imported.weights_sha256, param_count: imported.param_count, report: null };
  state.jobs = [{ link: imported.link, label: state.spec.id, fraction: 1, samples: 0, ms: 0, summary, last: null, weights: bytes, phaseMs: {}, streams: {} }];
  state.runLink = imported.link.slice(1);
  state.started = performance.now();
  state.view?.onStart?.(0, info);
  setFact('param_count', imported.param_count);
  setFact('weights_sha256', imported.weights_sha256);
  if ('test_accuracy' in imported.metrics) setFact('test_accuracy', imported.metrics.test_accuracy);
  setPhase('done');
  $('progress').value = 1;
  $('status').textContent = tr('imported_status');
  main.postMessage({ type: 'parse', hash: imported.link, from: 'import' });
  return imported;
}

/** The progress bar and status line from every job's latest envelope. */
function renderProgress(latest) {
  const jobs = state.jobs;
  const fraction = jobs.reduce((a, j) => a + j.fraction, 0) / Math.max(1, jobs.length);
  $('progress').value = fraction;
  const p = latest;
  if (p.phase === 'load_data') {
    $('progress-label').textContent = p.payload.decoding ? tr('phase_decoding') : tr('phase_load_data', { name: p.payload.name });
    $('progress-pct').textContent = `${(p.step / 1e6).toFixed(1)} / ${(p.total / 1e6).toFixed(1)} MB`;
    return;
  }
  $('progress-pct').textContent = `${Math.floor(fraction * 100)}%`;
  if (state.phase === 'running') $('progress-label').textContent = tr(`phase_${p.phase}`);
  const samples = jobs.reduce((a, j) => a + j.samples, 0);
  const seconds = jobs.reduce((a, j) => a + j.ms, 0) / 1000;
  const rate = seconds > 0 ? samples / seconds : 0;
  const elapsed = (performance.now() - state.started) / 1000;
  const left = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : NaN;
  const parts = jobs.length > 1
    ? [tr('compare_progress', { done: jobs.filter((j) => j.summary).length, n: jobs.length })]
    : [tr('step_of', { d: num(p.step), n: num(p.total) }), ...(state.view?.describe?.(p) || [])];
  if (rate > 0) parts.push(tr('images_per_second', { v: num(Math.round(rate)) }));
  if (fraction < 1 && Number.isFinite(left) && elapsed > 1) parts.push(tr('time_left', { t: fmtTime(left) }));
  $('progress-text').textContent = parts.join(' · ');
}

function onMessage(w, m) {
  // A broken instance matters whatever run it was on.
  if (m.type === 'crash') { crashed(w, m.message); return; }
  // A step may still be in flight when the reader resets or restarts: drop its results.
  if ('run' in m && m.run !== state.run) return;
  const job = 'job' in m ? state.jobs[m.job] : null;
  switch (m.type) {
    case 'ready':
      state.schema = m.schema;
      state.datasets = m.datasets;
      renderNav();
      // After a restart the lab is already shown: re-read the link without clearing the alert.
      main.postMessage({ type: 'parse', hash: location.hash, from: state.spec ? 'restart' : 'hash' });
      break;
    case 'parsed':
      onParsed(m);
      break;
    case 'started':
      if (!job) break;
      if (state.phase === 'loading') { state.started = performance.now(); setPhase('running'); }
      if (m.info.param_count) setFact('param_count', m.info.param_count);
      state.view?.onStart?.(m.job, m.info);
      break;
    case 'progress': {
      if (m.progress.phase === 'load_data' && !job) break; // a preview's data: the view shows the preview when it comes
      if (!job) break;
      // After an error (e.g. one data file failed) the run is over: downloads of its other
      // files still in flight must not relabel the progress block.
      if (state.phase === 'failed') break;
      const p = m.progress;
      if (p.phase !== 'load_data') {
        job.fraction = p.fraction;
        job.samples = p.samples;
        job.ms += m.ms || 0;
        // Per-step numbers (batch losses, …) kept for export and the history.
        for (const [k, v] of Object.entries(p.payload || {})) {
          if (Array.isArray(v) && typeof v[0] === 'number') (job.streams[k] ??= []).push(...v);
        }
        state.view?.onProgress?.(m.job, p);
      } else if (state.jobs.length === 1) {
        job.fraction = 0;
      }
      renderProgress(p);
      break;
    }
    case 'reply': {
      const waiting = pending.get(m.req);
      pending.delete(m.req);
      if (m.ok) waiting?.resolve(m.value);
      else waiting?.reject(new Error(m.error));
      return;
    }
    case 'summary': {
      if (!job) break;
      job.summary = m.summary;
      job.weights = m.weights ?? null;
      job.phaseMs = m.phase_ms;
      if (m.summary.status === 'finished') job.fraction = 1;
      state.view?.onSummary?.(m.job, m.summary, m.phase_ms);
      if (state.jobs.length === 1) {
        setFact('weights_sha256', m.summary.weights_sha256);
        if (m.summary.param_count) setFact('param_count', m.summary.param_count);
        if ('test_accuracy' in m.summary.metrics) setFact('test_accuracy', m.summary.metrics.test_accuracy);
      }
      if (m.summary.stopped?.reason === 'diverged') {
        showMessage(state.lang === 'zh' ? m.summary.stopped.message_zh : m.summary.stopped.message);
        $('status').textContent = tr('diverged');
      }
      nextJob(w);
      if (state.jobs.every((j) => j.summary)) {
        const diverged = state.jobs.some((j) => j.summary.status === 'diverged');
        setPhase(diverged ? 'stopped' : 'done');
        if (!state.spec.live) renderProgress(job.last ?? { phase: 'done', step: 1, total: 1, payload: {} });
        if (!state.spec.live) remember();
      }
      break;
    }
    case 'view':
      if (m.seq === state.viewSeq && state.phase === 'done') state.view?.onView?.(m.report);
      break;
    case 'preview':
      state.view?.onPreview?.(m.picture, m.link);
      break;
    case 'prediction':
      state.view?.onPrediction?.(m.probs);
      break;
    case 'error':
      showMessage(tr('error', { m: m.message }));
      if (job || state.spec?.live) {
        state.view?.onError?.(m.job);
        if (state.phase === 'loading' || state.phase === 'running') setPhase('failed');
      }
      break;
    default:
      break;
  }
  if (m.type === 'progress' && job && m.progress.phase !== 'load_data') job.last = m.progress;
}

/** The core's answer for a link: the lab, its checked values and what was wrong. */
async function onParsed(m) {
  const labChanged = state.spec?.id !== m.lab;
  const previous = state.parsed;
  if (labChanged) {
    let module;
    try {
      module = await viewModule(m.lab);
    } catch {
      // Known to the core but not drawn here: say so and show the first lab.
      showMessage(tr('cli_only', { lab: m.lab, link: `#${m.canonical}` }));
      main.postMessage({ type: 'parse', hash: `lab=${state.schema[0].id}`, from: 'fallback' });
      return;
    }
    clearRun();
    state.changedNote = false;
    state.spec = state.schema.find((l) => l.id === m.lab);
    state.parsed = m;
    mountView(module);
  }
  state.spec = state.schema.find((l) => l.id === m.lab);
  state.parsed = m;
  // Problems of this link, shown until the reader dismisses them or edits a control.
  if (m.from !== 'controls') state.typed = null;
  // An edit's problems show under its field, where the reader is looking; a link's at the top.
  if (m.from === 'controls' && m.errors.length && !m.notes.length) { $('alert').hidden = true; state.errors = []; state.notes = []; }
  else if (m.errors.length || m.notes.length) { state.errors = m.errors; state.notes = m.notes; showLinkProblems(); }
  else if (m.from !== 'fallback' && m.from !== 'restart') { $('alert').hidden = true; state.errors = []; state.notes = []; }
  if (m.from !== 'controls') state.preset = null;
  renderNav();
  renderIntro();
  renderControls();
  renderPresets();
  history.replaceState(null, '', `#${m.canonical}`);
  if (!labChanged) keepOrDropResults(m, previous);
  state.view?.onParsed?.(m);
  renderPhase();
  // A live lab runs again when its link changed (or it has no result yet).
  const fresh = labChanged || m.canonical !== previous?.canonical || !state.jobs[0]?.summary;
  if (state.spec.live && fresh) startRun();
}

/**
 * After an edit: results that no longer match the link are put away (and a running job is
 * stopped), so the page never shows numbers its link does not reproduce; a change of
 * view-only settings redraws the finished run instead.
 */
function keepOrDropResults(m, previous) {
  if (state.spec.live || state.phase === 'idle' || m.canonical === previous?.canonical) return;
  // The main worker knows whether its run can show this link (only view-only settings
  // moved); before its run exists, only the same link is the same run.
  const known = m.same_run_of === state.run;
  const same = known ? m.same_run : m.canonical === state.runLink;
  if (!same) {
    clearRun();
    state.changedNote = true;
    renderPhase();
  } else if (state.phase === 'done' && state.spec.params.some((p) => p.view)) {
    requestView(`#${m.canonical}`);
  }
}

window.addEventListener('hashchange', () => {
  if (location.hash.slice(1) === state.parsed?.canonical) return;
  state.changedNote = false;
  clearRun();
  main.postMessage({ type: 'parse', hash: location.hash, from: 'hash' });
});

applyLang();
// The core is built for WebAssembly SIMD128 (every current browser has it). Without it the
// page says so plainly instead of failing inside the worker.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
if (typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE)) main.postMessage({ type: 'init' });
else {
  showMessage(tr('no_simd'));
  $('run').disabled = true;
}
