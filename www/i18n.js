// UI strings in English and Simplified Chinese. Parameter names, ranges and help come
// from the Rust core's schema; only the page's own words live here.

export const STRINGS = {
  en: {
    'cnn.title': 'How does a convolutional network read a digit?',
    'cnn.intro': 'Convolution layers slide small learned filters over the image and respond to strokes, edges and corners wherever they appear. Pooling keeps the strongest response in each small window, so the next layer sees a smaller map and tolerates small shifts. Dense layers at the end combine the detected parts into a vote for each class. Press Train to fit the classic Keras MNIST network in your browser: one pass over the 12,000 bundled images gets about 19 of every 20 test digits right, as Keras does with the same settings, and a few more epochs push it towards 98%.',
    settings: 'Settings',
    train: 'Train',
    pause: 'Pause',
    resume: 'Resume',
    reset: 'Reset',
    idle: 'Ready',
    loading_data: 'Downloading {name}',
    decoding: 'Checking the data…',
    training: 'Training',
    paused: 'Paused',
    done: 'Finished',
    test_accuracy: 'Test accuracy',
    parameters: 'Parameters',
    weights_hash: 'Weights SHA-256',
    copy_link: 'Copy link to this experiment',
    copied: 'Link copied. Anyone who opens it replays this exact run.',
    copy_failed: 'Copy the address bar to share this experiment.',
    curves: 'Training curves',
    loss: 'Loss (cross-entropy)',
    accuracy: 'Accuracy',
    train_series: 'training batches',
    test_series: 'test set, per epoch',
    draw_title: 'Draw a digit',
    draw_help: 'Draw with your mouse, finger or pen. The picture is shrunk to 28×28 pixels and centred the way MNIST digits are, then the trained network guesses.',
    draw_first: 'Train the network first, then draw here.',
    draw_now: 'Draw on the black square to see what the network thinks.',
    clear: 'Clear',
    gallery_title: 'Test images',
    gallery_help: 'The first test images with the network’s guess and its confidence. Red frames are mistakes; the true label is shown under them.',
    filters_title: 'What the first layer learned',
    filters_help: 'Each square is one of the 32 filters of the first convolution (3×3 weights). Orange weights add to the response, blue ones subtract: many turn into small edge and stroke detectors.',
    epoch_of: 'epoch {e} of {n}',
    images_per_second: '{v} images/s',
    time_left: 'about {t} left',
    link_errors: 'Some settings in this link could not be used, so their defaults were taken:',
    dismiss: 'Dismiss',
    diverged: 'Training stopped.',
    error: 'Something went wrong: {m}',
    soon: 'coming soon',
    credits: 'mlpad trains every model in your browser with Rust compiled to WebAssembly; nothing is sent anywhere. MNIST by Yann LeCun and Corinna Cortes (CC BY-SA 3.0). Fashion-MNIST by Zalando Research (MIT).',
    'lab.cnn': 'CNN',
    'lab.metrics': 'Metrics',
    'lab.regularization': 'L1 / L2',
    'lab.augmentation': 'Augmentation',
    'lab.gradients': 'Gradients',
    'lab.transfer': 'Transfer',
    'lab.knn': 'KNN',
    'lab.gan': 'GAN',
    predicted: 'guess {p}',
    truth: 'true {t}',
  },
  zh: {
    'cnn.title': '卷积神经网络是怎样认出数字的？',
    'cnn.intro': '卷积层用许多学出来的小滤波器在图像上滑动，无论笔画、边缘和拐角出现在哪里都能被它们捕捉到。池化层在每个小窗口里只保留最强的响应，让下一层看到更小的特征图，也让网络不在乎细微的平移。最后的全连接层把这些局部特征组合起来，为每个类别投票。点击“训练”，就能在浏览器里训练经典的 Keras MNIST 网络：把内置的 12,000 张图片看一遍，测试集上大约 20 个能认对 19 个，与 Keras 在同样设置下的结果相当；多训练几轮，准确率会接近 98%。',
    settings: '参数设置',
    train: '训练',
    pause: '暂停',
    resume: '继续',
    reset: '重置',
    idle: '就绪',
    loading_data: '正在下载 {name}',
    decoding: '正在校验数据…',
    training: '训练中',
    paused: '已暂停',
    done: '训练完成',
    test_accuracy: '测试准确率',
    parameters: '参数量',
    weights_hash: '权重 SHA-256',
    copy_link: '复制本次实验的链接',
    copied: '链接已复制。任何人打开它都会精确重现这次训练。',
    copy_failed: '请复制地址栏来分享这个实验。',
    curves: '训练曲线',
    loss: '损失（交叉熵）',
    accuracy: '准确率',
    train_series: '训练批次',
    test_series: '测试集（每轮）',
    draw_title: '写一个数字',
    draw_help: '用鼠标、手指或触控笔书写。图像会像 MNIST 数据那样缩小到 28×28 像素并居中，然后由训练好的网络来识别。',
    draw_first: '请先训练网络，再在这里书写。',
    draw_now: '在黑色方框里写字，看看网络认为是什么。',
    clear: '清除',
    gallery_title: '测试图片',
    gallery_help: '测试集前几张图片，以及网络的判断和置信度。红框表示认错了，下方标出真实标签。',
    filters_title: '第一层学到了什么',
    filters_help: '每个小方块是第一层卷积的 32 个滤波器之一（3×3 权重）。橙色权重增强响应，蓝色权重削弱响应；很多滤波器会变成边缘和笔画检测器。',
    epoch_of: '第 {e} / {n} 轮',
    images_per_second: '每秒 {v} 张图片',
    time_left: '约剩 {t}',
    link_errors: '链接中的部分设置无法使用，已改用默认值：',
    dismiss: '关闭',
    diverged: '训练已停止。',
    error: '出错了：{m}',
    soon: '即将推出',
    credits: 'mlpad 在你的浏览器里用编译成 WebAssembly 的 Rust 训练所有模型，不会上传任何数据。MNIST 数据集由 Yann LeCun 与 Corinna Cortes 提供（CC BY-SA 3.0）；Fashion-MNIST 由 Zalando Research 提供（MIT 许可）。',
    'lab.cnn': '卷积网络',
    'lab.metrics': '评估指标',
    'lab.regularization': 'L1 / L2 正则化',
    'lab.augmentation': '数据增强',
    'lab.gradients': '梯度消失与爆炸',
    'lab.transfer': '迁移学习',
    'lab.knn': 'K 近邻',
    'lab.gan': '生成对抗网络',
    predicted: '判断 {p}',
    truth: '实际 {t}',
  },
};

/** Picks the language from ?lang=, then a saved choice, then the browser. */
export function initialLang() {
  const q = new URLSearchParams(location.search).get('lang');
  if (q === 'en' || q === 'zh') return q;
  try {
    const saved = localStorage.getItem('mlpad.lang');
    if (saved === 'en' || saved === 'zh') return saved;
  } catch { /* storage may be blocked inside an iframe */ }
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** Remembers the choice when storage is available. */
export function saveLang(lang) {
  try { localStorage.setItem('mlpad.lang', lang); } catch { /* ignore */ }
}

/** Translates `key` into `lang`, filling `{name}` slots from `vars`. */
export function t(lang, key, vars = {}) {
  const s = STRINGS[lang]?.[key] ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}
