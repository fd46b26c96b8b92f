// The transfer lab's view: the four ways of using a pretrained base run side by side with
// their test-accuracy curves on one chart; the labels-per-class slider; a chart of final
// accuracy against labels per class built from the reader's own runs (kept in the
// browser); which layers are frozen in each mode; and the Keras code of a chosen mode.
import { el, card } from '../ui/dom.js';
import { LineChart } from '../ui/chart.js';
import { fmtSeconds, num } from '../ui/format.js';

/** A small colour square (set through the CSSOM: the page's CSP allows no style attributes). */
function swatch(color) {
  const span = el('span', { class: 'swatch' });
  span.style.background = color;
  return span;
}

export const strings = {
  en: {
    'transfer.title': 'When does a pretrained network help, and should you freeze it?',
    'transfer.intro': 'The textbook answer loads a network trained on a big dataset, cuts off its classifier, puts a new Dense head on top and trains on the new task. Here the pretrained part is the CNN lab’s convolutional base, trained on digits 0–4 only, and the new task is digits 5–9, which it has never seen. Press Train: the four ways of using the base run on the very same labelled images, two at a time. Then move the slider and train again to see how the picture changes as labels become plentiful.',
    mode_frozen: 'Frozen base + new head',
    mode_fine_tune: 'Fine-tune all (base at a lower rate)',
    mode_scratch: 'From scratch',
    mode_snippet: 'As in the snippet (nothing frozen)',
    legend_frozen: 'frozen',
    legend_fine_tune: 'fine-tune',
    legend_scratch: 'scratch',
    legend_snippet: 'snippet',
    task_digits_5_9: 'digits 5–9 from a 0–4 base',
    task_fashion: 'Fashion-MNIST from a digits base',
    task_binary_5_8: '5 vs 8 (sigmoid head) from a 0–4 base',
    curves_title: 'Test accuracy while training',
    curves_help: 'Every mode sees the same labelled images and the same head initialisation, and is scored on the task’s test images every 25 steps. Step 0 is the untrained head: a loaded base with a random head guesses like a random network.',
    curves_axes: 'Test accuracy (up) against training steps (across), one line per mode',
    labels_value: '{n} per class · {t} training images',
    labels_valuetext: '{n} labelled images per class',
    mode_col: 'Mode',
    accuracy_col: 'Test accuracy',
    time_col: 'Training time',
    trainable_col: 'Trainable / frozen weights',
    mode_status_waiting: 'waiting',
    mode_status_running: 'training…',
    mode_status_failed: 'failed',
    mode_status_diverged: 'diverged (NaN)',
    mode_status_cancelled: 'cancelled',
    sweep_title: 'Accuracy against labels per class (your runs)',
    sweep_help: 'Each point is a finished run of this page: the final test accuracy at its number of labels per class (a mean when you ran several seeds). Points from other tasks or settings are kept but not drawn. Runs are stored in this browser only.',
    sweep_axes: 'Final test accuracy (up) against labelled images per class on a log scale (across), one line per mode',
    sweep_empty: 'No runs of {task} yet. Train, then move the slider (try 1, 10, 100 and 1,000) and train again.',
    sweep_points: '{n} run(s) of {task} with {s} steps.',
    sweep_gap: 'Frozen base against from scratch: {parts}.',
    sweep_gap_part: '{d} points at {n} per class',
    sweep_clear: 'Forget these runs',
    sweep_where: 'Where transfer stops mattering. With one to ten labelled images per class the frozen base wins by a wide margin: its features already separate strokes and loops, and the head only has to learn which combination means which digit, while a network from scratch must learn the features from fifty images. As labels grow the network from scratch catches up: measured with the CLI (seeds 1–3), the lead of the frozen base on 5–9 is about 15 points at 10 per class, 7 at 30 and one at 100; at 1,000 per class training everything, from scratch or fine-tuned, beats a frozen base whose features were learnt for other digits. Freezing protects features when data is scarce; with enough data, letting them adapt wins. And the features must suit the new task: on Fashion-MNIST a base trained on digits gives no lead at all (about 68% for every mode at 10 per class), and on 5 vs 8 two classes are easy enough that every mode reaches about 90%.',
    layers_title: 'Which weights train in each mode',
    layers_help: 'The base is the CNN lab’s network up to Flatten; the head is new. A frozen layer’s weights are exactly the pretrained ones at the end (the tests check bit for bit).',
    layer_col: 'Layer',
    params_col: 'Weights',
    frozen_mark: 'frozen',
    trainable_mark: 'trains',
    trainable_slow_mark: 'trains (lr {lr})',
    base_group: 'pretrained base',
    head_group: 'new head',
    layers_empty: 'The table fills in as each mode starts.',
    code_title: 'The same in Keras',
    code_help: 'Pick a mode: the script builds the same network, loads the same pretrained base from this site’s safetensors file (or retrains it from its link), and sets the same trainable layers and learning rates.',
    code_mode: 'Mode',
  },
  zh: {
    'transfer.title': '预训练网络什么时候有用？要不要冻结它？',
    'transfer.intro': '教科书式的做法是：加载一个在大数据集上训练好的网络，去掉它的分类器，在上面接一个新的 Dense 分类头，再用新任务的数据训练。这里预训练的部分是卷积网络实验中的卷积基，只在数字 0–4 上训练过；新任务是它从没见过的数字 5–9。点击“训练”：四种使用卷积基的方式在完全相同的有标签图片上运行，每次两个。然后拖动滑块再训练一次，看看标签变多时结论如何变化。',
    mode_frozen: '冻结卷积基 + 新分类头',
    mode_fine_tune: '全部微调（卷积基用更小的学习率）',
    mode_scratch: '从零训练',
    mode_snippet: '照搬示例代码（什么都不冻结）',
    legend_frozen: '冻结',
    legend_fine_tune: '微调',
    legend_scratch: '从零',
    legend_snippet: '示例代码',
    task_digits_5_9: '用 0–4 卷积基识别数字 5–9',
    task_fashion: '用数字卷积基识别 Fashion-MNIST',
    task_binary_5_8: '用 0–4 卷积基区分 5 和 8（sigmoid 分类头）',
    curves_title: '训练过程中的测试准确率',
    curves_help: '每种方式看到的有标签图片相同，分类头的初始权重也相同；每 25 步在该任务的测试图片上评估一次。第 0 步是尚未训练的分类头：加载了卷积基、分类头却是随机的，猜测水平和随机网络一样。',
    curves_axes: '测试准确率（纵轴）随训练步数（横轴）的变化，每种方式一条线',
    labels_value: '每类 {n} 张 · 共 {t} 张训练图片',
    labels_valuetext: '每类 {n} 张有标签图片',
    mode_col: '方式',
    accuracy_col: '测试准确率',
    time_col: '训练耗时',
    trainable_col: '可训练 / 冻结的权重',
    mode_status_waiting: '等待中',
    mode_status_running: '训练中…',
    mode_status_failed: '失败',
    mode_status_diverged: '发散（NaN）',
    mode_status_cancelled: '已取消',
    sweep_title: '准确率与每类标签数（你的运行）',
    sweep_help: '每个点是本页一次完成的运行：在对应的每类标签数下的最终测试准确率（运行了多个种子时取平均）。其他任务或设置的点会保留，但不画出。运行记录只保存在这个浏览器里。',
    sweep_axes: '最终测试准确率（纵轴）与每类有标签图片数（横轴，对数刻度），每种方式一条线',
    sweep_empty: '{task} 还没有运行记录。先训练一次，再拖动滑块（试试 1、10、100 和 1,000）重新训练。',
    sweep_points: '{task} 共 {n} 次运行，每次 {s} 步。',
    sweep_gap: '冻结卷积基相对从零训练：{parts}。',
    sweep_gap_part: '每类 {n} 张时 {d} 个百分点',
    sweep_clear: '清除这些记录',
    sweep_where: '迁移学习在哪里不再重要。每类只有一到十张有标签图片时，冻结的卷积基遥遥领先：它的特征已经能区分笔画和圆圈，分类头只需学会哪种组合代表哪个数字；而从零训练的网络得靠五十张图片自己学出特征。标签越多，从零训练追得越近：用命令行测量（种子 1–3），在 5–9 任务上，冻结卷积基的领先在每类 10 张时约为 15 个百分点，30 张时约 7 个，100 张时只剩 1 个左右；到每类 1,000 张时，训练全部参数（从零训练或微调）反而胜过冻结的卷积基，因为冻结的特征是为别的数字学的。数据稀少时，冻结能保护特征；数据足够时，让特征自己适应更好。此外，特征必须适合新任务：在 Fashion-MNIST 上，用数字训练的卷积基毫无优势（每类 10 张时各种方式都在 68% 左右）；而区分 5 和 8 只有两个类别，足够简单，每种方式都能达到 90% 左右。',
    layers_title: '每种方式下哪些权重参与训练',
    layers_help: '卷积基是卷积网络实验中的网络直到 Flatten 为止的部分；分类头是新的。被冻结的层在训练结束时仍与预训练权重完全相同（测试逐位检查）。',
    layer_col: '层',
    params_col: '权重数',
    frozen_mark: '冻结',
    trainable_mark: '训练',
    trainable_slow_mark: '训练（学习率 {lr}）',
    base_group: '预训练卷积基',
    head_group: '新分类头',
    layers_empty: '每种方式开始运行时，表格会逐步填好。',
    code_title: '用 Keras 写出来',
    code_help: '选择一种方式：脚本搭建同样的网络，从本站的 safetensors 文件加载同一个预训练卷积基（文件不在时按其链接重新训练），并设置相同的可训练层和学习率。',
    code_mode: '方式',
  },
};

const COLORS = { frozen: '#2563eb', fine_tune: '#16a34a', scratch: '#64748b', snippet: '#ea580c' };
/** Slider stops: labels per class on a roughly even log scale. */
const STOPS = [1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000];
/** Where the reader's runs are kept (a list of finished runs). */
const STORE = 'mlpad.transfer.runs.v1';
/** Classes of each task's head (the binary task has two classes and one output). */
const TASK_CLASSES = { digits_5_9: 5, fashion: 10, binary_5_8: 2 };

function loadRuns() {
  try {
    const runs = JSON.parse(localStorage.getItem(STORE) || '[]');
    return Array.isArray(runs) ? runs.filter((r) => r && typeof r.acc === 'number' && r.n > 0) : [];
  } catch {
    return []; // private mode or a corrupt entry: start empty
  }
}
function saveRuns(runs) {
  try { localStorage.setItem(STORE, JSON.stringify(runs.slice(-500))); } catch { /* full or blocked: keep in memory */ }
}

/** Settings that make runs comparable on the summary chart (everything but mode, labels, seed). */
const groupOf = (v) => JSON.stringify([v.task, v.steps, v.learning_rate, v.base_learning_rate]);

/** Builds the lab's cards; the shell forwards run events to the returned view. */
export function create(ctx) {
  const tr = ctx.tr;
  const key = ctx.spec().compare;
  const modes = ctx.spec().params.find((p) => p.name === key).choices;

  // ---- the four modes: slider, one chart, one table ----
  const curves = card('card-transfer', 'curves_title', 'curves_help');
  const slider = el('input', { id: 'view-labels', type: 'range', min: 0, max: STOPS.length - 1, step: 1 });
  // The setting itself, in the controls form (so in the link); the slider moves it.
  const value = el('input', { id: 'param-labels_per_class', name: 'labels_per_class', form: 'controls', type: 'hidden' });
  const out = el('output', { id: 'view-labels-value', for: 'view-labels' });
  const help = el('small', { id: 'view-labels-help' });
  slider.setAttribute('aria-describedby', 'view-labels-help');
  const field = el('div', { class: 'field view-float labels-field' },
    el('label', { for: 'view-labels' }, el('code', {}, 'labels_per_class')),
    el('div', { class: 'view-input' }, slider, out), help, value);
  const canvas = el('canvas', { id: 'chart-transfer', class: 'chart', role: 'img', 'data-i18n-label': 'curves_axes' });
  const table = el('table', { id: 'transfer-modes', class: 'metrics-table modes-table' });
  curves.append(field, canvas, el('div', { class: 'scroll-x' }, table));

  // ---- accuracy against labels per class ----
  const sweep = card('card-sweep', 'sweep_title', 'sweep_help');
  const sweepCanvas = el('canvas', { id: 'chart-sweep', class: 'chart', role: 'img', 'data-i18n-label': 'sweep_axes' });
  const sweepLine = el('p', { id: 'sweep-line', class: 'muted' });
  const sweepGap = el('p', { id: 'sweep-gap' });
  const clear = el('button', { type: 'button', class: 'ghost', id: 'sweep-clear', 'data-i18n': 'sweep_clear' });
  sweep.append(sweepCanvas, sweepLine, sweepGap, clear, el('p', { class: 'muted explain', 'data-i18n': 'sweep_where' }));

  // ---- layers ----
  const layersCard = card('card-layers', 'layers_title', 'layers_help');
  const layersTable = el('table', { id: 'transfer-layers', class: 'metrics-table layers-table' });
  layersCard.append(el('div', { class: 'scroll-x' }, layersTable));

  // ---- Keras code ----
  const code = card('card-code', 'code_title', 'code_help');
  const pick = el('select', { id: 'code-mode' });
  const pre = el('code', { id: 'keras-code' });
  code.append(el('div', { class: 'field' }, el('label', { for: 'code-mode', 'data-i18n': 'code_mode' }), pick),
    el('pre', { class: 'code-block' }, pre));

  ctx.root.append(curves, sweep, layersCard, code);
  const chart = new LineChart(canvas, { yMin: 0, yMax: 1, percent: true });
  const sweepChart = new LineChart(sweepCanvas, { yMin: 0, yMax: 1, percent: true, xTicks: [1, 3, 10, 30, 100, 1000] });

  let jobs = []; // one per mode of the current run: {mode, curve, status, seconds, layers, summary}
  let runs = loadRuns();
  let runValues = null; // the settings of the run on screen

  const layout = (values) => {
    jobs = modes.map((mode) => ({ mode, curve: [], status: 'waiting', seconds: null, layers: null, summary: null }));
    runValues = values;
  };

  /** Sets the slider from the link's value (a value between stops sits at the nearest one). */
  function syncSlider() {
    const n = Number(ctx.config().values.labels_per_class);
    value.value = String(n);
    if (document.activeElement !== slider) {
      let best = 0;
      STOPS.forEach((s, i) => { if (Math.abs(Math.log(s) - Math.log(n)) < Math.abs(Math.log(STOPS[best]) - Math.log(n))) best = i; });
      slider.value = String(best);
    }
    showLabels(n);
  }
  function showLabels(n) {
    const v = ctx.config().values;
    const k = TASK_CLASSES[v.task] ?? 1;
    out.textContent = num(n);
    help.textContent = `${tr('labels_value', { n: num(n), t: num(k * n) })} · ${ctx.spec().params.find((p) => p.name === 'labels_per_class').help[ctx.lang()] ?? ''}`;
    slider.setAttribute('aria-valuetext', tr('labels_valuetext', { n: num(n) }));
  }
  slider.addEventListener('input', () => showLabels(STOPS[Number(slider.value)]));
  slider.addEventListener('change', () => {
    value.value = String(STOPS[Number(slider.value)]);
    ctx.onControlChange();
  });

  function renderCurves() {
    const steps = Number((runValues ?? ctx.config().values).steps);
    chart.setSeries(jobs.map((j) => ({
      label: tr(`legend_${j.mode}`), color: COLORS[j.mode], points: j.curve.map((p) => [p.step, p.accuracy]), markers: j.curve.length < 3,
    })), steps);
  }

  function renderTable() {
    table.textContent = '';
    table.append(el('tr', {}, ...['mode_col', 'accuracy_col', 'time_col', 'trainable_col'].map((k) => el('th', { class: k }, tr(k)))));
    for (const j of jobs) {
      const last = j.curve.at(-1);
      const acc = j.status === 'done' && last ? `${(last.accuracy * 100).toFixed(1)}%` : last ? `${(last.accuracy * 100).toFixed(1)}% …` : '–';
      const s = j.summary?.report;
      const weights = s ? `${num(s.trainable_params)} / ${num(s.frozen_params)}` : '–';
      const status = j.status === 'done' ? fmtSeconds(j.seconds ?? 0) : tr(`mode_status_${j.status}`);
      const row = el('tr', { dataset: { mode: j.mode, status: j.status } },
        el('td', {}, swatch(COLORS[j.mode]), tr(`mode_${j.mode}`)),
        el('td', { dataset: last ? { value: String(last.accuracy) } : {} }, acc),
        el('td', {}, status),
        el('td', { class: 'trainable_col' }, weights));
      table.append(row);
    }
  }

  function renderLayers() {
    const known = jobs.filter((j) => j.layers);
    layersTable.textContent = '';
    if (!known.length) {
      layersTable.append(el('tr', {}, el('td', { class: 'muted' }, tr('layers_empty'))));
      return;
    }
    const v = runValues ?? ctx.config().values;
    layersTable.append(el('tr', {}, el('th', {}, tr('layer_col')), el('th', {}, tr('params_col')),
      ...known.map((j) => el('th', { dataset: { mode: j.mode } }, tr(`mode_${j.mode}`)))));
    let group = null;
    known[0].layers.forEach((layer, i) => {
      if (layer.base !== group) {
        group = layer.base;
        layersTable.append(el('tr', { class: 'group' }, el('td', { colspan: 2 + known.length }, tr(layer.base ? 'base_group' : 'head_group'))));
      }
      layersTable.append(el('tr', { dataset: { layer: layer.name } },
        el('td', {}, el('code', {}, `${layer.name}`), ` ${layer.kind}`),
        el('td', {}, num(layer.params)),
        ...known.map((j) => {
          const l = j.layers[i];
          const slow = j.mode === 'fine_tune' && l.base;
          const text = !l.trainable ? tr('frozen_mark') : slow ? tr('trainable_slow_mark', { lr: v.base_learning_rate }) : tr('trainable_mark');
          return el('td', { class: l.trainable ? 'trains' : 'frozen', dataset: { mode: j.mode, trainable: String(l.trainable) } }, text);
        })));
    });
  }

  /** The reader's finished runs of the current task and settings, per mode and labels count. */
  function renderSweep() {
    const v = ctx.config().values;
    const group = groupOf(v);
    const mine = runs.filter((r) => r.group === group);
    const task = tr(`task_${v.task}`);
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const byMode = {};
    for (const mode of modes) {
      const ns = [...new Set(mine.filter((r) => r.mode === mode).map((r) => r.n))].sort((a, b) => a - b);
      byMode[mode] = ns.map((n) => [n, mean(mine.filter((r) => r.mode === mode && r.n === n).map((r) => r.acc))]);
    }
    sweepChart.setSeries(modes.map((mode) => ({ label: tr(`legend_${mode}`), color: COLORS[mode], points: byMode[mode], markers: true })), 1000);
    sweepLine.textContent = mine.length ? tr('sweep_points', { n: mine.length, task, s: v.steps }) : tr('sweep_empty', { task });
    const f = new Map(byMode.frozen || []), s = new Map(byMode.scratch || []);
    const both = [...f.keys()].filter((n) => s.has(n)).sort((a, b) => a - b);
    sweepGap.textContent = both.length ? tr('sweep_gap', {
      parts: both.map((n) => tr('sweep_gap_part', { n: num(n), d: `${f.get(n) >= s.get(n) ? '+' : ''}${((f.get(n) - s.get(n)) * 100).toFixed(1)}` })).join(ctx.lang() === 'zh' ? '；' : '; '),
    }) : '';
    clear.hidden = !mine.length;
  }
  clear.addEventListener('click', () => {
    const group = groupOf(ctx.config().values);
    runs = runs.filter((r) => r.group !== group);
    saveRuns(runs);
    renderSweep();
  });

  function buildPick() {
    const chosen = pick.value || 'frozen';
    pick.textContent = '';
    for (const mode of modes) pick.append(new Option(tr(`mode_${mode}`), mode));
    pick.value = chosen;
  }
  // The core writes the code (the same generator as the Code button), for the chosen
  // mode's link; only the latest answer is shown.
  let codeFor = 0;
  const renderCode = async () => {
    const mode = pick.value || 'frozen';
    const variant = ctx.variants().find((v) => v.value === mode);
    if (!variant) return;
    const mine = ++codeFor;
    try {
      const text = await ctx.python(`#${variant.link}`);
      if (mine === codeFor) pre.textContent = text;
    } catch (e) {
      if (mine === codeFor) pre.textContent = ctx.tr('error', { m: e.message });
    }
  };
  pick.addEventListener('change', renderCode);

  function renderAll() {
    renderCurves();
    renderTable();
    renderLayers();
    renderSweep();
    renderCode();
  }

  layout(null);
  buildPick();
  syncSlider();
  renderAll();

  return {
    runLabel: 'train',
    cardParams: ['labels_per_class'],
    onParsed() {
      syncSlider();
      renderSweep();
      renderCode();
      if (!runValues) { renderCurves(); renderLayers(); }
    },
    onStart(index) {
      if (!runValues) runValues = { ...ctx.config().values };
      const j = jobs[index];
      if (!j) return;
      j.status = 'running';
      renderTable();
    },
    onProgress(index, p) {
      const j = jobs[index];
      if (!j) return;
      const s = p.payload;
      if (s.test) j.curve.push(s.test);
      if (s.layers) { j.layers = s.layers; renderLayers(); }
      renderCurves();
      renderTable();
    },
    onSummary(index, summary, phaseMs) {
      const j = jobs[index];
      if (!j) return;
      j.summary = summary;
      j.status = summary.status === 'finished' ? 'done' : summary.status;
      j.seconds = ((phaseMs?.setup || 0) + (phaseMs?.train || 0)) / 1000;
      if (summary.status === 'finished' && runValues) {
        const v = runValues;
        runs.push({ group: groupOf(v), mode: j.mode, n: Number(v.labels_per_class), seed: Number(v.seed), acc: summary.metrics.test_accuracy, seconds: j.seconds });
        // One entry per (settings, mode, labels, seed): a rerun replaces the earlier one.
        const seen = new Set();
        runs = runs.reverse().filter((r) => { const k2 = JSON.stringify([r.group, r.mode, r.n, r.seed]); if (seen.has(k2)) return false; seen.add(k2); return true; }).reverse();
        saveRuns(runs);
        renderSweep();
      }
      renderTable();
    },
    onError(index) {
      const j = jobs[index];
      if (j) { j.status = 'failed'; renderTable(); }
    },
    describe() { return []; },
    reset() {
      layout(null);
      renderAll();
      syncSlider();
    },
    redraw() {
      buildPick();
      syncSlider();
      renderAll();
    },
  };
}
