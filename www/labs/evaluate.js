// The evaluate lab's view: the model's quality and cost, one class against the rest at a
// threshold (drawn with the class and threshold controls beside the curves they move),
// and every class at once. Moving a view-only setting after a run only redraws: the
// shell asks the finished run for the report again.
import { el, card } from '../ui/dom.js';
import { LineChart } from '../ui/chart.js';
import { renderConfusion } from '../ui/heatmap.js';
import { renderNotes } from '../ui/notes.js';
import { fmtSeconds, fmtBytes, pct, fmt4, num } from '../ui/format.js';

export const strings = {
  en: {
    'evaluate.title': 'Is this classifier good, and what does it cost?',
    'evaluate.intro': 'Train a real classifier here, the CNN lab’s network or k-nearest neighbours, on MNIST digits or Fashion-MNIST clothing, then look at it the way an evaluation should: ROC and precision–recall curves for one class against the rest, with a threshold you move; the confusion matrix and per-class scores of all ten classes; and the cost side, measured in your browser: training and prediction time, parameters, model size, and the gap between training and test accuracy. Every number follows scikit-learn’s definitions, and `mlpad run` prints the same ones for the same link.',
    eval_title: 'The model: quality and cost',
    eval_idle_cnn: 'Press Evaluate to train the CNN for {e} epoch(s) on {n} training images, here in your browser, then score the {t} test images.',
    eval_idle_knn: 'Press Evaluate to store {n} training images in a KNN and classify the {t} test images by their nearest neighbours.',
    eval_running: 'Working: the progress bar on the left shows each step. Reset cancels.',
    eval_done: 'Every number below is measured on this run; the ones that do not depend on timing equal what `mlpad run` prints for the same link.',
    eval_test_images: 'on the {n} test images',
    eval_training_subset: 'on all {n} training images it learnt from',
    eval_training_sample: 'on the first {n} training images, each of which is its own nearest neighbour',
    eval_gap: 'Generalisation gap',
    eval_gap_value: '{g} points (training minus test)',
    eval_train_time: 'Training time',
    eval_train_time_cnn: 'building the network, every batch over {n} images and the test pass after each epoch, measured in the worker',
    eval_train_time_knn: 'a KNN only stores the {n} images',
    eval_predict_time: 'Prediction time',
    eval_predict_time_note: 'per image ({s} for all {n} test images)',
    eval_params_knn: 'nothing is learnt; the training images are the model',
    eval_size: 'Model size',
    eval_size_cnn: '{p} parameters × 4 bytes (float32)',
    eval_size_knn: '{n} images × 784 float32 pixels, plus a label each',
    eval_note_knn: 'A KNN moves the cost from training to prediction: nothing happens when it is fitted, but every test image is compared with all {n} stored images, and the model is as large as its training set.',
    eval_note_cnn: 'A CNN pays up front: training takes many passes of forward and backward computation, but afterwards it is small and predicts an image with one forward pass.',
    eval_cnn_link: 'The same weights in the CNN lab',
    ovr_title: 'One class against the rest',
    ovr_help: 'Pick a class: its images are the positives, all others the negatives, and the model’s probability for that class is the score. An image is predicted positive when its score is at least the threshold.',
    ovr_roc_caption: 'ROC curve: true-positive rate against false-positive rate · AUC {auc}',
    ovr_pr_caption: 'Precision–recall curve: precision against recall · AP {ap}',
    ovr_series: 'class {c} vs rest',
    threshold_point: 'threshold {t}',
    ovr_at: 'At threshold {t}, positive = {c}',
    ovr_rest: 'rest',
    threshold_valuetext: 'threshold {t}: {tp} true positives, {fp} false positives',
    threshold_tradeoff: 'Moving the threshold trades one kind of mistake for the other. Lower it and more images are called positive: more of the real ones are found (recall rises) but more of the others are flagged too (false positives, so precision falls). Raise it and the model speaks only when sure: fewer false alarms, more misses. The two curves are the paths of this trade-off as the threshold sweeps from high to low; the red dot is the slider’s place on them. AUC and AP sum up the whole path, so they do not move with the slider.',
    ovr_scores_cnn: 'The CNN’s softmax gives almost every image its own score ({n} different values here), so the threshold can stop at many places and the curves have many small steps.',
    ovr_scores_knn: 'Why so few corners? A KNN’s score for a class is the share of its k = {k} neighbours that vote for it, so it can only be {values}: {n} different values here. Each distinct score is one place the threshold can cut, hence one point on each curve ({p} on the ROC curve with its start); between two scores the slider changes nothing. Try weights=distance: closer neighbours count more, nearly every image gets its own score, and the curves fill in.',
    ovr_scores_knn_distance: 'With weights=distance each neighbour’s vote is 1/distance, so the scores spread out ({n} different values here) and the curves have many more points than with uniform votes.',
    mc_title: 'All ten classes',
    mc_help: 'The confusion matrix of the predicted class (the most probable one) against the true class, and scikit-learn’s classification_report: precision, recall and F1 per class (average=None), with support, the number of test images of the class; then their plain mean (macro) and their mean weighted by support.',
    evaluate: 'Evaluate',
    roc_axes: 'ROC curve: false-positive rate across, true-positive rate up',
    pr_axes: 'Precision–recall curve: recall across, precision up',
    m_recall_tpr: 'true-positive rate: of the real positives, the share found',
    m_fpr: 'false-positive rate: of the negatives, the share flagged (fp / (fp + tn))',
    macro_avg: 'macro avg',
    weighted_avg: 'weighted avg',
    train_accuracy: 'Training accuracy',
  },
  zh: {
    'evaluate.title': '这个分类器好不好？代价又是多少？',
    'evaluate.intro': '在这里训练一个真正的分类器（卷积网络实验中的网络，或 k 近邻），数据可以是 MNIST 手写数字或 Fashion-MNIST 服饰图片，然后像一次完整的评估那样审视它：某个类别对其余类别的 ROC 曲线和精确率–召回率曲线，阈值可以拖动；全部十个类别的混淆矩阵和逐类指标；以及在你的浏览器里实测的代价：训练与预测耗时、参数量、模型大小，以及训练准确率与测试准确率之间的差距。每个数字都按 scikit-learn 的定义计算，对同一链接运行 `mlpad run` 会得到相同的数字。',
    eval_title: '模型：效果与代价',
    eval_idle_cnn: '点击“评估”，在浏览器里用 {n} 张训练图片把 CNN 训练 {e} 轮，然后为 {t} 张测试图片打分。',
    eval_idle_knn: '点击“评估”，把 {n} 张训练图片存进 KNN，再按最近邻为 {t} 张测试图片分类。',
    eval_running: '正在计算：左侧进度条显示每一步。点击“重置”可取消。',
    eval_done: '下面每个数字都来自这次运行；与计时无关的数字，与对同一链接运行 `mlpad run` 的输出完全相同。',
    eval_test_images: '在 {n} 张测试图片上',
    eval_training_subset: '在它学习过的全部 {n} 张训练图片上',
    eval_training_sample: '在前 {n} 张训练图片上，每张图片的最近邻就是它自己',
    eval_gap: '泛化差距',
    eval_gap_value: '{g} 个百分点（训练减测试）',
    eval_train_time: '训练耗时',
    eval_train_time_cnn: '构建网络、在 {n} 张图片上跑完所有批次以及每轮结束后的测试，在 Worker 中计时',
    eval_train_time_knn: 'KNN 只是把 {n} 张图片存起来',
    eval_predict_time: '预测耗时',
    eval_predict_time_note: '每张图片（全部 {n} 张测试图片共 {s}）',
    eval_params_knn: '不学习任何参数；训练图片本身就是模型',
    eval_size: '模型大小',
    eval_size_cnn: '{p} 个参数 × 4 字节（float32）',
    eval_size_knn: '{n} 张图片 × 784 个 float32 像素，外加每张一个标签',
    eval_note_knn: 'KNN 把代价从训练挪到了预测：拟合时什么都不做，但每张测试图片都要与存下的全部 {n} 张图片比较，模型也和训练集一样大。',
    eval_note_cnn: 'CNN 先付出代价：训练要做许多遍前向和反向计算，但训练完成后模型很小，预测一张图片只需一次前向计算。',
    eval_cnn_link: '在卷积网络实验中得到同样的权重',
    ovr_title: '一个类别对其余类别',
    ovr_help: '选一个类别：它的图片是正样本，其余都是负样本，模型给该类别的概率就是得分。得分不低于阈值的图片被预测为正类。',
    ovr_roc_caption: 'ROC 曲线：真正率对假正率 · AUC {auc}',
    ovr_pr_caption: '精确率–召回率曲线：精确率对召回率 · AP {ap}',
    ovr_series: '类别 {c} 对其余',
    threshold_point: '阈值 {t}',
    ovr_at: '阈值 {t}，正类 = {c}',
    ovr_rest: '其余',
    threshold_valuetext: '阈值 {t}：{tp} 个真正例，{fp} 个假正例',
    threshold_tradeoff: '移动阈值，就是用一种错误换另一种错误。调低阈值，更多图片被判为正类：真正的正样本找到得更多（召回率上升），但也有更多其他图片被误判（假正例增多，精确率下降）。调高阈值，模型只在有把握时才判为正类：误报更少，漏报更多。两条曲线就是阈值从高到低扫过时这种取舍走出的路径；红点是滑块在曲线上的位置。AUC 和 AP 概括的是整条路径，所以不随滑块变化。',
    ovr_scores_cnn: 'CNN 的 softmax 几乎给每张图片一个不同的得分（这里有 {n} 个不同的值），阈值可以停在很多位置，曲线由许多小台阶组成。',
    ovr_scores_knn: '为什么拐点这么少？KNN 给某个类别的得分是 k = {k} 个近邻中投票给它的比例，只能取 {values}：这里共有 {n} 个不同的值。每个不同的得分是阈值能切开的一个位置，对应每条曲线上的一个点（ROC 曲线连同起点共 {p} 个点）；在两个得分之间移动滑块，什么都不会变。试试 weights=distance：越近的近邻权重越大，几乎每张图片都有自己的得分，曲线也随之变得细密。',
    ovr_scores_knn_distance: '使用 weights=distance 时，每个近邻的票数是 1/距离，得分因而分散开（这里有 {n} 个不同的值），曲线上的点比均匀投票时多得多。',
    mc_title: '全部十个类别',
    mc_help: '预测类别（概率最大的那个）对真实类别的混淆矩阵，以及 scikit-learn 的 classification_report（表头沿用它的英文列名）：每个类别的精确率 precision、召回率 recall 和 F1 值 f1-score（average=None），support 是该类别的测试图片数；最后两行是它们的简单平均（macro）和按 support 加权的平均（weighted）。',
    evaluate: '评估',
    roc_axes: 'ROC 曲线：横轴为假正率，纵轴为真正率',
    pr_axes: '精确率–召回率曲线：横轴为召回率，纵轴为精确率',
    m_recall_tpr: '真正率：真正的正样本中被找出的比例',
    m_fpr: '假正率：负样本中被误判为正的比例（fp / (fp + tn)）',
    macro_avg: 'macro 平均',
    weighted_avg: 'weighted 平均',
    train_accuracy: '训练准确率',
  },
};

/** "3" for MNIST's digit classes, "3 · Dress" where the name says more than the index. */
const classLabel = (names, i) => (names?.[i] && names[i] !== String(i) ? `${i} · ${names[i]}` : String(i));

/** Settings drawn in the one-vs-rest card, next to what they change. */
const CARD_PARAMS = ['positive_class', 'threshold'];

/** Builds the lab's cards; the shell forwards run events to the returned view. */
export function create(ctx) {
  const tr = ctx.tr;
  // ---- the model: status, cost, note ----
  const evalCard = card('card-eval', 'eval_title');
  const status = el('p', { id: 'eval-status', class: 'muted', 'aria-live': 'polite' });
  const cost = el('dl', { id: 'eval-cost', class: 'cost', hidden: true });
  const note = el('p', { id: 'eval-note', class: 'muted', hidden: true });
  evalCard.append(status, cost, note);
  // ---- one class against the rest ----
  const ovr = card('card-ovr', 'ovr_title', 'ovr_help');
  const controls = el('div', { id: 'ovr-controls', class: 'ovr-controls' });
  const figure = (id, captionId, label) => el('figure', {}, el('figcaption', { id: captionId }), el('canvas', { id, class: 'chart', role: 'img', 'data-i18n-label': label }));
  const atTitle = el('h3', { id: 'ovr-at-title' });
  const ovrTable = el('table', { id: 'ovr-metrics', class: 'metrics-table' });
  const ovrConfusion = el('table', { id: 'ovr-confusion', class: 'confusion' });
  const ovrWarnings = el('ul', { id: 'ovr-warnings', class: 'warnings' });
  const scoresNote = el('p', { class: 'muted explain', id: 'ovr-scores-note' });
  // The class and threshold can be chosen before a run; what they show comes with it.
  const ovrResults = el('div', { id: 'ovr-results' },
    el('div', { class: 'charts' }, figure('chart-ovr-roc', 'ovr-roc-caption', 'roc_axes'), figure('chart-ovr-pr', 'ovr-pr-caption', 'pr_axes')),
    el('div', { class: 'metrics-layout' },
      el('div', { class: 'scroll-x' }, atTitle, ovrTable),
      el('div', {}, el('h3', { 'data-i18n': 'confusion_title' }), ovrConfusion)),
    ovrWarnings,
    el('p', { class: 'muted explain', 'data-i18n': 'threshold_tradeoff' }),
    scoresNote);
  ovr.append(controls, ovrResults);
  // ---- all classes ----
  const mc = card('card-multiclass', 'mc_title', 'mc_help');
  const mcConfusion = el('table', { id: 'mc-confusion', class: 'confusion compact' });
  const mcTable = el('table', { id: 'mc-table', class: 'metrics-table per-class' });
  const mcWarnings = el('ul', { id: 'mc-warnings', class: 'warnings' });
  mc.append(el('div', { class: 'mc-layout' }, el('div', { class: 'scroll-x' }, mcConfusion), el('div', { class: 'scroll-x' }, mcTable)), mcWarnings);
  ctx.root.append(evalCard, ovr, mc);
  const rocChart = new LineChart(ovr.querySelector('#chart-ovr-roc'), { yMin: 0, yMax: 1 });
  const prChart = new LineChart(ovr.querySelector('#chart-ovr-pr'), { yMin: 0, yMax: 1 });

  let report = null; // the latest report of the finished run
  let timing = null; // seconds per phase, measured in the worker
  let busy = false;

  const showResults = (on) => { ovrResults.hidden = !on; mc.hidden = !on; };
  showResults(false);

  /** The class and threshold controls, built from the schema once per language. */
  function buildControls() {
    controls.textContent = '';
    for (const name of CARD_PARAMS) {
      const p = ctx.spec().params.find((q) => q.name === name);
      const id = `view-${name}`;
      let input;
      if (p.kind === 'int') {
        input = el('select', { id, name, form: 'controls' });
        for (let v = p.min; v <= p.max; v++) input.append(new Option(String(v), String(v)));
      } else {
        input = el('input', { id, name, form: 'controls', type: 'range', min: p.min, max: p.max, step: (p.max - p.min) / 100 });
        // While the slider moves: the views for its value at once (the link follows on release).
        input.addEventListener('input', () => {
          out.textContent = Number(input.value).toFixed(2);
          if (report) ctx.requestView(ctx.linkFromControls());
        });
      }
      input.setAttribute('aria-describedby', `${id}-help`);
      input.addEventListener('change', ctx.onControlChange);
      const out = el('output', { id: `${id}-value`, for: id });
      controls.append(el('div', { class: `field view-${p.kind}` },
        el('label', { for: id }, el('code', {}, p.name)),
        el('div', { class: 'view-input' }, input, out),
        el('small', { id: `${id}-help` }, p.help[ctx.lang()] ?? p.help.en)));
    }
    syncControls();
  }

  /** Puts the link's values into the controls, except one in the reader's hands. */
  function syncControls() {
    const values = ctx.config().values;
    for (const name of CARD_PARAMS) {
      const input = controls.querySelector(`#view-${name}`);
      if (!input) continue;
      // Replies to earlier values must not pull a control back while keys are held down.
      if (document.activeElement !== input && input.value !== String(values[name])) input.value = String(values[name]);
      controls.querySelector(`#view-${name}-value`).textContent = input.type === 'range' ? Number(values[name]).toFixed(2) : '';
    }
    if (report) for (const o of controls.querySelector('#view-positive_class')?.options ?? []) o.textContent = classLabel(report.classes, Number(o.value));
  }

  function renderStatus() {
    const v = ctx.config().values;
    const tests = ctx.datasets()?.[v.dataset]?.test_images.count;
    const key = busy ? 'eval_running' : report ? 'eval_done' : `eval_idle_${v.model}`;
    status.textContent = tr(key, { n: num(Number(v.train_size)), e: v.epochs, t: (tests == null ? undefined : num(tests)) ?? '?' });
  }

  /** A term and its value (full precision in data-value) in the cost list. */
  function fact(key, label, value, shown, noteText = '') {
    const dd = el('dd', { dataset: { key } }, shown);
    if (value !== null && value !== undefined) dd.dataset.value = String(value);
    if (noteText) dd.append(el('small', {}, noteText));
    cost.append(el('dt', {}, label), dd);
  }

  function render() {
    renderStatus();
    if (!report) return;
    const r = report;
    const knn = r.model === 'knn';
    cost.textContent = '';
    const gap = (r.train_accuracy - r.accuracy) * 100;
    fact('accuracy', tr('test_accuracy'), r.accuracy, pct(r.accuracy), tr('eval_test_images', { n: num(r.n_test) }));
    fact('train_accuracy', tr('train_accuracy'), r.train_accuracy, pct(r.train_accuracy), tr(`eval_${r.train_eval}`, { n: num(r.train_eval_images) }));
    fact('gap', tr('eval_gap'), null, tr('eval_gap_value', { g: gap.toFixed(2) }));
    if (timing) {
      const train = (timing.setup || 0) + (timing.train || 0);
      fact('train_seconds', tr('eval_train_time'), train, fmtSeconds(train), tr(knn ? 'eval_train_time_knn' : 'eval_train_time_cnn', { n: num(r.n_train) }));
      const per = (timing.predict_test || 0) / r.n_test;
      fact('predict_seconds_per_image', tr('eval_predict_time'), per, fmtSeconds(per), tr('eval_predict_time_note', { n: num(r.n_test), s: fmtSeconds(timing.predict_test || 0) }));
    }
    fact('param_count', tr('parameters'), r.param_count, num(r.param_count), knn ? tr('eval_params_knn') : '');
    fact('model_bytes', tr('eval_size'), r.model_bytes, fmtBytes(r.model_bytes),
      tr(knn ? 'eval_size_knn' : 'eval_size_cnn', { n: num(r.n_train), p: num(r.param_count) }));
    cost.hidden = false;
    note.textContent = knn ? tr('eval_note_knn', { n: num(r.n_train) }) : tr('eval_note_cnn');
    if (r.cnn_link) note.append(' ', el('a', { href: r.cnn_link }, tr('eval_cnn_link')));
    note.hidden = false;
    renderOvr(r);
    renderMulticlass(r);
    syncControls();
    showResults(true);
  }

  function renderOvr(r) {
    const o = r.one_vs_rest;
    const at = o.at_threshold;
    const tShown = Number(at.threshold).toFixed(2);
    const rocCaption = ovr.querySelector('#ovr-roc-caption');
    const prCaption = ovr.querySelector('#ovr-pr-caption');
    rocCaption.textContent = tr('ovr_roc_caption', { auc: fmt4(o.roc_auc) });
    prCaption.textContent = tr('ovr_pr_caption', { ap: fmt4(o.average_precision) });
    rocCaption.dataset.value = String(o.roc_auc);
    prCaption.dataset.value = String(o.average_precision);
    const point = (p) => (p ? [{ label: tr('threshold_point', { t: tShown }), color: '#dc2626', points: [p], markers: true, radius: 6 }] : []);
    const roc = o.roc_curve;
    const rocPts = roc ? roc.fpr.map((x, i) => [x, roc.tpr[i]]) : [];
    rocChart.setSeries([
      { label: tr('ovr_series', { c: o.positive_class }), color: '#2563eb', points: rocPts, markers: rocPts.length <= 30 },
      { label: tr('chance'), color: '#94a3b8', points: [[0, 0], [1, 1]], noLegend: true },
      ...point(at.roc_point),
    ], 1);
    // As scikit-learn's PrecisionRecallDisplay draws it: steps (drawstyle="steps-post").
    const pr = o.pr_curve;
    const steps = [];
    if (pr) pr.recall.forEach((x, i) => { if (i > 0) steps.push([x, pr.precision[i - 1]]); steps.push([x, pr.precision[i]]); });
    const prevalence = o.positives / (o.positives + o.negatives);
    prChart.setSeries([
      { label: tr('ovr_series', { c: o.positive_class }), color: '#2563eb', points: steps, markers: false },
      { label: tr('chance'), color: '#94a3b8', points: [[0, prevalence], [1, prevalence]], noLegend: true },
      ...point(at.pr_point),
    ], 1);
    atTitle.textContent = tr('ovr_at', { t: tShown, c: classLabel(r.classes, o.positive_class) });
    ovrTable.textContent = '';
    for (const [fn, key, help] of [
      ['accuracy_score', 'accuracy', 'm_accuracy'],
      ['precision_score', 'precision', 'm_precision'],
      ['recall_score', 'recall', 'm_recall_tpr'],
      ['f1_score', 'f1', 'm_f1'],
      ['fpr', 'fpr', 'm_fpr'],
    ]) {
      const row = ovrTable.insertRow();
      row.dataset.metric = key;
      row.insertCell().append(el('code', {}, fn), el('br'), el('small', {}, tr(help)));
      const cell = row.insertCell();
      const v = at[key];
      cell.textContent = fmt4(v);
      cell.dataset.value = v === null ? 'null' : String(v);
    }
    renderConfusion(ovrConfusion, [tr('ovr_rest'), classLabel(r.classes, o.positive_class)], [[at.tn, at.fp], [at.fn, at.tp]], tr);
    for (const k of ['tp', 'fp', 'fn', 'tn']) ovrConfusion.dataset[k] = String(at[k]);
    controls.querySelector('#view-threshold')?.setAttribute('aria-valuetext', tr('threshold_valuetext', { t: tShown, tp: at.tp, fp: at.fp }));
    renderNotes(ovrWarnings, ctx.lang(), o.warnings, o.skipped);
    const v = ctx.config().values;
    const k = v.n_neighbors;
    const fractions = Array.from({ length: k + 1 }, (_, i) => (i === 0 ? '0' : i === k ? '1' : `${i}/${k}`)).join(', ');
    const noteKey = r.model === 'cnn' ? 'ovr_scores_cnn' : v.weights === 'uniform' ? 'ovr_scores_knn' : 'ovr_scores_knn_distance';
    scoresNote.textContent = tr(noteKey, { n: o.distinct_scores, k, values: fractions, p: o.roc_curve ? o.roc_curve.fpr.length : 0 });
  }

  function renderMulticlass(r) {
    const m = r.multiclass;
    renderConfusion(mcConfusion, m.labels, m.confusion_matrix, tr, r.classes);
    mcTable.textContent = '';
    const head = mcTable.insertRow();
    // scikit-learn's classification_report column names, kept in every language like the
    // Keras / scikit-learn names of the controls; mc_help says what they mean in words.
    for (const h of ['', 'precision', 'recall', 'f1-score', 'support']) head.append(el('th', {}, h));
    const line = (label, p, rc, f, n, key) => {
      const row = mcTable.insertRow();
      row.dataset.row = key;
      row.insertCell().textContent = label;
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
    renderNotes(mcWarnings, ctx.lang(), m.warnings);
  }

  buildControls();
  return {
    runLabel: 'evaluate',
    cardParams: CARD_PARAMS,
    onParsed() { syncControls(); renderStatus(); },
    onStart() { busy = true; renderStatus(); },
    onSummary(_job, summary, phaseMs) {
      busy = false;
      timing = Object.fromEntries(Object.entries(phaseMs || {}).map(([k, ms]) => [k, ms / 1000]));
      report = summary.status === 'finished' ? summary.report : null;
      ctx.setFact('test_accuracy', summary.metrics.test_accuracy);
      render();
    },
    onView(r) { report = r; render(); },
    onError() { busy = false; renderStatus(); },
    reset() {
      busy = false;
      report = null;
      timing = null;
      cost.hidden = true;
      note.hidden = true;
      showResults(false);
      renderStatus();
    },
    redraw() { buildControls(); render(); },
  };
}
