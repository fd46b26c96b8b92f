// The shell's own strings and the words its shared widgets use, in English and
// Simplified Chinese. Parameter names, ranges and help come from the Rust core's schema;
// each lab's view module brings its own strings (`strings` there, added with addStrings).

export const STRINGS = {
  en: {
    run: 'Run',
    classify: 'Classify',
    done: 'Finished',
    stopped: 'Stopped: diverged',
    failed: 'Stopped by an error',
    running: 'Running',
    phase_load_data: 'Downloading {name}',
    phase_decoding: 'Checking the data…',
    phase_train: 'Training',
    phase_predict_test: 'Classifying test images',
    phase_predict_train: 'Classifying training images',
    phase_classify: 'Classifying',
    step_of: '{d} of {n}',
    settings_changed: 'The settings changed, so the results of the previous run were put away. Press {run} to run these settings.',
    link_notes: 'About this link:',
    compare_progress: '{done} of {n} runs finished',
    compare_waiting: 'waiting for its first epoch…',
    train_set: 'training set',
    test_set: 'test set',
    confusion_title: 'Confusion matrix',
    confusion_help: 'Rows: true class. Columns: predicted class. The diagonal counts correct predictions.',
    true_pred: 'true \\ pred',
    chance: 'chance',
    list_hint: 'numbers separated by commas, up to {n}',
    m_accuracy: 'share of all predictions that are right',
    m_precision: 'of the samples predicted positive, the share truly positive',
    m_recall: 'of the truly positive samples, the share found',
    m_f1: 'harmonic mean of precision and recall',
    presets: 'Presets',
    read_more: 'Read more',
    read_less: 'Show less',
    cli_only: 'The {lab} lab is not in the page yet. Run this link natively instead: mlpad run \'{link}\'',
    settings: 'Settings',
    train: 'Train',
    pause: 'Pause',
    resume: 'Resume',
    reset: 'Reset',
    idle: 'Ready',
    paused: 'Paused',
    test_accuracy: 'Test accuracy',
    parameters: 'Parameters',
    weights_hash: 'Weights SHA-256',
    labs_nav: 'Labs',
    language: 'Language',
    tools: 'Share and export',
    imported_status: 'Showing weights loaded from a file.',
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
    pad_sample: 'Try a test image',
    weights_histogram: 'histogram of the first layer’s weights',
    gallery_title: 'Test images',
    gallery_help: 'The first test images with the network’s guess and its confidence. Red frames are mistakes; the true label is shown under them.',
    epoch_of: 'epoch {e} of {n}',
    images_per_second: '{v} images/s',
    time_left: 'about {t} left',
    link_errors: 'Some settings in this link could not be used, so their defaults were taken:',
    dismiss: 'Dismiss',
    diverged: 'Training stopped: the numbers overflowed. Press Reset, change a setting, and train again.',
    broke_at: '{v} at step {s}',
    error: 'Something went wrong: {m}',
    crashed: 'The computation stopped unexpectedly ({m}). The page restarted its engine; your settings and finished runs are kept. Press {run} to try again.',
    crashed_status: 'Stopped: the engine restarted.',
    no_simd: 'This browser cannot run mlpad: it lacks WebAssembly SIMD, which the models are built for. Chrome and Edge 91+, Firefox 89+ and Safari 16.4+ have it; please open the page in one of them.',
    credits: 'mlpad trains every model in your browser with Rust compiled to WebAssembly; nothing is sent anywhere. MNIST by Yann LeCun and Corinna Cortes (CC BY-SA 3.0). Fashion-MNIST by Zalando Research (MIT).',
    predicted: 'guess {p}',
    truth: 'true {t}',
  },
  zh: {
    run: '运行',
    classify: '分类',
    done: '已完成',
    stopped: '已停止：数值发散',
    failed: '因出错而停止',
    running: '运行中',
    phase_load_data: '正在下载 {name}',
    phase_decoding: '正在校验数据…',
    phase_train: '训练中',
    phase_predict_test: '正在分类测试图片',
    phase_predict_train: '正在分类训练图片',
    phase_classify: '正在分类',
    step_of: '{d} / {n}',
    settings_changed: '设置已改变，上一次运行的结果已收起。请点击“{run}”按这些设置运行。',
    link_notes: '关于这个链接：',
    compare_progress: '已完成 {done} / {n} 组',
    compare_waiting: '等待第一轮结束…',
    train_set: '训练集',
    test_set: '测试集',
    confusion_title: '混淆矩阵',
    confusion_help: '行：真实类别；列：预测类别。对角线是预测正确的数量。',
    true_pred: '真实 \\ 预测',
    chance: '随机猜测',
    list_hint: '用逗号分隔的数字，最多 {n} 个',
    m_accuracy: '所有预测中正确的比例',
    m_precision: '预测为正的样本中，真正为正的比例',
    m_recall: '真正为正的样本中，被找出的比例',
    m_f1: '精确率与召回率的调和平均',
    presets: '预设',
    read_more: '展开全文',
    read_less: '收起',
    cli_only: '{lab} 实验暂未加入网页版。可以在本机运行这个链接：mlpad run \'{link}\'',
    settings: '参数设置',
    train: '训练',
    pause: '暂停',
    resume: '继续',
    reset: '重置',
    idle: '就绪',
    paused: '已暂停',
    test_accuracy: '测试准确率',
    parameters: '参数量',
    weights_hash: '权重 SHA-256',
    labs_nav: '实验列表',
    language: '语言',
    tools: '分享与导出',
    imported_status: '正在显示从文件加载的权重。',
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
    pad_sample: '试一张测试图片',
    weights_histogram: '第一层权重的直方图',
    gallery_title: '测试图片',
    gallery_help: '测试集前几张图片，以及网络的判断和置信度。红框表示认错了，下方标出真实标签。',
    epoch_of: '第 {e} / {n} 轮',
    images_per_second: '每秒 {v} 张图片',
    time_left: '约剩 {t}',
    link_errors: '链接中的部分设置无法使用，已改用默认值：',
    dismiss: '关闭',
    diverged: '训练已停止：数值溢出。请点击“重置”，调整设置后重新训练。',
    broke_at: '第 {s} 步出现 {v}',
    error: '出错了：{m}',
    crashed: '计算意外中止（{m}）。页面已重新启动计算引擎，你的设置和已完成的运行都保留着。请点击“{run}”重试。',
    crashed_status: '已停止：计算引擎已重启。',
    no_simd: '这个浏览器无法运行 mlpad：它不支持 WebAssembly SIMD，而模型正是为它编译的。Chrome 和 Edge 91 及以上、Firefox 89 及以上、Safari 16.4 及以上都支持，请换用其中之一打开本页。',
    credits: 'mlpad 在你的浏览器里用编译成 WebAssembly 的 Rust 训练所有模型，不会上传任何数据。MNIST 数据集由 Yann LeCun 与 Corinna Cortes 提供（CC BY-SA 3.0）；Fashion-MNIST 由 Zalando Research 提供（MIT 许可）。',
    predicted: '判断 {p}',
    truth: '实际 {t}',
  },
};

/** Adds a view module's strings (`{en: {...}, zh: {...}}`). */
export function addStrings(strings) {
  for (const lang of Object.keys(STRINGS)) {
    for (const [key, text] of Object.entries(strings[lang] || {})) {
      // One table for the whole page: a view must not reword the shell's (or another lab's) key.
      if (key in STRINGS[lang] && STRINGS[lang][key] !== text) console.error(`i18n: ${lang} string "${key}" is defined twice`);
      STRINGS[lang][key] = text;
    }
  }
}

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
