// The metrics lab's view: scikit-learn's scores for the typed lists, the confusion
// matrix, the warnings scikit-learn would print, and the ROC curve. The lab is live: the
// shell runs it on every edit and hands the summary here.
import { el, card } from '../ui/dom.js';
import { LineChart } from '../ui/chart.js';
import { renderConfusion } from '../ui/heatmap.js';
import { renderNotes } from '../ui/notes.js';

export const strings = {
  en: {
    'metrics.title': 'How do you evaluate a classifier?',
    'metrics.intro': 'Type the true labels and a model’s predictions (or its scores) and see every number scikit-learn would print for them, computed the same way to the last digit. Accuracy alone hides a lot: precision asks how many of the predicted positives were right, recall how many of the real positives were found, F1 balances the two, and the ROC curve shows the trade-off as the decision threshold moves. The default is the five-sample example from the classic blog snippet. To weigh a real classifier’s quality against its cost, open the Evaluate lab.',
    metrics_title: 'Scores',
    metrics_help: 'Each value equals scikit-learn’s for the same input (same function names and defaults).',
    roc_title: 'ROC curve',
    m_balanced_accuracy: 'mean recall over the classes (fair with imbalanced classes)',
    m_matthews_corrcoef: 'correlation of predictions with truth, from −1 to 1',
    m_roc_auc: 'probability a random positive scores above a random negative',
    m_average_precision: 'area under the precision–recall curve, as a step sum',
  },
  zh: {
    'metrics.title': '怎样评估一个分类器？',
    'metrics.intro': '输入真实标签和模型的预测（或打分），就能看到 scikit-learn 会给出的每一个指标，计算方式相同，精确到最后一位。只看准确率会掩盖很多问题：精确率问的是预测为正的样本里有多少是对的，召回率问的是真正的正样本找回了多少，F1 在两者之间取得平衡，ROC 曲线则展示决策阈值移动时的取舍。默认值是经典博客示例中的五个样本。想把一个真实分类器的效果与代价放在一起衡量，请打开“模型评估”实验。',
    metrics_title: '各项指标',
    metrics_help: '每个数值都与 scikit-learn 对同一输入的结果相同（函数名与默认参数一致）。',
    roc_title: 'ROC 曲线',
    m_balanced_accuracy: '各类别召回率的平均（类别不平衡时更公平）',
    m_matthews_corrcoef: '预测与真实值的相关系数，范围 −1 到 1',
    m_roc_auc: '随机取一个正样本，其得分高于随机负样本的概率',
    m_average_precision: '精确率–召回率曲线下的面积（按阶梯求和）',
  },
};

/** Metric names (as scikit-learn calls them) and the report field each shows. */
const ROWS = [
  ['accuracy_score', 'accuracy'],
  ['precision_score', 'precision'],
  ['recall_score', 'recall'],
  ['f1_score', 'f1'],
  ['balanced_accuracy_score', 'balanced_accuracy'],
  ['matthews_corrcoef', 'matthews_corrcoef'],
  ['roc_auc_score', 'roc_auc'],
  ['average_precision_score', 'average_precision'],
];

/** Builds the lab's cards; the shell forwards run events to the returned view. */
export function create(ctx) {
  const c = card('card-metrics', 'metrics_title', 'metrics_help');
  const table = el('table', { id: 'metrics-table', class: 'metrics-table' });
  const confusion = el('table', { id: 'confusion', class: 'confusion' });
  const warnings = el('ul', { id: 'metrics-warnings', class: 'warnings' });
  const roc = el('canvas', { id: 'chart-roc', class: 'chart roc', role: 'img', 'data-i18n-label': 'roc_title' });
  c.append(
    el('div', { class: 'metrics-layout' },
      el('div', { class: 'scroll-x' }, table),
      el('div', {}, el('h3', { 'data-i18n': 'confusion_title' }), el('div', { class: 'scroll-x' }, confusion), el('p', { class: 'muted', 'data-i18n': 'confusion_help' }))),
    warnings,
    el('h3', { 'data-i18n': 'roc_title' }),
    roc,
  );
  ctx.root.append(c);
  const rocChart = new LineChart(roc, { yMin: 0, yMax: 1 });
  let report = null;

  const render = () => {
    if (!report) return;
    const r = report;
    const tr = ctx.tr;
    table.textContent = '';
    for (const [name, key] of ROWS) {
      const row = table.insertRow();
      row.dataset.metric = key;
      const v = r[key];
      const shown = v === null || v === undefined ? '—' : String(v);
      row.insertCell().append(el('code', {}, name), el('br'), el('small', {}, tr(`m_${key}`)));
      row.insertCell().textContent = shown;
    }
    renderConfusion(confusion, r.confusion_matrix.labels, r.confusion_matrix.counts, tr);
    renderNotes(warnings, ctx.lang(), r.warnings, r.skipped);
    const curve = r.roc_curve;
    const auc = r.roc_auc === null || r.roc_auc === undefined ? '—' : Number(r.roc_auc).toFixed(3);
    rocChart.setSeries(curve ? [
      { label: `ROC (AUC ${auc})`, color: '#2563eb', points: curve.fpr.map((x, i) => [x, curve.tpr[i]]), markers: true },
      { label: tr('chance'), color: '#94a3b8', points: [[0, 0], [1, 1]] },
    ] : [], 1);
  };

  return {
    onSummary(_job, summary) { report = summary.report; render(); },
    redraw: render,
    reset() {},
  };
}
