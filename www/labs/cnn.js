// The CNN lab's view: the shared training cards plus the first layer's filters.
import { TrainingView } from '../ui/training.js';

export const strings = {
  en: {
    'cnn.title': 'How does a convolutional network read a digit?',
    'cnn.intro': 'Convolution layers slide small learned filters over the image and respond to strokes, edges and corners wherever they appear. Pooling keeps the strongest response in each small window, so the next layer sees a smaller map and tolerates small shifts. Dense layers at the end combine the detected parts into a vote for each class. Press Train to fit the classic Keras MNIST network in your browser: one pass over the 12,000 bundled images gets about 19 of every 20 test digits right, as Keras does with the same settings, and a few more epochs push it towards 98%.',
    filters_title: 'What the first layer learned',
    filters_help: 'Each square is one of the 32 filters of the first convolution (3×3 weights). Orange weights add to the response, blue ones subtract: many turn into small edge and stroke detectors.',
  },
  zh: {
    'cnn.title': '卷积神经网络是怎样认出数字的？',
    'cnn.intro': '卷积层用许多学出来的小滤波器在图像上滑动，无论笔画、边缘和拐角出现在哪里都能被它们捕捉到。池化层在每个小窗口里只保留最强的响应，让下一层看到更小的特征图，也让网络不在乎细微的平移。最后的全连接层把这些局部特征组合起来，为每个类别投票。点击“训练”，就能在浏览器里训练经典的 Keras MNIST 网络：把内置的 12,000 张图片看一遍，测试集上大约 20 个能认对 19 个，与 Keras 在同样设置下的结果相当；多训练几轮，准确率会接近 98%。',
    filters_title: '第一层学到了什么',
    filters_help: '每个小方块是第一层卷积的 32 个滤波器之一（3×3 权重）。橙色权重增强响应，蓝色权重削弱响应；很多滤波器会变成边缘和笔画检测器。',
  },
};

/** Builds the lab's cards; the shell forwards run events to the returned view. */
export function create(ctx) {
  const view = new TrainingView(ctx, { filters: true });
  view.runLabel = 'train';
  return view;
}
