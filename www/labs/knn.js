// The KNN lab's view: accuracy, accuracy for every k, the confusion matrix, and a gallery
// of test images beside their nearest training images (mistakes first).
import { el, card } from '../ui/dom.js';
import { LineChart } from '../ui/chart.js';
import { renderConfusion } from '../ui/heatmap.js';
import { drawPicture, picturesByKey } from '../ui/images.js';

export const strings = {
  en: {
    'knn.title': 'How does k-nearest neighbours classify an image?',
    'knn.intro': 'KNN learns nothing: it keeps every training image, and to label a new one it finds the k training images closest to it (here by Euclidean or Manhattan distance over the 784 pixel values) and lets them vote. Small k follows every noisy neighbour, large k blurs the boundary between classes. These are the settings of the classic scikit-learn snippet (n_neighbors=3, test_size=0.2, random_state=42 on the first 10,000 MNIST images), and the numbers match scikit-learn’s exactly.',
    knn_title: 'Results',
    knn_by_k: 'Test accuracy for k = 1 … 15',
    knn_gallery: 'Test images and their nearest neighbours',
    knn_gallery_help: 'Each row: a test image (true label → predicted), then its k nearest training images with their labels and distances. Mistakes come first.',
    knn_query: '{t} → {p}',
    knn_progress: '{d} of {n} test images classified',
  },
  zh: {
    'knn.title': 'K 近邻是怎样给图片分类的？',
    'knn.intro': 'KNN 并不学习：它把所有训练图片都存下来，要判断一张新图片时，就找出与它最接近的 k 张训练图片（这里按 784 个像素值的欧氏距离或曼哈顿距离计算），让它们投票决定。k 太小会被每个带噪声的邻居左右，k 太大又会模糊类别之间的边界。默认设置来自经典的 scikit-learn 示例（n_neighbors=3、test_size=0.2、random_state=42，使用前 10,000 张 MNIST 图片），结果与 scikit-learn 完全一致。',
    knn_title: '结果',
    knn_by_k: 'k = 1 … 15 时的测试准确率',
    knn_gallery: '测试图片及其最近邻',
    knn_gallery_help: '每一行：一张测试图片（真实标签 → 预测），随后是它最近的 k 张训练图片，以及它们的标签和距离。认错的排在前面。',
    knn_query: '{t} → {p}',
    knn_progress: '已分类 {d} / {n} 张测试图片',
  },
};

/** Builds the lab's cards; the shell forwards run events to the returned view. */
export function create(ctx) {
  const tr = ctx.tr;
  const c = card('card-knn', 'knn_title');
  const accuracy = el('b', { id: 'knn-accuracy' }, '–');
  const kCanvas = el('canvas', { id: 'chart-k', class: 'chart', role: 'img', 'data-i18n-label': 'knn_by_k' });
  const confusion = el('table', { id: 'knn-confusion', class: 'confusion compact' });
  const gallery = el('div', { id: 'knn-gallery', class: 'knn-gallery' });
  c.append(
    el('p', { class: 'knn-accuracy' }, el('span', { 'data-i18n': 'test_accuracy' }), ': ', accuracy),
    el('div', { class: 'metrics-layout' },
      el('div', { class: 'chart-box' }, el('h3', { 'data-i18n': 'knn_by_k' }), kCanvas),
      el('div', {}, el('h3', { 'data-i18n': 'confusion_title' }), el('div', { class: 'scroll-x' }, confusion))),
    el('h3', { 'data-i18n': 'knn_gallery' }),
    el('p', { class: 'muted', 'data-i18n': 'knn_gallery_help' }),
    gallery,
  );
  ctx.root.append(c);
  const kChart = new LineChart(kCanvas, { percent: true, tight: true });
  let report = null;
  let pictures = new Map();

  const render = () => {
    if (!report) return;
    const r = report;
    accuracy.textContent = `${(r.accuracy * 100).toFixed(2)}%`;
    accuracy.dataset.value = String(r.accuracy);
    kChart.setSeries([
      { label: tr('test_set'), color: '#2563eb', points: r.accuracy_by_k.map((a, i) => [i + 1, a]), markers: true },
    ], r.accuracy_by_k.length);
    renderConfusion(confusion, r.labels, r.confusion_matrix, tr);
    gallery.textContent = '';
    for (const g of r.gallery) {
      const fig = (image, caption, cls) => {
        const canvas = el('canvas', { role: 'img', 'aria-label': caption });
        const pic = pictures.get(`train/${image}`);
        if (pic) drawPicture(canvas, pic, 2);
        return el('figure', { class: cls }, canvas, el('figcaption', {}, caption));
      };
      const row = el('div', { class: g.predicted === g.label ? 'knn-row' : 'knn-row wrong' },
        fig(g.image, tr('knn_query', { t: g.label, p: g.predicted }), 'query'),
        g.images.map((image, j) => fig(image, `${g.labels[j]} · ${g.distances[j].toFixed(2)}`)));
      gallery.append(row);
    }
  };

  return {
    runLabel: 'classify',
    onProgress(_job, p) { if (p.pictures?.length) pictures = picturesByKey(p); },
    onSummary(_job, summary) {
      report = summary.report;
      ctx.setFact('test_accuracy', summary.metrics.test_accuracy);
      render();
    },
    reset() {
      report = null;
      pictures = new Map();
      accuracy.textContent = '–';
      delete accuracy.dataset.value;
      gallery.textContent = '';
      confusion.textContent = '';
      kChart.setSeries([], 1);
    },
    redraw: render,
  };
}
