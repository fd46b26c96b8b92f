//! The GAN lab: watch a generator learn to draw digits, and see why the classic snippet
//! fails.
//!
//! The network is the classic fully connected GAN of [`crate::gan`]: G noise → Dense(hidden)
//! → Dense(784, tanh), D 784 → Dense(hidden) → Dense(1, sigmoid), binary cross-entropy,
//! Adam for each, images scaled to [−1, 1]. Each training step makes `d_steps`
//! discriminator updates on real and generated batches, then one generator update through
//! the (frozen) discriminator with the non-saturating loss. Real batches come from the
//! chosen classes of the bundled training images, shuffled every pass.
//!
//! What the reader sees, all seeded by the link: an 8×8 grid of samples from noise fixed
//! for the whole run (the same "pen" improving), a strip between two fixed latent points,
//! losses and mean D(x), D(G(z)) every [`LOG_EVERY`] steps, and a quality figure: 1,000
//! samples from fixed noise scored by the CNN lab's network pretrained on the same dataset
//! (`www/data/pretrained/`), reported as the share classified with confidence ≥ 0.9 and
//! their spread over the ten classes; one class above half of them is mode collapse.

use super::params::{self, DatasetChoice, OnOff};
use super::protocol::{
    numbers_of, Assets, Budget, Lab, Outcome, Phase, Picture, Progress, RunInfo, StopReason,
    Stopped,
};
use super::python;
use crate::data::{Dataset, Split};
use crate::gan::{Gan, GanConfig, IMAGE};
use crate::nn::adam::AdamConfig;
use crate::nn::model::weights_sha256_of;
use crate::nn::{checkpoint, Activation, LayerSpec, Sequential};
use crate::rng::Rng;
use crate::schema::{Config, FromConfig, Help, Kind, LabSpec, Param, Preset};
use serde::Serialize;
use std::rc::Rc;

/// Steps per point of the loss curves (means over the block).
pub const LOG_EVERY: usize = 10;
/// Steps between live grids.
pub const GRID_EVERY: usize = 250;
/// Steps between quality figures (after the first at 500 and 1,000).
pub const QUALITY_EVERY: usize = 2_000;
/// Samples the quality figure scores.
pub const QUALITY_SAMPLES: usize = 1_000;
/// Samples scored per unit of work (a unit stays near the step budget).
const QUALITY_CHUNK: usize = 100;
/// A sample counts when the classifier's top probability is at least this.
pub const CONFIDENT: f32 = 0.9;
/// The grid's side, in samples.
pub const GRID: usize = 8;
/// Images in the interpolation strip.
pub const STRIP: usize = 10;

crate::choice_enum! {
    /// The hidden layers' activation.
    pub enum GanActivation {
        /// Rectified linear unit (the snippet's).
        Relu = "relu",
        /// Leaky ReLU, slope 0.2 below zero (what GAN guides recommend).
        LeakyRelu = "leaky_relu",
    }
}

/// A learning rate of Adam on a log scale.
const fn rate(name: &'static str, default: f64, en: &'static str, zh: &'static str) -> Param {
    let kind = Kind::Float {
        min: 1e-5,
        max: 1e-2,
        default,
        log: true,
    };
    Param::new(name, kind, Help { en, zh })
}

/// Adam's beta_1 (the momentum of its first moment).
const fn beta(name: &'static str, en: &'static str, zh: &'static str) -> Param {
    let kind = Kind::Float {
        min: 0.0,
        max: 0.99,
        default: 0.5,
        log: false,
    };
    Param::new(name, kind, Help { en, zh })
}

/// The lab's parameter table.
pub static SPEC: LabSpec = LabSpec {
    // Shown up front when the lab is embedded in a page.
    essentials: &["dataset", "classes", "steps"],
    presets: PRESETS,
    ..LabSpec::new(
        "gan",
        Help { en: "GAN", zh: "生成对抗网络" },
        &[
            params::SEED,
            params::DATASET,
            params::CLASSES.with_help(Help {
                en: "Which classes the generator learns to draw, e.g. 3,8; empty means all ten.",
                zh: "生成器要学会画的类别，例如 3,8；留空表示全部十个类别。",
            }),
            Param::new(
                "steps",
                Kind::Int { min: 1, max: 200_000, default: 40_000 },
                Help {
                    en: "Training steps: each makes d_steps discriminator updates, then one generator update.",
                    zh: "训练步数：每一步先更新判别器 d_steps 次，再更新生成器一次。",
                },
            ),
            params::BATCH_SIZE
                .int_default_up_to(64, 512)
                .with_help(Help { en: "Real images per discriminator update (as many fakes join them).", zh: "判别器每次更新使用的真实图片数（另加同样多的生成图片）。" }),
            Param::new(
                "latent_dim",
                Kind::Int { min: 2, max: 256, default: 100 },
                Help { en: "Length of the generator's noise vector.", zh: "生成器输入噪声向量的长度。" },
            ),
            Param::new(
                "hidden",
                Kind::Int { min: 16, max: 512, default: 128 },
                Help { en: "Units in each network's hidden Dense layer.", zh: "两个网络隐藏全连接层的神经元数。" },
            ),
            Param::new(
                "activation",
                Kind::Choice { choices: GanActivation::NAMES, default: "leaky_relu" },
                Help {
                    en: "relu passes no gradient for negative inputs; leaky_relu keeps a small slope, which GANs train better with.",
                    zh: "relu 对负输入不传梯度；leaky_relu 保留一个小斜率，GAN 用它训练得更好。",
                },
            ),
            rate("g_learning_rate", 2e-4, "The generator's Adam step size.", "生成器 Adam 的步长。"),
            beta("g_beta_1", "The generator's Adam beta_1; 0.5 (not Keras' 0.9) steadies GAN training.", "生成器 Adam 的 beta_1；0.5（而非 Keras 默认的 0.9）让 GAN 训练更稳定。"),
            rate("d_learning_rate", 2e-4, "The discriminator's Adam step size.", "判别器 Adam 的步长。"),
            beta("d_beta_1", "The discriminator's Adam beta_1.", "判别器 Adam 的 beta_1。"),
            Param::new(
                "label_smoothing",
                Kind::Float { min: 0.0, max: 0.3, default: 0.0, log: false },
                Help {
                    en: "One-sided label smoothing: real images are labelled 1 − this, so the discriminator is never told to be certain.",
                    zh: "单边标签平滑：真实图片的标签是 1 减去这个值，判别器永远不会被要求完全确定。",
                },
            ),
            Param::new(
                "d_steps",
                Kind::Int { min: 1, max: 5, default: 1 },
                Help { en: "Discriminator updates per generator update.", zh: "每次更新生成器之前，判别器更新的次数。" },
            ),
            Param::new(
                "freeze_discriminator",
                Kind::Choice { choices: OnOff::NAMES, default: "on" },
                Help {
                    en: "Freeze the discriminator inside the combined model (discriminator.trainable = False); off is the snippet's bug: the generator step also teaches it to call fakes real.",
                    zh: "在组合模型中冻结判别器（discriminator.trainable = False）；off 是示例代码的错误：生成器那一步也在教判别器把假图当成真图。",
                },
            ),
            Param::new(
                "train_generator",
                Kind::Choice { choices: OnOff::NAMES, default: "on" },
                Help {
                    en: "Let the gradient reach the generator; off is the snippet's combined model, which fed the noise straight to the discriminator and skipped the generator.",
                    zh: "让梯度传到生成器；off 对应示例代码的组合模型：它把噪声直接送进判别器，绕过了生成器。",
                },
            ),
        ],
    )
};

/// One-click settings.
const PRESETS: &[Preset] = &[
    Preset {
        id: "fast",
        title: Help { en: "Learns fast", zh: "快速学习" },
        help: Help {
            en: "The corrected network with the usual GAN settings: Adam(2e-4, beta_1 = 0.5) for both, leaky_relu, batches of 64, discriminator frozen in the generator step.",
            zh: "修正后的网络配上常用的 GAN 设置：两个网络都用 Adam(2e-4, beta_1 = 0.5)、leaky_relu、每批 64 张，生成器那一步冻结判别器。",
        },
        values: &[("g_learning_rate", "0.0002"), ("g_beta_1", "0.5"), ("d_learning_rate", "0.0002"), ("d_beta_1", "0.5"), ("activation", "leaky_relu"), ("batch_size", "64"), ("freeze_discriminator", "on"), ("train_generator", "on"), ("steps", "40000")],
    },
    Preset {
        id: "snippet",
        title: Help { en: "As in the snippet", zh: "照搬示例代码" },
        help: Help {
            en: "What the circulating snippet would do if it ran: Adam(1e-4) for both, relu, one image per step for 100 steps, the discriminator never frozen and the generator bypassed. The generator never learns: its samples stay noise.",
            zh: "流传的示例代码如果能运行会发生什么：两个网络都用 Adam(1e-4)、relu，每步一张图片，只训练 100 步，判别器从不冻结，生成器被绕过。生成器根本学不到东西：它的输出一直是噪声。",
        },
        values: &[("g_learning_rate", "0.0001"), ("g_beta_1", "0.9"), ("d_learning_rate", "0.0001"), ("d_beta_1", "0.9"), ("activation", "relu"), ("batch_size", "1"), ("freeze_discriminator", "off"), ("train_generator", "off"), ("steps", "100")],
    },
    Preset {
        id: "collapse",
        title: Help { en: "Mode collapse", zh: "模式崩溃" },
        help: Help {
            en: "The snippet's optimizer with the code corrected: Adam(1e-4) with Keras' default beta_1 = 0.9 for both. The generator finds a few shapes that fool the discriminator and draws little else.",
            zh: "代码修正后使用示例代码的优化器：两个网络都用 Adam(1e-4)，beta_1 取 Keras 默认的 0.9。生成器找到几种能骗过判别器的形状，几乎只画这些。",
        },
        values: &[("g_learning_rate", "0.0001"), ("g_beta_1", "0.9"), ("d_learning_rate", "0.0001"), ("d_beta_1", "0.9"), ("activation", "relu"), ("batch_size", "64"), ("freeze_discriminator", "on"), ("train_generator", "on"), ("steps", "20000")],
    },
];

/// The lab's typed configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct GanLabConfig {
    /// Seed of the weights, the data order and every noise vector.
    pub seed: u64,
    /// The images to imitate.
    pub dataset: DatasetChoice,
    /// Classes to learn (empty: all).
    pub classes: Vec<i64>,
    /// Training steps.
    pub steps: usize,
    /// Real images per discriminator update.
    pub batch_size: usize,
    /// Discriminator updates per step.
    pub d_steps: usize,
    /// The networks and their optimizers.
    pub gan: GanConfig,
}

impl FromConfig for GanLabConfig {
    fn from_config(c: &Config) -> Self {
        let adam = |rate: &str, beta: &str| AdamConfig {
            learning_rate: c.float(rate) as f32,
            beta_1: c.float(beta) as f32,
            ..AdamConfig::default()
        };
        let on = |name: &str| c.choice::<OnOff>(name) == OnOff::On;
        GanLabConfig {
            seed: c.int("seed") as u64,
            dataset: c.choice("dataset"),
            classes: c.int_list("classes").to_vec(),
            steps: c.count("steps"),
            batch_size: c.count("batch_size"),
            d_steps: c.count("d_steps"),
            gan: GanConfig {
                latent: c.count("latent_dim"),
                hidden: c.count("hidden"),
                activation: match c.choice::<GanActivation>("activation") {
                    GanActivation::Relu => Activation::Relu,
                    GanActivation::LeakyRelu => Activation::LeakyRelu,
                },
                g_adam: adam("g_learning_rate", "g_beta_1"),
                d_adam: adam("d_learning_rate", "d_beta_1"),
                label_smoothing: c.float("label_smoothing") as f32,
                freeze_discriminator: on("freeze_discriminator"),
                train_generator: on("train_generator"),
            },
        }
    }
}

impl GanLabConfig {
    /// The pretrained classifier that scores samples of this dataset.
    fn classifier(&self) -> &'static str {
        match self.dataset {
            DatasetChoice::Mnist => "cnn_mnist",
            DatasetChoice::FashionMnist => "cnn_fashion_mnist",
        }
    }
}

/// How good 1,000 samples from fixed noise look to a pretrained classifier.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quality {
    /// Steps done when it was measured.
    pub step: usize,
    /// Share of the samples the classifier is at least 90% sure of.
    pub confident: f64,
    /// Confident samples per class.
    pub counts: Vec<u32>,
    /// Classes holding at least 1% of the confident samples.
    pub classes: usize,
    /// The largest class's share of the confident samples (0 without any).
    pub largest_share: f64,
    /// True when one class takes more than half of the confident samples.
    pub mode_collapse: bool,
}

impl Quality {
    /// The figure for confident-sample `counts` out of `samples`, at `step`.
    pub fn from_counts(step: usize, counts: Vec<u32>, samples: usize) -> Quality {
        let total: u32 = counts.iter().sum();
        let largest = counts.iter().copied().max().unwrap_or(0);
        let share = |c: u32| {
            if total == 0 {
                0.0
            } else {
                c as f64 / total as f64
            }
        };
        Quality {
            step,
            confident: total as f64 / samples.max(1) as f64,
            classes: counts
                .iter()
                .filter(|&&c| total > 0 && share(c) >= 0.01)
                .count(),
            largest_share: share(largest),
            mode_collapse: share(largest) > 0.5,
            counts,
        }
    }
}

/// Scores generated images with the pretrained classifier.
pub struct Scorer {
    cnn: Sequential,
    x: Vec<f32>,
    proba: Vec<f32>,
}

impl Scorer {
    /// The CNN lab's network with the given pretrained weights (safetensors).
    pub fn new(weights: &[u8]) -> Result<Scorer, String> {
        let specs = super::cnn::model_spec(10);
        let mut cnn = Sequential::new([28, 28, 1], &specs, &mut Rng::new(0))?;
        checkpoint::load(&mut [("", &mut cnn)], weights)?;
        Ok(Scorer {
            cnn,
            x: Vec::new(),
            proba: Vec::new(),
        })
    }

    /// How many of `images` (pixels in [0, 1], as the classifier was trained on) it labels
    /// as `labels` says: its accuracy's numerator.
    pub fn correct(&mut self, images: &[f32], labels: &[u8]) -> usize {
        let n = labels.len();
        self.proba.resize(n * 10, 0.0);
        self.cnn.predict_proba(images, n, &mut self.proba);
        self.proba
            .chunks_exact(10)
            .zip(labels)
            .filter(|(p, &l)| crate::nn::loss::argmax(p) == l as usize)
            .count()
    }

    /// Adds to `counts` the classes of the images in `images` (pixels in [−1, 1], as the
    /// generator draws them) that the classifier is confident about.
    pub fn count_confident(&mut self, images: &[f32], counts: &mut [u32]) {
        let n = images.len() / IMAGE;
        // The classifier saw pixels in [0, 1].
        self.x.clear();
        self.x.extend(images.iter().map(|&v| (v + 1.0) * 0.5));
        self.proba.resize(n * 10, 0.0);
        self.cnn.predict_proba(&self.x, n, &mut self.proba);
        for p in self.proba.chunks_exact(10) {
            let best = crate::nn::loss::argmax(p);
            if p[best] >= CONFIDENT {
                counts[best] += 1;
            }
        }
    }
}

/// One point of the loss curves: means over [`LOG_EVERY`] steps.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogPoint {
    /// The last step of the block.
    pub step: usize,
    /// Discriminator loss.
    pub d_loss: f32,
    /// Generator loss.
    pub g_loss: f32,
    /// Mean D(x) over real images.
    pub d_real: f32,
    /// Mean D(G(z)) over fakes.
    pub d_fake: f32,
}

/// Which grid came with a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GridInfo {
    /// Steps done when it was drawn.
    pub step: usize,
    /// Whether the page keeps it in the timeline.
    pub timeline: bool,
}

/// What the GAN lab reports per step.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct GanPayload {
    /// Points of the loss curves since the previous report.
    pub log: Vec<LogPoint>,
    /// The samples grid and interpolation strip that came with this report (pictures
    /// `grid` and `interpolation`), if any.
    pub grid: Option<GridInfo>,
    /// A quality figure finished in this report, if one did.
    pub quality: Option<Quality>,
}

/// A quality figure being measured, a chunk of samples at a time.
struct Scoring {
    step: usize,
    done: usize,
    counts: Vec<u32>,
}

/// The GAN lab.
pub struct GanLab {
    config: GanLabConfig,
    data: Rc<Dataset>,
    gan: Gan,
    scorer: Scorer,
    /// Training images of the chosen classes.
    pool: Vec<usize>,
    order: Vec<usize>,
    pos: usize,
    data_rng: Rng,
    step: usize,
    batch: Vec<f32>,
    grid_noise: Vec<f32>,
    strip_noise: Vec<f32>,
    quality_noise: Vec<f32>,
    block: [f64; 4],
    block_len: usize,
    scoring: Option<Scoring>,
    qualities: Vec<Quality>,
    log: Vec<LogPoint>,
    stopped: Option<Stopped>,
    /// Whether the first report (the untrained samples) has been made.
    started: bool,
}

impl GanLab {
    /// The generator and the discriminator.
    pub fn gan(&self) -> &Gan {
        &self.gan
    }

    /// Every quality figure so far.
    pub fn qualities(&self) -> &[Quality] {
        &self.qualities
    }

    /// Steps done.
    pub fn step_count(&self) -> usize {
        self.step
    }

    /// Fills `batch` with the next real images of the chosen classes, in [−1, 1].
    fn next_real_batch(&mut self) {
        let train: &Split = &self.data.train;
        self.batch.clear();
        for _ in 0..self.config.batch_size {
            if self.pos == 0 {
                self.order.clone_from(&self.pool);
                self.data_rng.shuffle(&mut self.order);
            }
            let i = self.order[self.pos];
            self.batch
                .extend(train.image(i).iter().map(|&p| p as f32 / 127.5 - 1.0));
            self.pos = (self.pos + 1) % self.order.len();
        }
    }

    /// One training step; false when it diverged.
    fn train_step(&mut self) -> bool {
        let mut d = None;
        for _ in 0..self.config.d_steps {
            self.next_real_batch();
            d = Some(self.gan.train_discriminator(&self.batch));
        }
        let d = d.expect("at least one discriminator step");
        let g_loss = self.gan.train_generator(self.config.batch_size);
        self.step += 1;
        if !(d.loss.is_finite() && g_loss.is_finite()) {
            let (s, dl, gl) = (self.step, d.loss, g_loss);
            self.stopped = Some(Stopped {
                reason: StopReason::Diverged,
                message: format!("Training diverged at step {s}: the discriminator's loss became {dl} and the generator's {gl}. Lower the learning rates and reset."),
                message_zh: format!("训练在第 {s} 步发散：判别器的损失变成了 {dl}，生成器的损失变成了 {gl}。请降低学习率后重置。"),
            });
            return false;
        }
        for (acc, v) in self
            .block
            .iter_mut()
            .zip([d.loss, g_loss, d.d_real, d.d_fake])
        {
            *acc += v as f64;
        }
        self.block_len += 1;
        true
    }

    fn flush_log(&mut self, out: &mut Vec<LogPoint>) {
        if self.block_len == 0 {
            return;
        }
        let n = self.block_len as f64;
        let [d_loss, g_loss, d_real, d_fake] = self.block.map(|v| (v / n) as f32);
        let point = LogPoint {
            step: self.step,
            d_loss,
            g_loss,
            d_real,
            d_fake,
        };
        self.log.push(point.clone());
        out.push(point);
        self.block = [0.0; 4];
        self.block_len = 0;
    }

    /// The grid of samples from the fixed noise and the strip between two latent points.
    fn pictures(&mut self) -> Vec<Picture> {
        let grid = self.gan.generate(&self.grid_noise).to_vec();
        let strip = self.gan.generate(&self.strip_noise).to_vec();
        vec![
            tile("grid", &grid, GRID),
            tile("interpolation", &strip, STRIP),
        ]
    }

    fn quality_due(&self) -> bool {
        quality_due(self.step, self.config.steps)
    }

    /// Share of the run done: steps, and quality figures counted as [`QUALITY_COST`] steps
    /// each, so the bar never goes back when a figure finishes.
    fn fraction(&self) -> f64 {
        let steps = self.config.steps;
        let figures = (1..=steps).filter(|&s| quality_due(s, steps)).count();
        let scored = self.scoring.as_ref().map_or(0, |s| s.done);
        let figures_done = self.qualities.len() as f64 + scored as f64 / QUALITY_SAMPLES as f64;
        let done = self.step as f64 + QUALITY_COST * figures_done;
        done / (steps as f64 + QUALITY_COST * figures as f64)
    }

    fn grid_due(&self) -> Option<GridInfo> {
        let s = self.step;
        let timeline = matches!(s, 100 | 250 | 500 | 1_000 | 1_500)
            || s.is_multiple_of(QUALITY_EVERY)
            || s == self.config.steps;
        (timeline || s.is_multiple_of(GRID_EVERY)).then_some(GridInfo { step: s, timeline })
    }

    /// Scores the next chunk of the quality samples; returns the figure once all are in.
    fn score_chunk(&mut self) -> Option<Quality> {
        let scoring = self.scoring.as_mut().expect("scoring in progress");
        let latent = self.gan.config().latent;
        let end = (scoring.done + QUALITY_CHUNK).min(QUALITY_SAMPLES);
        let noise = &self.quality_noise[scoring.done * latent..end * latent];
        let images = self.gan.generate(noise);
        self.scorer.count_confident(images, &mut scoring.counts);
        scoring.done = end;
        if end < QUALITY_SAMPLES {
            return None;
        }
        let s = self.scoring.take().expect("in progress");
        let q = Quality::from_counts(s.step, s.counts, QUALITY_SAMPLES);
        self.qualities.push(q.clone());
        Some(q)
    }

    fn is_done(&self) -> bool {
        self.stopped.is_some() || (self.step >= self.config.steps && self.scoring.is_none())
    }
}

/// Images (`n × 784`, in [−1, 1]) as one picture, `cols` per row, with 2-pixel gaps.
fn tile(key: &str, images: &[f32], cols: usize) -> Picture {
    let n = images.len() / IMAGE;
    let rows = n.div_ceil(cols);
    let (w, h) = (cols * 30 + 2, rows * 30 + 2);
    let mut rgba = vec![255u8; w * h * 4];
    for px in rgba.chunks_exact_mut(4) {
        px.copy_from_slice(&[226, 232, 240, 255]);
    }
    for (k, img) in images.chunks_exact(IMAGE).enumerate() {
        let (ox, oy) = (2 + (k % cols) * 30, 2 + (k / cols) * 30);
        for r in 0..28 {
            for c in 0..28 {
                let g = ((img[r * 28 + c] + 1.0) * 127.5).clamp(0.0, 255.0).round() as u8;
                let o = ((oy + r) * w + ox + c) * 4;
                rgba[o..o + 4].copy_from_slice(&[g, g, g, 255]);
            }
        }
    }
    Picture {
        key: key.into(),
        width: w,
        height: h,
        rgba,
    }
}

/// Whether a quality figure is measured after step `s` of `steps`: at 500 and 1,000, then
/// every [`QUALITY_EVERY`] steps, and at the end.
fn quality_due(s: usize, steps: usize) -> bool {
    s == 500 || s == 1_000 || s.is_multiple_of(QUALITY_EVERY) || s == steps
}

/// What one quality figure costs, in training steps (1,000 CNN predictions against a step
/// of two dense networks on a batch of 64: measured at about 80 in the browser).
const QUALITY_COST: f64 = 80.0;

/// `n` normal vectors of length `latent` from their own generator.
fn fixed_noise(seed: u64, n: usize, latent: usize) -> Vec<f32> {
    let mut v = vec![0.0; n * latent];
    Rng::new(seed).fill_normal(&mut v);
    v
}

/// The strip: `STRIP` points on the straight line between two noise vectors.
fn strip_noise(seed: u64, latent: usize) -> Vec<f32> {
    let ends = fixed_noise(seed, 2, latent);
    let (a, b) = ends.split_at(latent);
    (0..STRIP)
        .flat_map(|i| {
            let t = i as f32 / (STRIP - 1) as f32;
            a.iter().zip(b).map(move |(&x, &y)| x + (y - x) * t)
        })
        .collect()
}

impl Lab for GanLab {
    type Config = GanLabConfig;
    type Payload = GanPayload;

    fn spec() -> &'static LabSpec {
        &SPEC
    }

    fn python(config: &GanLabConfig) -> String {
        python(config)
    }

    fn datasets(config: &GanLabConfig) -> Vec<&'static str> {
        vec![config.dataset.name()]
    }

    fn pretrained(config: &GanLabConfig) -> Vec<&'static str> {
        vec![config.classifier()]
    }

    fn new(config: GanLabConfig, assets: &Assets) -> Result<Self, String> {
        let data = assets.dataset(config.dataset.name())?;
        let n_classes = data.classes.len() as i64;
        if let Some(bad) = config.classes.iter().find(|&&c| c < 0 || c >= n_classes) {
            return Err(format!(
                "classes: {bad} is not a class of {} (0 to {})",
                data.name,
                n_classes - 1
            ));
        }
        let pool: Vec<usize> = (0..data.train.len())
            .filter(|&i| {
                config.classes.is_empty()
                    || config.classes.contains(&i64::from(data.train.labels[i]))
            })
            .collect();
        if pool.is_empty() {
            return Err("the chosen classes have no training images".into());
        }
        let scorer = Scorer::new(&assets.weights(config.classifier())?)?;
        let latent = config.gan.latent;
        let seed = config.seed;
        Ok(GanLab {
            gan: Gan::with_config(seed, config.gan.clone()),
            scorer,
            order: Vec::with_capacity(pool.len()),
            pool,
            pos: 0,
            data_rng: Rng::new(seed ^ 0x6a09_e667),
            step: 0,
            batch: Vec::new(),
            grid_noise: fixed_noise(seed ^ 0xbb67_ae85, GRID * GRID, latent),
            strip_noise: strip_noise(seed ^ 0x3c6e_f372, latent),
            quality_noise: fixed_noise(seed ^ 0xa54f_f53a, QUALITY_SAMPLES, latent),
            block: [0.0; 4],
            block_len: 0,
            scoring: None,
            qualities: Vec::new(),
            log: Vec::new(),
            stopped: None,
            started: false,
            data,
            config,
        })
    }

    fn step(&mut self, budget: &mut Budget) -> Progress<GanPayload> {
        let mut payload = GanPayload::default();
        let mut pictures = Vec::new();
        if !self.started {
            // The first report is the untrained generator's noise alone, so the timeline
            // starts at step 0 however the work is cut.
            self.started = true;
            pictures = self.pictures();
            payload.grid = Some(GridInfo {
                step: 0,
                timeline: true,
            });
        }
        while pictures.is_empty() && !self.is_done() && budget.more() {
            if self.scoring.is_some() {
                if let Some(q) = self.score_chunk() {
                    payload.quality = Some(q);
                    break; // one quality figure per report
                }
                continue;
            }
            if !self.train_step() {
                break;
            }
            if self.block_len == LOG_EVERY || self.step == self.config.steps {
                self.flush_log(&mut payload.log);
            }
            if self.quality_due() {
                self.flush_log(&mut payload.log);
                let counts = vec![0; 10];
                self.scoring = Some(Scoring {
                    step: self.step,
                    done: 0,
                    counts,
                });
            }
            if let Some(info) = self.grid_due() {
                pictures = self.pictures();
                payload.grid = Some(info);
                break; // one grid per report: none is lost however the work is cut
            }
        }
        let steps = self.config.steps;
        let fraction = self.fraction();
        Progress {
            phase: Phase::Train,
            step: self.step,
            total: steps,
            fraction: if self.is_done() {
                1.0
            } else {
                fraction.min(0.999)
            },
            samples: (self.step * self.config.batch_size * self.config.d_steps) as u64,
            done: self.is_done(),
            stopped: self.stopped.clone(),
            payload,
            pictures,
        }
    }

    fn outcome(&self) -> Outcome {
        let last = self.qualities.last();
        let tail = &self.log[self.log.len().saturating_sub(50)..];
        let mean = |f: fn(&LogPoint) -> f32| {
            tail.iter().map(|p| f(p) as f64).sum::<f64>() / tail.len().max(1) as f64
        };
        let mut metrics = last
            .map(|q| numbers_of(q, &["step", "counts"]))
            .unwrap_or_default();
        metrics.remove("mode_collapse");
        if !tail.is_empty() {
            metrics.insert("d_loss".into(), mean(|p| p.d_loss));
            metrics.insert("g_loss".into(), mean(|p| p.g_loss));
            metrics.insert("d_real".into(), mean(|p| p.d_real));
            metrics.insert("d_fake".into(), mean(|p| p.d_fake));
        }
        let (g, d) = (self.gan.generator(), self.gan.discriminator());
        Outcome {
            metrics,
            weights_sha256: Some(weights_sha256_of(&[g, d])),
            param_count: Some(g.param_count() + d.param_count()),
            report: serde_json::json!({
                "steps": self.step,
                "quality": last,
                "qualities": self.qualities,
                "mode_collapse": last.is_some_and(|q| q.mode_collapse),
                "generator_sha256": g.weights_sha256(),
                "discriminator_sha256": d.weights_sha256(),
                "log": self.log.iter().step_by((self.log.len() / 500).max(1)).collect::<Vec<_>>(),
            }),
        }
    }

    fn info(&self) -> RunInfo {
        RunInfo {
            classes: self.data.classes.clone(),
            param_count: Some(
                self.gan.generator().param_count() + self.gan.discriminator().param_count(),
            ),
            layers: Vec::new(),
        }
    }

    fn weights(&self, info: &str) -> Option<Vec<u8>> {
        let models = [
            ("generator/", self.gan.generator()),
            ("discriminator/", self.gan.discriminator()),
        ];
        Some(checkpoint::save(&models, info))
    }
}

/// The lab as a Keras 3 script: the classic loop with the same networks, optimizers,
/// label smoothing, discriminator steps, batch size, steps and classes, the snippet's bugs
/// where the link switches them on; it prints the losses as it goes and ends with the
/// lab's quality figure (1,000 samples scored by the same pretrained classifier).
pub fn python(config: &GanLabConfig) -> String {
    let gan = &config.gan;
    let batch = config.batch_size;
    let latent = gan.latent;
    let clip = crate::nn::Clip::default();
    let generator = python::sequential(
        &format!("({latent},)"),
        &gan.generator_spec(),
        Some("generator"),
        0,
    );
    // mlpad keeps the discriminator's output a logit and puts the sigmoid in the loss;
    // Keras puts it in the layer.
    let mut d_specs = gan.discriminator_spec();
    if let Some(LayerSpec::Dense { units, .. }) = d_specs.last().cloned() {
        *d_specs.last_mut().expect("an output") = LayerSpec::dense(units, Activation::Sigmoid);
    }
    let discriminator = python::sequential("(784,)", &d_specs, Some("discriminator"), 0);
    let classes = if config.classes.is_empty() {
        String::new()
    } else {
        format!(
            "x_train = x_train[np.isin(y_train, {})]  # only the classes to draw\n",
            python::ints(&config.classes)
        )
    };
    let mut setup = String::new();
    if !gan.train_generator {
        setup.push_str(
            "# As in the snippet, whose combined model fed the noise straight to the discriminator:\n\
             # the generator's step never reaches the generator, which never learns.\n\
             generator.trainable = False\n",
        );
    }
    let real_label = 1.0 - gan.label_smoothing;
    let labels = if gan.label_smoothing > 0.0 {
        format!(
            "# One-sided label smoothing: real images are labelled {} (Keras' own\n\
             # label_smoothing argument smooths both sides), fakes 0.\n",
            python::float32(real_label)
        )
    } else {
        "# Real images are labelled 1, fakes 0.\n".to_string()
    };
    let (unfreeze, freeze) = if gan.freeze_discriminator {
        (
            "    discriminator.trainable = True\n",
            "    # Keras 3 reads `trainable` whenever a model trains: freeze the discriminator for\n    \
             # the generator's step only.\n    discriminator.trainable = False\n",
        )
    } else {
        (
            "",
            "    # As in the snippet, the discriminator is never frozen: this step also teaches it\n    \
             # to call fakes real.\n",
        )
    };
    let d_step = "real = x_real[list(itertools.islice(order, {batch}))]
fake = generator.predict_on_batch(np.random.normal(size=({batch}, {latent})))
d_loss = discriminator.train_on_batch(np.concatenate([real, fake]), labels)
"
    .replace("{batch}", &batch.to_string())
    .replace("{latent}", &latent.to_string());
    let d_steps = if config.d_steps == 1 {
        python::indent(&d_step, 4)
    } else {
        format!(
            "    for _ in range({}):  # discriminator updates per generator update\n{}",
            config.d_steps,
            python::indent(&d_step, 8)
        )
    };
    let steps = config.steps;
    let every = (steps / 20).clamp(1, 1_000);
    let classifier = config.classifier();
    let classifier_data =
        crate::data::pretrained::asset(classifier).map_or("mnist", |a| &a.dataset);
    let mut datasets = vec![config.dataset.name()];
    if !datasets.contains(&classifier_data) {
        datasets.push(classifier_data);
    }
    format!(
        r#"# The GAN lab in Keras 3: the classic fully connected GAN (a generator and a
# discriminator, each one hidden Dense layer) learning to draw {dataset} images.
{note}
import gzip
import itertools
import json
import os

import keras
import numpy as np
from keras import layers

{data_prelude}


{pretrained_prelude}


(x_train, y_train), _ = load("{dataset}")
{classes}# Pixels scaled to [-1, 1], the range of the generator's tanh.
x_real = x_train.reshape(len(x_train), -1).astype("float32") / 127.5 - 1

keras.utils.set_random_seed({seed})
generator = {generator}
discriminator = {discriminator}
discriminator.compile(
    optimizer={d_adam},
    loss="binary_crossentropy",
)
# The combined model trains the generator through the discriminator.
gan = keras.Sequential([generator, discriminator])
gan.compile(
    optimizer={g_adam},
    loss="binary_crossentropy",
)
{setup}
# Real images come in an endless stream, reshuffled at every pass (a batch may span two).
order = itertools.chain.from_iterable(
    np.random.permutation(len(x_real)) for _ in itertools.count()
)
{labels}labels = np.concatenate([np.full(({batch}, 1), {real_label}), np.zeros(({batch}, 1))])
for step in range(1, {steps_plus}):
{unfreeze}{d_steps}{freeze}    noise = np.random.normal(size=({batch}, {latent}))
    g_loss = gan.train_on_batch(noise, np.ones(({batch}, 1)))
    if step % {every} == 0:
        print(f"step {{step}}: d_loss {{d_loss:.4f}}, g_loss {{g_loss:.4f}}")

# The lab's quality figure: {samples} samples scored by mlpad's {classifier} (the CNN lab's
# network trained on that dataset). A sample counts when the classifier is at least
# {confident} sure of it; one class holding over half of them is mode collapse.
classifier = {cnn}
set_weights(classifier, pretrained_weights("{classifier}"))
samples = generator.predict(np.random.normal(size=({samples}, {latent})), verbose=0)
proba = classifier.predict((samples.reshape(-1, 28, 28, 1) + 1) / 2, verbose=0)
confident = proba.max(axis=1) >= {confident}
counts = np.bincount(proba.argmax(axis=1)[confident], minlength=10)
share = counts / max(counts.sum(), 1)
print(f"confident: {{confident.mean():.4f}}")
print(f"classes: {{int(np.sum(share >= 0.01))}}")
print(f"largest_share: {{share.max():.4f}}")
print(f"mode_collapse: {{bool(share.max() > 0.5)}}")
"#,
        dataset = config.dataset.name(),
        note = python::SAME_SETTINGS,
        data_prelude = python::data_prelude(&datasets, true).trim_end(),
        pretrained_prelude = python::pretrained_prelude(classifier).trim_end(),
        seed = config.seed,
        d_adam = python::adam(&gan.d_adam, &clip),
        g_adam = python::adam(&gan.g_adam, &clip),
        real_label = python::float32(real_label),
        steps_plus = steps + 1,
        samples = QUALITY_SAMPLES,
        confident = python::float32(CONFIDENT),
        cnn = python::sequential("(28, 28, 1)", &super::cnn::model_spec(10), None, 0),
    )
}
