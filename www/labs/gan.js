// The GAN lab's view: samples from fixed noise with a timeline to scrub back through
// training, a strip between two latent points, the two losses and what the discriminator
// thinks of real and fake images, the quality figure with its class spread (and a mode
// collapse warning), and the panel on why the classic snippet fails.
import { el, card } from '../ui/dom.js';
import { LineChart } from '../ui/chart.js';
import { drawPicture } from '../ui/images.js';
import { num } from '../ui/format.js';

export const strings = {
  en: {
    'gan.title': 'How does a GAN learn to draw digits?',
    'gan.intro': 'Two networks play a game. The generator turns random noise into a 28×28 image; the discriminator looks at real images and generated ones and tries to tell them apart. Each step first trains the discriminator to say "real" to real digits and "fake" to generated ones, then trains the generator, through the frozen discriminator, to make images the discriminator would call real. Neither is told what a digit looks like: the generator only learns from the discriminator\'s gradient. Press Train and watch the same 64 noise vectors turn from static into digits; a pretrained classifier scores 1,000 samples as it goes.',
    samples_title: 'Samples from fixed noise',
    samples_help: 'The same 64 noise vectors all run long, so each square shows one "pen" improving. Drag the timeline to look back.',
    timeline: 'Timeline',
    timeline_step: 'step {s}',
    timeline_live: 'Live',
    strip_title: 'Walking between two points of the noise space',
    strip_help: 'Ten images from points on a straight line between two noise vectors: a smooth change means the generator has learnt a continuous space of shapes, not a list of memorised images.',
    losses_title: 'Losses',
    d_loss: 'discriminator loss',
    g_loss: 'generator loss',
    d_scores_title: 'What the discriminator thinks (batch means)',
    d_real: 'D(x), real',
    d_fake: 'D(G(z)), generated',
    d_scores_help: 'D outputs the probability that an image is real. At the game\'s balance it cannot tell: both lines meet near 0.5. A discriminator that wins outright (D(x) near 1, D(G(z)) near 0) gives the generator no useful gradient.',
    quality_title: 'Quality: does a classifier recognise the samples?',
    quality_help: '1,000 samples from fixed noise are shown to the CNN lab\'s network, pretrained on the real images. A sample counts when the classifier is at least 90% sure; the bars show how the confident ones spread over the classes.',
    quality_none: 'Measured at steps 500 and 1,000, then every 2,000 steps.',
    quality_value: '{c}% of samples recognised · {k} classes · largest class {l}% (step {s})',
    collapse: 'Mode collapse: one class takes {l}% of the recognised samples. The generator has found a few images that fool the discriminator and draws little else. Early in training this often passes; if it lasts, the generator is stuck.',
    quality_curve: 'recognised samples',
    quality_short: '{c}% recognised',
    snippet_title: 'Why the classic snippet fails',
    snippet_intro: 'A GAN snippet circulates in interview-prep posts. It does not run, and would not learn if it did. Here are its four mistakes, each next to a fix in Keras 3. The "As in the snippet" preset runs what the lab can express of it; "Mode collapse" runs the corrected code with the snippet\'s optimizer.',
    snippet_wrong: 'The snippet',
    snippet_fixed: 'Fixed',
    mistake1_title: '1. The models do not build',
    mistake1_text: 'Its layers hang off a second Input that nothing feeds, Flatten is passed as a class instead of a layer, and a Reshape to 28×28 comes before the last Dense(784), which would need a flat input. Keras stops at Model(...): the output does not depend on the model\'s input.',
    mistake2_title: '2. The generator never gets a gradient',
    mistake2_text: 'The combined model feeds the noise straight into the discriminator. The generator is not on the path from loss to weights, so it never changes (here: train_generator=off).',
    mistake3_title: '3. The discriminator is not frozen inside the combined model',
    mistake3_text: 'Training the combined model then also updates the discriminator, with fakes labelled "real": each generator step undoes some of what the discriminator just learnt (here: freeze_discriminator=off). Set trainable = False after compiling the discriminator and before compiling the combined model.',
    mistake4_title: '4. One real image per step, picked the wrong way, for 100 steps',
    mistake4_text: 'np.random.choice only takes a 1-D array, so it cannot pick images from a 3-D array; and one image per step for 100 steps is a few seconds of learning. Draw a batch of indices, scale pixels to [−1, 1] to match the tanh output, and train for tens of thousands of steps. Adam(2e-4, beta_1=0.5), the usual GAN setting, learns far faster than the snippet\'s Adam(1e-4).',
  },
  zh: {
    'gan.title': '生成对抗网络是怎样学会画数字的？',
    'gan.intro': '两个网络在做一场游戏。生成器把随机噪声变成一张 28×28 的图片；判别器同时看真实图片和生成的图片，努力分辨真假。每一步先训练判别器，让它对真实数字说“真”、对生成的图片说“假”；再透过冻结的判别器训练生成器，让它画出判别器会当成真的图片。没有人告诉它们数字长什么样：生成器只从判别器的梯度里学习。点击“训练”，看同样的 64 个噪声向量怎样从雪花点变成数字；一个预训练的分类器会在训练过程中给 1,000 张样本打分。',
    samples_title: '固定噪声生成的样本',
    samples_help: '整个训练过程都用同样的 64 个噪声向量，所以每个小格子显示的是同一支“笔”在进步。拖动时间轴可以回看。',
    timeline: '时间轴',
    timeline_step: '第 {s} 步',
    timeline_live: '实时',
    strip_title: '在噪声空间的两点之间行走',
    strip_help: '两个噪声向量之间直线上的十个点生成的图片：变化平滑，说明生成器学到的是一个连续的形状空间，而不是背下来的一串图片。',
    losses_title: '损失',
    d_loss: '判别器损失',
    g_loss: '生成器损失',
    d_scores_title: '判别器怎么看（每批平均）',
    d_real: '真实图片 D(x)',
    d_fake: '生成图片 D(G(z))',
    d_scores_help: 'D 输出图片为真的概率。游戏达到平衡时它分辨不出来：两条线在 0.5 附近相遇。判别器若完全获胜（D(x) 接近 1，D(G(z)) 接近 0），生成器就得不到有用的梯度。',
    quality_title: '质量：分类器认得出这些样本吗？',
    quality_help: '用固定噪声生成 1,000 张样本，交给在真实图片上预训练好的卷积网络实验的网络。分类器把握不低于 90% 的样本才算数；柱状图显示这些样本在各类别间的分布。',
    quality_none: '在第 500 和 1,000 步测量，之后每 2,000 步测量一次。',
    quality_value: '{c}% 的样本被认出 · {k} 个类别 · 最大类别占 {l}%（第 {s} 步）',
    collapse: '模式崩溃：一个类别占了被认出样本的 {l}%。生成器找到了几种能骗过判别器的图片，几乎只画这些。训练初期这常常会过去；如果一直持续，生成器就卡住了。',
    quality_curve: '被认出的样本',
    quality_short: '{c}% 被认出',
    snippet_title: '经典示例代码为什么不行',
    snippet_intro: '面试准备类文章里流传着一段 GAN 代码。它运行不起来，就算能运行也学不会。下面是它的四个错误，每个旁边都附有用 Keras 3 写的修正。“照搬示例代码”预设运行的是本实验能表达出来的部分；“模式崩溃”预设运行修正后的代码，但沿用示例代码的优化器。',
    snippet_wrong: '示例代码',
    snippet_fixed: '修正后',
    mistake1_title: '1. 模型根本搭不起来',
    mistake1_text: '它的层接在第二个没有任何输入的 Input 上；Flatten 被当作类传进去，而不是层；在最后的 Dense(784) 之前先 Reshape 成 28×28，而 Dense 需要扁平的输入。Keras 在 Model(...) 处就会报错：输出并不依赖于模型的输入。',
    mistake2_title: '2. 生成器永远得不到梯度',
    mistake2_text: '组合模型把噪声直接送进判别器。生成器不在从损失到权重的路径上，所以它永远不会改变（本实验中：train_generator=off）。',
    mistake3_title: '3. 组合模型里没有冻结判别器',
    mistake3_text: '训练组合模型时判别器也会被更新，而且用的是被标成“真”的假图：生成器的每一步都会抵消判别器刚学到的一部分（本实验中：freeze_discriminator=off）。应在编译判别器之后、编译组合模型之前设置 trainable = False。',
    mistake4_title: '4. 每步只取一张真实图片，取法还不对，只训练 100 步',
    mistake4_text: 'np.random.choice 只接受一维数组，没法从三维数组里挑图片；而且每步一张、只训练 100 步，相当于只学了几秒钟。应当一次抽取一批下标，把像素缩放到 [−1, 1] 以匹配 tanh 输出，并训练成千上万步。GAN 常用的 Adam(2e-4, beta_1=0.5) 比示例代码的 Adam(1e-4) 学得快得多。',
  },
};

/** The four mistakes: the snippet's shape (in our words) and a fix, in Keras 3. */
const MISTAKES = [
  {
    key: 'mistake1',
    wrong: `noise = Input(shape=(100,))
x = Input(shape=(100,))           # a second input, never fed
h = Dense(128, activation="relu")(x)
h = Reshape((28, 28))(h)          # before the last Dense
img = Dense(784, activation="tanh")(h)
generator = Model(noise, img)     # error: img ignores noise
d = Sequential([Flatten, Dense(128), Dense(1)])  # Flatten, not Flatten()`,
    fixed: `noise = keras.Input(shape=(100,))
h = layers.Dense(128, activation="leaky_relu")(noise)
img = layers.Dense(784, activation="tanh")(h)
img = layers.Reshape((28, 28, 1))(img)
generator = keras.Model(noise, img)
discriminator = keras.Sequential([
    keras.Input(shape=(28, 28, 1)), layers.Flatten(),
    layers.Dense(128, activation="leaky_relu"),
    layers.Dense(1, activation="sigmoid")])`,
  },
  {
    key: 'mistake2',
    wrong: `z = Input(shape=(100,))
gan = Model(z, discriminator(z))   # the generator is skipped`,
    fixed: `z = keras.Input(shape=(100,))
gan = keras.Model(z, discriminator(generator(z)))`,
  },
  {
    key: 'mistake3',
    wrong: `discriminator.compile(optimizer=Adam(1e-4), loss="binary_crossentropy")
gan.compile(optimizer=Adam(1e-4), loss="binary_crossentropy")`,
    fixed: `discriminator.compile(optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                      loss="binary_crossentropy")
discriminator.trainable = False    # frozen inside gan only
gan.compile(optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
            loss="binary_crossentropy")`,
  },
  {
    key: 'mistake4',
    wrong: `for step in range(100):
    real = np.random.choice(x_train)          # fails on a 3-D array
    fake = generator.predict(np.random.normal(size=(1, 100)))
    ...`,
    fixed: `x = (x_train.astype("float32") - 127.5) / 127.5   # [-1, 1], like tanh
x = x.reshape(-1, 28, 28, 1)
batch = 64
for step in range(40_000):
    real = x[np.random.randint(0, len(x), batch)]
    z = np.random.normal(size=(batch, 100))
    fake = generator.predict(z, verbose=0)
    discriminator.train_on_batch(np.concatenate([real, fake]),
                                 np.concatenate([np.ones(batch), np.zeros(batch)]))
    z = np.random.normal(size=(batch, 100))
    gan.train_on_batch(z, np.ones(batch))`,
  },
];

/** Builds the lab's cards; the shell forwards run events to the returned view. */
export function create(ctx) {
  const tr = ctx.tr;
  // ---- samples, timeline, strip ----
  const samples = card('card-samples', 'samples_title', 'samples_help');
  const grid = el('canvas', { id: 'gan-grid', class: 'gan-grid', role: 'img', 'data-i18n-label': 'samples_title' });
  const gridStep = el('p', { id: 'gan-grid-step', class: 'muted' });
  const slider = el('input', { id: 'gan-timeline', type: 'range', min: 0, max: 0, step: 1, value: 0, 'aria-describedby': 'gan-grid-step', disabled: true });
  const live = el('button', { type: 'button', id: 'gan-live', class: 'ghost', 'data-i18n': 'timeline_live', disabled: true });
  const strip = el('canvas', { id: 'gan-strip', class: 'gan-strip', role: 'img', 'data-i18n-label': 'strip_title' });
  samples.append(grid, gridStep,
    el('div', { class: 'timeline' }, el('label', { for: 'gan-timeline', 'data-i18n': 'timeline' }), slider, live),
    el('h3', { 'data-i18n': 'strip_title' }), el('p', { class: 'muted', 'data-i18n': 'strip_help' }), strip);
  // ---- losses and D's view ----
  const losses = card('card-gan-losses', 'losses_title');
  const lossCanvas = el('canvas', { id: 'chart-gan-loss', class: 'chart', role: 'img', 'data-i18n-label': 'losses_title' });
  const dCanvas = el('canvas', { id: 'chart-gan-d', class: 'chart', role: 'img', 'data-i18n-label': 'd_scores_title' });
  losses.append(el('div', { class: 'charts' },
    el('figure', {}, el('figcaption', { 'data-i18n': 'losses_title' }), lossCanvas),
    el('figure', {}, el('figcaption', { 'data-i18n': 'd_scores_title' }), dCanvas)),
  el('p', { class: 'muted', 'data-i18n': 'd_scores_help' }));
  // ---- quality ----
  const quality = card('card-quality', 'quality_title', 'quality_help');
  const qualityLine = el('p', { id: 'gan-quality', class: 'quality-line' });
  const collapse = el('p', { id: 'gan-collapse', class: 'collapse', role: 'status', hidden: true });
  const bars = el('ol', { id: 'gan-classes', class: 'probs' });
  const qCanvas = el('canvas', { id: 'chart-gan-quality', class: 'chart small', role: 'img', 'data-i18n-label': 'quality_curve' });
  quality.append(qualityLine, collapse, bars, qCanvas);
  // ---- why the snippet fails ----
  const snippet = card('card-snippet', 'snippet_title', 'snippet_intro');
  for (const m of MISTAKES) {
    snippet.append(el('div', { class: 'mistake' },
      el('h3', { 'data-i18n': `${m.key}_title` }),
      el('p', { 'data-i18n': `${m.key}_text` }),
      el('div', { class: 'code-pair' },
        el('figure', { class: 'code wrong' }, el('figcaption', { 'data-i18n': 'snippet_wrong' }), el('pre', {}, el('code', {}, m.wrong))),
        el('figure', { class: 'code fixed' }, el('figcaption', { 'data-i18n': 'snippet_fixed' }), el('pre', {}, el('code', {}, m.fixed))))));
  }
  ctx.root.append(samples, quality, losses, snippet);
  const lossChart = new LineChart(lossCanvas);
  const dChart = new LineChart(dCanvas, { yMin: 0, yMax: 1 });
  const qChart = new LineChart(qCanvas, { yMin: 0, yMax: 1, percent: true });

  let state;
  const reset = () => {
    state = { log: [], timeline: [], shown: null, live: true, latest: null, qualities: [], classes: [], total: 1 };
    grid.getContext('2d').clearRect(0, 0, grid.width, grid.height);
    strip.getContext('2d').clearRect(0, 0, strip.width, strip.height);
    slider.max = '0';
    slider.value = '0';
    slider.disabled = true;
    live.disabled = true;
    gridStep.textContent = '';
    renderQuality();
    drawCharts();
  };

  /** Draws timeline entry `i` (or the latest grid when live). */
  function show(entry) {
    if (!entry) return;
    state.shown = entry;
    drawPicture(grid, entry.grid, 2);
    drawPicture(strip, entry.strip, 2);
    gridStep.textContent = tr('timeline_step', { s: num(entry.step) });
    slider.setAttribute('aria-valuetext', gridStep.textContent);
  }

  slider.addEventListener('input', () => {
    state.live = Number(slider.value) === state.timeline.length - 1;
    live.disabled = state.live;
    show(state.timeline[Number(slider.value)]);
  });
  live.addEventListener('click', () => {
    state.live = true;
    live.disabled = true;
    slider.value = String(state.timeline.length - 1);
    show(state.latest);
  });

  function drawCharts() {
    const pts = (key) => state.log.map((p) => [p.step, p[key]]);
    lossChart.setSeries([
      { label: tr('d_loss'), color: '#2563eb', points: pts('d_loss') },
      { label: tr('g_loss'), color: '#ea580c', points: pts('g_loss') },
    ], state.total);
    dChart.setSeries([
      { label: tr('d_real'), color: '#16a34a', points: pts('d_real') },
      { label: tr('d_fake'), color: '#a855f7', points: pts('d_fake') },
    ], state.total);
    qChart.setSeries([
      { label: tr('quality_curve'), color: '#2563eb', points: state.qualities.map((q) => [q.step, q.confident]), markers: true },
    ], state.total);
  }

  function renderQuality() {
    const q = state.qualities.at(-1);
    bars.textContent = '';
    collapse.hidden = !q?.mode_collapse;
    if (!q) {
      qualityLine.textContent = tr('quality_none');
      delete qualityLine.dataset.value;
      return;
    }
    const pct = (v) => (v * 100).toFixed(1);
    qualityLine.textContent = tr('quality_value', { c: pct(q.confident), k: q.classes, l: pct(q.largest_share), s: num(q.step) });
    qualityLine.dataset.value = String(q.confident);
    if (q.mode_collapse) collapse.textContent = tr('collapse', { l: pct(q.largest_share) });
    const total = Math.max(1, q.counts.reduce((a, b) => a + b, 0));
    q.counts.forEach((c, i) => {
      const bar = el('i');
      bar.style.width = `${((100 * c) / total).toFixed(1)}%`;
      bars.append(el('li', { dataset: { count: String(c) } },
        el('span', { class: 'cls' }, state.classes[i] ?? String(i)),
        el('span', { class: 'bar' }, bar),
        el('span', { class: 'pct' }, String(c))));
    });
  }

  reset();
  return {
    runLabel: 'train',
    onStart(_job, info) { state.classes = info.classes; },
    onProgress(_job, p) {
      const s = p.payload;
      state.total = p.total;
      // Long runs: keep the curves light by thinning older points.
      state.log.push(...s.log);
      if (state.log.length > 4000) state.log = state.log.filter((_, i) => i % 2 === 0 || i === state.log.length - 1);
      if (s.grid) {
        const pic = (key) => p.pictures.find((x) => x.key === key);
        const entry = { step: s.grid.step, grid: pic('grid'), strip: pic('interpolation') };
        state.latest = entry;
        if (s.grid.timeline) {
          state.timeline.push(entry);
          slider.max = String(state.timeline.length - 1);
          slider.disabled = state.timeline.length < 2;
          if (state.live) slider.value = slider.max;
        }
        if (state.live) show(entry);
      }
      if (s.quality) {
        state.qualities.push(s.quality);
        renderQuality();
      }
      drawCharts();
    },
    describe() {
      const q = state.qualities.at(-1);
      return q ? [tr('quality_short', { c: (q.confident * 100).toFixed(1) })] : [];
    },
    reset,
    redraw() {
      renderQuality();
      drawCharts();
      if (state.shown) show(state.shown);
    },
  };
}
