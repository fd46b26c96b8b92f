// History: the last 50 finished runs of any lab, kept in this browser (localStorage), so a
// reload, a crashed worker or a closed tab loses nothing that finished. Each entry can be
// reopened, two runs of one lab drawn on one chart, and the list saved as JSON.
import { el } from './dom.js';
import { download } from './dialog.js';
import { jobCurves } from './export.js';
import { LineChart } from './chart.js';
import { fmtSeconds } from './format.js';

export const strings = {
  en: {
    history: 'History',
    history_title: 'Your recent runs',
    history_help: 'The last {n} finished runs, kept only in this browser. Open one to see its settings again (press Run to replay it exactly), or tick two runs of the same lab to draw them on one chart.',
    history_empty: 'Finished runs appear here.',
    history_open: 'Open',
    history_compare: 'Compare',
    history_export: 'Save the list (JSON)',
    history_clear: 'Clear',
    history_curve: 'Curve',
    history_pick_two: 'Tick two runs of the same lab to compare them.',
    history_same_lab: 'These runs are from different labs; tick two runs of one lab.',
    history_no_common: 'These two runs share no curve.',
    history_unsaved: 'This browser does not let the page keep a history here (storage is blocked).',
    h_when: 'When',
    h_lab: 'Lab',
    h_result: 'Result',
    h_time: 'Time',
  },
  zh: {
    history: '历史',
    history_title: '最近的运行',
    history_help: '最近 {n} 次完成的运行，只保存在这个浏览器里。点“打开”可恢复它的设置（再点运行即可精确重现），勾选同一实验的两次运行可以在同一张图上比较。',
    history_empty: '完成的运行会显示在这里。',
    history_open: '打开',
    history_compare: '比较',
    history_export: '保存列表（JSON）',
    history_clear: '清空',
    history_curve: '曲线',
    history_pick_two: '勾选同一实验的两次运行来比较。',
    history_same_lab: '这两次运行来自不同的实验，请勾选同一实验的两次运行。',
    history_no_common: '这两次运行没有相同的曲线。',
    history_unsaved: '此处浏览器不允许网页保存历史（存储被禁用）。',
    h_when: '时间',
    h_lab: '实验',
    h_result: '结果',
    h_time: '用时',
  },
};

const KEY = 'mlpad.history.v1';
/** How many runs are kept. */
export const LIMIT = 50;
const POINTS = 60; // points kept per curve: enough for a comparison chart
const CURVES = 4; // curves kept per run

/** The stored runs, newest first ([] when storage is blocked or holds something else). */
export function load() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(list) ? list.filter((e) => e && typeof e.link === 'string' && typeof e.lab === 'string') : [];
  } catch {
    return [];
  }
}

function save(list) {
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
    return true;
  } catch {
    return false;
  }
}

/** A few curves of a job, each cut to about POINTS points with 4 significant digits. */
function sketch(job) {
  const out = [];
  for (const c of jobCurves(job)) {
    const keys = Object.keys(c.rows[0]).filter((k) => k !== 'index');
    for (const k of keys) {
      if (out.length >= CURVES) return out;
      const every = Math.max(1, Math.ceil(c.rows.length / POINTS));
      const points = c.rows.filter((_, i) => i % every === 0 || i === c.rows.length - 1)
        .map((r) => [r.index, Number.isFinite(r[k]) ? Number(r[k].toPrecision(4)) : null]);
      out.push({ name: k === 'value' ? c.name : `${c.name}.${k}`, points });
    }
  }
  return out;
}

/** Adds a finished run (all its jobs) to the history; returns false when it could not be kept. */
export function record({ lab, title, link, seconds, jobs }) {
  const entry = {
    id: `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
    lab,
    title,
    link,
    time: new Date().toISOString(),
    seconds,
    status: jobs.some((j) => j.summary.status === 'diverged') ? 'diverged' : 'finished',
    runs: jobs.map((j) => ({
      label: j.label,
      link: j.link,
      metrics: j.summary.metrics,
      weights_sha256: j.summary.weights_sha256 ?? null,
      curves: sketch(j),
    })),
  };
  const list = [entry, ...load()].slice(0, LIMIT);
  // A full storage drops the oldest runs until the new one fits.
  while (list.length && !save(list)) list.pop();
  return list.length > 0;
}

/** The headline of a run: its first accuracy-like number, or its first number, named in the page's language where the shell knows the name. */
function headline(run, tr) {
  const m = run.metrics || {};
  const key = ['test_accuracy', 'accuracy', 'f1', 'quality'].find((k) => k in m) ?? Object.keys(m)[0];
  if (key === undefined) return '–';
  const v = m[key];
  return `${tr(key)} ${key.includes('accuracy') ? `${(v * 100).toFixed(2)}%` : Number(v).toPrecision(4)}`;
}

const COLORS = ['#1d4ed8', '#dc2626', '#15803d', '#a16207', '#7c3aed', '#0891b2', '#be185d', '#4b5563'];

/** The History card: the list, reopen, compare two, save, clear. */
export class HistoryPanel {
  constructor(root, shell) {
    this.shell = shell;
    this.root = root;
    this.picked = [];
    root.addEventListener('toggle', () => { if (root.open) this.render(); });
  }

  /** Redraws the card (after a run, a language switch, or opening it). */
  render() {
    const { tr } = this.shell;
    const list = load();
    this.picked = this.picked.filter((id) => list.some((e) => e.id === id));
    const root = this.root;
    root.textContent = '';
    root.append(el('summary', {}, el('h2', {}, `${tr('history')} (${list.length})`)));
    root.append(el('p', { class: 'muted' }, tr('history_help', { n: LIMIT })));
    if (!list.length) {
      root.append(el('p', { class: 'muted', id: 'history-empty' }, tr('history_empty')));
      return;
    }
    const fmtWhen = new Intl.DateTimeFormat(this.shell.lang() === 'zh' ? 'zh-CN' : 'en', { dateStyle: 'short', timeStyle: 'short' });
    const rows = list.map((e) => {
      const box = el('input', { type: 'checkbox', 'aria-label': `${tr('history_compare')}: ${e.title} ${e.time}` });
      box.checked = this.picked.includes(e.id);
      box.addEventListener('change', () => {
        this.picked = box.checked ? [...this.picked, e.id].slice(-2) : this.picked.filter((id) => id !== e.id);
        this.render();
      });
      const open = el('button', { type: 'button', class: 'ghost' }, tr('history_open'));
      open.addEventListener('click', () => this.shell.open(e.link));
      const results = e.runs.length > 1
        ? e.runs.map((r) => `${r.label}: ${headline(r, tr)}`).join(' · ')
        : headline(e.runs[0] || {}, tr);
      return el('tr', { dataset: { id: e.id, lab: e.lab } },
        el('td', {}, box),
        el('td', {}, fmtWhen.format(new Date(e.time))),
        el('td', {}, e.title),
        el('td', { class: e.status === 'diverged' ? 'bad' : '' }, results),
        el('td', {}, fmtSeconds(e.seconds)),
        el('td', {}, open));
    });
    root.append(el('div', { class: 'scroll-x' }, el('table', { class: 'metrics-table history-table' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), ...['h_when', 'h_lab', 'h_result', 'h_time'].map((k) => el('th', {}, tr(k))), el('th', {}, ''))),
      el('tbody', {}, rows))));
    root.append(this.comparison(list));
    const saveList = el('button', { type: 'button', class: 'ghost', id: 'history-export' }, tr('history_export'));
    saveList.addEventListener('click', () => download('mlpad-history.json', `${JSON.stringify(load(), null, 1)}\n`, 'application/json'));
    const clear = el('button', { type: 'button', class: 'ghost', id: 'history-clear' }, tr('history_clear'));
    clear.addEventListener('click', () => { save([]); this.render(); });
    root.append(el('div', { class: 'history-buttons' }, saveList, clear));
  }

  /** The chart of the two ticked runs, on a curve both have. */
  comparison(list) {
    const { tr } = this.shell;
    const box = el('div', { class: 'history-compare', id: 'history-compare' });
    const runs = this.picked.map((id) => list.find((e) => e.id === id));
    if (runs.length < 2) {
      box.append(el('p', { class: 'muted' }, tr('history_pick_two')));
      return box;
    }
    if (runs[0].lab !== runs[1].lab) {
      box.append(el('p', { class: 'muted' }, tr('history_same_lab')));
      return box;
    }
    const names = (e) => new Set(e.runs.flatMap((r) => r.curves.map((c) => c.name)));
    const [a, b] = runs.map(names);
    const common = [...a].filter((n) => b.has(n));
    if (!common.length) {
      box.append(el('p', { class: 'muted' }, tr('history_no_common')));
      return box;
    }
    const pick = el('select', { id: 'history-curve' }, common.map((n) => new Option(n, n)));
    if (common.includes(this.curve)) pick.value = this.curve;
    const canvas = el('canvas', { class: 'chart', role: 'img', 'aria-label': tr('history_compare') });
    const caption = el('p', { class: 'muted' });
    box.append(el('div', { class: 'field' }, el('label', { for: 'history-curve' }, tr('history_curve')), pick), canvas, caption);
    const chart = new LineChart(canvas, { tight: true });
    const draw = () => {
      this.curve = pick.value;
      const series = [];
      let xMax = 1;
      runs.forEach((e, i) => e.runs.forEach((r, j) => {
        const c = r.curves.find((x) => x.name === pick.value);
        if (!c) return;
        xMax = Math.max(xMax, ...c.points.map((p) => p[0]));
        const when = new Date(e.time).toLocaleTimeString(this.shell.lang() === 'zh' ? 'zh-CN' : 'en', { hour: '2-digit', minute: '2-digit' });
        series.push({ label: `${i === 0 ? 'A' : 'B'} ${when}${e.runs.length > 1 ? ` ${r.label}` : ''}`, color: COLORS[(i * 4 + j) % COLORS.length], points: c.points.filter((p) => p[1] !== null), markers: c.points.length < 30 });
      }));
      chart.setSeries(series, xMax);
      caption.textContent = series.map((s) => `${s.label}: ${s.points.at(-1)?.[1] ?? '–'}`).join(' · ');
    };
    pick.addEventListener('change', draw);
    draw();
    return box;
  }
}
