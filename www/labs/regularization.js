// The regularization lab's view: the four penalties side by side, each with its accuracy,
// losses, first-layer weight histogram and sparsity.
import { CompareView } from '../ui/compare.js';

export const strings = {
  en: {
    'regularization.title': 'What do L1 and L2 regularization actually do?',
    'regularization.intro': 'With only a thousand training images a network can memorise them: training accuracy climbs to 100% while test accuracy stalls, and that gap is overfitting. A penalty on the weights is added to the loss so the optimiser pays for large weights. L2 (λ·Σw²) shrinks every weight in proportion to its size; L1 (λ·Σ|w|) pulls each weight towards zero by the same amount, so weights that do not earn their keep end at exactly zero, like the ones attached to the always-blank border pixels. Train to run all four versions side by side, two at a time on your two cores.',
    compare_title_regularization: 'No penalty, L1, L2 and both, side by side',
    compare_help_regularization: 'Each card: training and test accuracy after every epoch; the training data loss, the test loss and the penalty (the optimiser minimises data loss + penalty); then a histogram of the first layer’s 50,176 weights (orange: the bin around zero). The gap is training minus test accuracy.',
    compare_facts: 'train {train}% · test {test}% · gap {gap} pts · {zero}% of weights ≈ 0',
    variant_none: 'No penalty',
    variant_l1: 'L1',
    variant_l2: 'L2',
    variant_l1_l2: 'L1 + L2',
    data_loss: 'data loss',
    test_loss: 'test loss',
    penalty: 'penalty',
  },
  zh: {
    'regularization.title': 'L1 和 L2 正则化到底做了什么？',
    'regularization.intro': '只有一千张训练图片时，网络可以把它们全部背下来：训练准确率升到 100%，测试准确率却停滞不前，这个差距就是过拟合。正则化在损失里加上一项权重惩罚，让优化器为过大的权重付出代价。L2（λ·Σw²）按权重大小成比例地收缩每个权重；L1（λ·Σ|w|）则以相同的力度把每个权重拉向零，于是没有用处的权重最后恰好变成零，比如那些连接着始终空白的边缘像素的权重。点击“训练”，四种设置会并排运行，每次两个，正好用满你的两个处理器核心。',
    compare_title_regularization: '无惩罚、L1、L2 与两者结合，并排对比',
    compare_help_regularization: '每张卡片：每轮结束时的训练集与测试集准确率；训练数据损失、测试损失与惩罚项（优化器最小化的是数据损失 + 惩罚项）；以及第一层 50,176 个权重的直方图（橙色为零附近的区间）。差距 = 训练准确率 − 测试准确率。',
    compare_facts: '训练 {train}% · 测试 {test}% · 差距 {gap} 个百分点 · {zero}% 的权重 ≈ 0',
    variant_none: '无惩罚',
    variant_l1: 'L1',
    variant_l2: 'L2',
    variant_l1_l2: 'L1 + L2',
    data_loss: '数据损失',
    test_loss: '测试损失',
    penalty: '惩罚项',
  },
};

/** Builds the lab's cards; the shell forwards run events to the returned view. */
export function create(ctx) {
  const pct = (v) => (v * 100).toFixed(1);
  const view = new CompareView(ctx, {
    losses: true,
    histogram: true,
    facts: (e, tr) => tr('compare_facts', {
      train: pct(e.train_accuracy), test: pct(e.test_accuracy),
      gap: ((e.train_accuracy - e.test_accuracy) * 100).toFixed(1), zero: (e.near_zero * 100).toFixed(0),
    }),
  });
  view.runLabel = 'train';
  return view;
}
