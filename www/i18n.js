// UI strings in English and Simplified Chinese. Parameter help texts come from the core
// (`labs_schema()`), not from here.

export const LANGS = { en: 'English', zh: '简体中文' };

const STRINGS = {
  en: {
    tagline: 'Machine learning you can run in your browser',
    labs: 'Labs',
    language: 'Language',
    soon: 'coming soon',
    'lab.cnn': 'Convolutional network',
    'lab.metrics': 'Metrics',
    'lab.regularization': 'Regularization',
    'lab.augmentation': 'Augmentation',
    'lab.gradients': 'Gradients',
    'lab.transfer': 'Transfer learning',
    'lab.knn': 'k-nearest neighbours',
    'lab.gan': 'GAN',
    'intro.cnn':
      'A convolutional network learns small 3×3 filters that slide over the image and light up on strokes, edges and curves; ' +
      'max pooling keeps the strongest response in each 2×2 patch, so the next layer sees a smaller map that cares less about exactly where a stroke sits. ' +
      'Three conv layers build up from edges to parts of digits, then dense layers weigh those parts to score the ten classes. ' +
      'Because filters are shared across the whole image, the network needs few weights to recognise a pattern anywhere, which is why this small model reaches about 98% on MNIST after a few epochs of the full data set (about 94% after one epoch of the 12,000 images bundled here).',
    'intro.more': 'Everything runs on your machine: the model trains in a Web Worker, compiled from Rust to WebAssembly.',
    settings: 'Settings',
    range: '{min} to {max}',
    'range.log': '{min} to {max} (log scale)',
    'param.seed': 'Seed',
    'param.dataset': 'Data set',
    'param.epochs': 'Epochs',
    'param.batch_size': 'Batch size',
    'param.learning_rate': 'Learning rate',
    'param.train_size': 'Training images',
    train: 'Train',
    pause: 'Pause',
    resume: 'Resume',
    reset: 'Reset',
    'copy-link': 'Copy link',
    copied: 'Link copied',
    'copy-failed': 'Copy this link:',
    dismiss: 'Dismiss',
    'errors.title': 'Some settings in the link could not be used',
    'error.title': 'Something went wrong',
    'diverged.title': 'Training stopped',
    'status.starting': 'Starting the engine…',
    'status.ready': 'Ready. Choose settings and press Train.',
    'status.loading': 'Loading {dataset}…',
    'status.training': 'Training: epoch {epoch} of {epochs}, step {step} of {total}',
    'status.paused': 'Paused at step {step} of {total}.',
    'status.done': 'Done. Final test accuracy: {acc}',
    'status.diverged': 'Training diverged.',
    'status.error': 'Stopped by an error.',
    'status.reset': 'Reset. Press Train to start again.',
    'progress.data': 'Data: {loaded} of {total}',
    'progress.train': 'Step {step} / {total}',
    'images-per-second': '{n} images/s',
    'time-left': '{t} left',
    'time.s': '{s} s',
    'time.ms': '{m} min {s} s',
    'time.hm': '{h} h {m} min',
    'chart.loss': 'Loss',
    'chart.loss-title': 'Training loss per step',
    'chart.acc-title': 'Accuracy',
    'chart.raw': 'per step',
    'chart.ema': 'smoothed',
    'chart.batch-acc': 'batch accuracy',
    'chart.test-acc': 'test accuracy (per epoch)',
    'chart.step': 'step',
    'results.accuracy': 'Final test accuracy',
    'results.sha': 'Weights SHA-256',
    'results.sha-note': 'The same link gives these exact weights in every browser and in the native CLI.',
    'gallery.title': 'Test images',
    'gallery.note': 'The first 24 test images with the model’s guess; red marks a mistake.',
    'gallery.true': 'true {label}',
    'gallery.empty': 'Predictions appear here after the first epoch.',
    'filters.title': 'First-layer filters',
    'filters.note': 'The 32 learned 3×3 kernels: orange weights add, blue weights subtract.',
    'pad.title': 'Draw a digit',
    'pad.note': 'Draw one digit, large and centred. The model sees it as a 28×28 image like MNIST.',
    'pad.untrained': 'Train a model first, then draw here.',
    'pad.ready': 'Draw here',
    'pad.clear': 'Clear',
    'pad.label': 'Drawing pad',
    'pad.sees': 'What the model sees',
    'pad.probs': 'Class probabilities',
    'footer.data': 'Data: MNIST by Yann LeCun and Corinna Cortes (CC BY-SA 3.0); Fashion-MNIST by Zalando Research (MIT).',
  },
  zh: {
    tagline: '在浏览器里亲手跑的机器学习',
    labs: '实验',
    language: '语言',
    soon: '即将推出',
    'lab.cnn': '卷积神经网络',
    'lab.metrics': '评估指标',
    'lab.regularization': '正则化',
    'lab.augmentation': '数据增强',
    'lab.gradients': '梯度',
    'lab.transfer': '迁移学习',
    'lab.knn': 'K 近邻',
    'lab.gan': '生成对抗网络',
    'intro.cnn':
      '卷积网络学习一组 3×3 的小滤波器，它们在图像上滑动，遇到笔画、边缘和弧线时就会产生强烈响应；' +
      '最大池化在每个 2×2 区域里只保留最强的响应，让下一层看到更小的特征图，也不再那么在意笔画的精确位置。' +
      '三层卷积由边缘逐步组合出数字的局部结构，最后由全连接层综合这些局部特征，为十个类别打分。' +
      '由于同一个滤波器在整幅图上共享，网络只需很少的参数就能在任何位置识别同一种图案。因此这个小模型在完整的 MNIST 上训练几轮即可达到约 98% 的准确率（在这里附带的 12,000 张图片上训练一轮约为 94%）。',
    'intro.more': '一切都在你的电脑上运行：模型由 Rust 编译为 WebAssembly，在 Web Worker 中训练。',
    settings: '参数设置',
    range: '{min} 到 {max}',
    'range.log': '{min} 到 {max}（对数刻度）',
    'param.seed': '随机种子',
    'param.dataset': '数据集',
    'param.epochs': '训练轮数',
    'param.batch_size': '批大小',
    'param.learning_rate': '学习率',
    'param.train_size': '训练图片数',
    train: '开始训练',
    pause: '暂停',
    resume: '继续',
    reset: '重置',
    'copy-link': '复制链接',
    copied: '链接已复制',
    'copy-failed': '请复制此链接：',
    dismiss: '关闭',
    'errors.title': '链接中的部分参数无法使用',
    'error.title': '出错了',
    'diverged.title': '训练已停止',
    'status.starting': '正在启动计算引擎…',
    'status.ready': '准备就绪。选择参数后点击“开始训练”。',
    'status.loading': '正在加载 {dataset}…',
    'status.training': '训练中：第 {epoch}/{epochs} 轮，第 {step}/{total} 步',
    'status.paused': '已暂停，第 {step}/{total} 步。',
    'status.done': '完成。最终测试准确率：{acc}',
    'status.diverged': '训练发散了。',
    'status.error': '因错误而停止。',
    'status.reset': '已重置。点击“开始训练”重新开始。',
    'progress.data': '数据：{loaded} / {total}',
    'progress.train': '第 {step} / {total} 步',
    'images-per-second': '每秒 {n} 张图片',
    'time-left': '剩余 {t}',
    'time.s': '{s} 秒',
    'time.ms': '{m} 分 {s} 秒',
    'time.hm': '{h} 小时 {m} 分',
    'chart.loss': '损失',
    'chart.loss-title': '每步训练损失',
    'chart.acc-title': '准确率',
    'chart.raw': '每步',
    'chart.ema': '平滑',
    'chart.batch-acc': '批次准确率',
    'chart.test-acc': '测试准确率（每轮）',
    'chart.step': '步',
    'results.accuracy': '最终测试准确率',
    'results.sha': '权重 SHA-256',
    'results.sha-note': '同一个链接在任何浏览器和本地命令行中都会得到完全相同的权重。',
    'gallery.title': '测试图片',
    'gallery.note': '前 24 张测试图片及模型的判断；红框表示判断错误。',
    'gallery.true': '实为 {label}',
    'gallery.empty': '第一轮训练结束后，这里会显示预测结果。',
    'filters.title': '第一层滤波器',
    'filters.note': '学到的 32 个 3×3 卷积核：橙色权重为正，蓝色权重为负。',
    'pad.title': '手写一个数字',
    'pad.note': '写一个大一些、居中的数字。模型会像 MNIST 一样把它看成 28×28 的图片。',
    'pad.untrained': '请先训练模型，再在这里书写。',
    'pad.ready': '在这里书写',
    'pad.clear': '清除',
    'pad.label': '手写板',
    'pad.sees': '模型看到的图像',
    'pad.probs': '各类别概率',
    'footer.data': '数据：MNIST 来自 Yann LeCun 与 Corinna Cortes（CC BY-SA 3.0）；Fashion-MNIST 来自 Zalando Research（MIT）。',
  },
};

function storedLang() {
  try {
    return localStorage.getItem('mlpad.lang');
  } catch {
    return null; // storage can be blocked in a third-party iframe
  }
}

/** The language to start with: ?lang=, then the saved choice, then the browser's. */
export function initialLang() {
  const q = new URLSearchParams(location.search).get('lang');
  for (const c of [q, storedLang(), ...(navigator.languages || [navigator.language])]) {
    if (!c) continue;
    const l = c.toLowerCase();
    if (l.startsWith('zh')) return 'zh';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

let lang = 'en';

export function getLang() {
  return lang;
}

export function setLang(l, persist = false) {
  lang = STRINGS[l] ? l : 'en';
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  if (persist) {
    try {
      localStorage.setItem('mlpad.lang', lang);
    } catch {
      /* ignore */
    }
  }
}

/** The string `key` in the current language with {name} placeholders filled. */
export function t(key, vars = {}) {
  const s = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

/** Whether `key` has a string (for optional labels such as param names). */
export function has(key) {
  return key in STRINGS.en;
}

/** Picks the current language from a core `{en, zh}` text. */
export function pick(text) {
  if (!text || typeof text === 'string') return text || '';
  return text[lang] || text.en || '';
}

/** Fills every `[data-i18n]` element's text under `root`. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}

/** A number in the current locale. */
export function num(n, digits = 0) {
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A duration in seconds, rounded to what a reader needs. */
export function duration(sec) {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return t('time.s', { s });
  if (s < 3600) return t('time.ms', { m: Math.floor(s / 60), s: s % 60 });
  return t('time.hm', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

/** A byte count, e.g. "1.9 MB". */
export function bytes(n) {
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${num(n / 1e3, 0)} kB`;
  return `${num(n / 1e6, 1)} MB`;
}
