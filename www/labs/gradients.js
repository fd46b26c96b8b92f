// The gradients lab's view: the shared training cards plus every layer's gradient norm
// per step on a log scale.
import { TrainingView } from '../ui/training.js';

export const strings = {
  en: {
    'gradients.title': 'Why do deep networks stop learning, or blow up?',
    'gradients.intro': 'Backpropagation multiplies the gradient by each layer’s weights and by the slope of its activation on the way back to the input. In a deep stack those factors compound: if they are mostly below one, the first layers receive almost nothing and stop learning (vanishing gradients); if they are above one, the signal grows layer after layer until it overflows (exploding gradients). Try the presets: the chart shows each layer’s gradient norm on a log scale, one line per layer, from the input side (light) to the output (dark).',
    grads_title: 'Gradient norm per layer',
    grads_help: 'L2 norm of each layer’s gradients at every step, log scale. Lines far apart mean the layers learn at very different speeds.',
    layer_input: 'first layer',
    layer_output: 'output layer',
  },
  zh: {
    'gradients.title': '深层网络为什么学不动，或者突然发散？',
    'gradients.intro': '反向传播把梯度一路传回输入层时，每经过一层都要乘上该层的权重和激活函数的斜率。层数一多，这些因子就会累积：如果大多小于 1，前面的层几乎收不到梯度，停止学习（梯度消失）；如果大于 1，信号逐层放大，直到数值溢出（梯度爆炸）。试试下面的预设：图中以对数刻度画出每一层的梯度范数，每层一条线，从靠近输入的浅色到靠近输出的深色。',
    grads_title: '各层梯度范数',
    grads_help: '每一步各层梯度的 L2 范数（对数刻度）。线与线相距越远，各层学习速度的差别就越大。',
    layer_input: '第一层',
    layer_output: '输出层',
  },
};

/** Builds the lab's cards; the shell forwards run events to the returned view. */
export function create(ctx) {
  const view = new TrainingView(ctx, { grads: true });
  view.runLabel = 'train';
  return view;
}
