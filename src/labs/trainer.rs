//! The training loop every image-classification lab shares: Keras-style epochs over a
//! shuffled training subset, test evaluation after each epoch, snapshots per chunk of
//! steps, and a clear stop when training diverges.

use super::schema::{Config, Help, Kind, Param};
use super::Snapshot;
use crate::data::{Dataset, Split};
use crate::nn::loss::{argmax, softmax_cross_entropy};
use crate::nn::{LayerSpec, Optimizer, Sequential, Shape};
use crate::rng::Rng;
use serde::Serialize;
use std::rc::Rc;

/// `seed`: shared by every training lab.
pub const SEED: Param = Param {
    name: "seed",
    kind: Kind::Int {
        min: 0,
        max: 4_294_967_295,
        default: 42,
    },
    help: Help {
        en: "Seeds the initial weights and the shuffling; the same seed replays the same run.",
        zh: "决定初始权重与数据打乱顺序；相同的种子会得到完全相同的结果。",
    },
};

/// `dataset`: shared by every training lab.
pub const DATASET: Param = Param {
    name: "dataset",
    kind: Kind::Choice {
        choices: &["mnist", "fashion_mnist"],
        default: "mnist",
    },
    help: Help {
        en: "Handwritten digits (MNIST) or clothing photos (Fashion-MNIST).",
        zh: "手写数字（MNIST）或服饰图片（Fashion-MNIST）。",
    },
};

/// `batch_size` with Keras' default 32: shared by the labs that use it.
pub const BATCH_SIZE: Param = Param {
    name: "batch_size",
    kind: Kind::Int {
        min: 1,
        max: 512,
        default: 32,
    },
    help: Help {
        en: "Images per gradient step.",
        zh: "每次梯度更新使用的图片数。",
    },
};

/// Adam's `learning_rate` with Keras' default 0.001: shared by the labs that train with Adam.
pub const ADAM_LEARNING_RATE: Param = Param {
    name: "learning_rate",
    kind: Kind::Float {
        min: 1e-5,
        max: 1.0,
        default: 0.001,
        log: true,
    },
    help: Help {
        en: "Adam's step size; too large and training diverges.",
        zh: "Adam 的步长；过大会导致训练发散。",
    },
};

/// `epochs`: shared by every training lab.
pub const EPOCHS: Param = Param {
    name: "epochs",
    kind: Kind::Int {
        min: 1,
        max: 20,
        default: 1,
    },
    help: Help {
        en: "Passes over the training images.",
        zh: "遍历训练集的轮数。",
    },
};

/// One test image's prediction, for the gallery.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GalleryItem {
    /// Index in the test split.
    pub index: usize,
    /// True class.
    pub label: u8,
    /// Predicted class.
    pub predicted: u8,
    /// Probability of the predicted class.
    pub confidence: f32,
}

/// Accuracy and loss on a split.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    /// Fraction classified correctly (f64 so it prints as the exact ratio, e.g. 0.9785).
    pub accuracy: f64,
    /// Mean cross-entropy.
    pub loss: f32,
}

/// A training run of an image classifier: model, optimizer, data order and progress.
pub struct Run {
    config: Config,
    data: Rc<Dataset>,
    model: Sequential,
    opt: Optimizer,
    rng: Rng,
    train_len: usize,
    batch_size: usize,
    epochs: usize,
    order: Vec<u32>,
    step: usize,
    pos: usize,
    epoch: usize,
    x: Vec<f32>,
    y: Vec<u8>,
    diverged: Option<String>,
    last_test: Option<Evaluation>,
    compare_train: bool,
    has_penalty: bool,
    /// Random transforms for training batches and their own generator.
    augment: Option<(crate::augment::Augment, Rng)>,
    /// A fixed perturbed copy of the test split, evaluated at epoch ends.
    shifted_test: Option<Split>,
    aug_out: Vec<f32>,
}

/// A histogram of the first layer's kernel on a fixed range, so runs can be compared.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KernelHistogram {
    /// Lower edge of the first bin.
    pub lo: f32,
    /// Upper edge of the last bin (values beyond either edge count in the edge bins).
    pub hi: f32,
    /// Weights per bin.
    pub counts: Vec<u32>,
    /// Fraction of weights with |w| < `NEAR_ZERO` (L1's sparsity).
    pub near_zero: f64,
}

/// Weights smaller than this in magnitude count as "zero" in the sparsity figure.
pub const NEAR_ZERO: f32 = 1e-3;

/// Copies images `indices` of `split` into `x` scaled to [0, 1] and their labels into `y`.
pub fn fill_batch(
    split: &Split,
    indices: impl Iterator<Item = usize>,
    x: &mut Vec<f32>,
    y: &mut Vec<u8>,
) {
    x.clear();
    y.clear();
    for i in indices {
        x.extend(split.image(i).iter().map(|&p| p as f32 / 255.0));
        y.push(split.labels[i]);
    }
}

impl Run {
    /// A run of `config` on `data`: the model built from `specs` for inputs of shape
    /// `input`, trained with `opt`; the seed, batch size, epochs and train size come from
    /// the config (every training lab has those keys).
    pub fn new(
        config: Config,
        data: Rc<Dataset>,
        input: Shape,
        specs: &[LayerSpec],
        opt: Optimizer,
        record_stats: bool,
    ) -> Result<Run, String> {
        if data.name != config.choice("dataset") {
            return Err(format!(
                "the run needs dataset {} but {} was loaded",
                config.choice("dataset"),
                data.name
            ));
        }
        let mut rng = Rng::new(config.int("seed") as u64);
        let mut model = Sequential::new(input, specs, &mut rng)?;
        model.record_stats(record_stats);
        let train_len = (config.int("train_size") as usize).min(data.train.len());
        let batch_size = config.int("batch_size") as usize;
        let epochs = config.int("epochs") as usize;
        Ok(Run {
            config,
            data,
            model,
            opt,
            rng,
            train_len,
            batch_size,
            epochs,
            order: Vec::new(),
            step: 0,
            pos: 0,
            epoch: 0,
            x: Vec::new(),
            y: Vec::new(),
            diverged: None,
            last_test: None,
            compare_train: false,
            has_penalty: false,
            augment: None,
            shifted_test: None,
            aug_out: Vec::new(),
        }
        .with_penalty_flag())
    }

    fn with_penalty_flag(mut self) -> Self {
        self.has_penalty = self.model.params().any(|p| p.regularizer.is_some());
        self
    }

    /// Also evaluates the training subset and histograms the first kernel at each epoch
    /// end (for labs that show the train/test gap).
    pub fn compare_train(mut self) -> Self {
        self.compare_train = true;
        self
    }

    /// Transforms every training image with `augment` (when given, from a generator seeded
    /// apart from the weights and the shuffling), and evaluates each epoch also on a copy of
    /// the test split perturbed once by `shifted` (from a fixed seed, the same for all runs).
    pub fn with_augmentation(
        mut self,
        augment: Option<crate::augment::Augment>,
        shifted: crate::augment::Augment,
    ) -> Self {
        let seed = self.config.int("seed") as u64;
        self.augment = augment.map(|a| (a, Rng::new(seed ^ 0x0a06_3e47)));
        let test = &self.data.test;
        let (h, w) = (test.rows, test.cols);
        let mut rng = Rng::new(12_345);
        let (mut src, mut out) = (vec![0.0f32; h * w], vec![0.0f32; h * w]);
        let mut images = Vec::with_capacity(test.images.len());
        for i in 0..test.len() {
            for (s, &p) in src.iter_mut().zip(test.image(i)) {
                *s = p as f32 / 255.0;
            }
            let t = shifted.random_transform(&mut rng, h, w);
            shifted.apply(&t, &src, h, w, &mut out);
            images.extend(
                out.iter()
                    .map(|&v| (v.clamp(0.0, 1.0) * 255.0).round() as u8),
            );
        }
        self.shifted_test = Some(Split {
            images,
            labels: test.labels.clone(),
            rows: h,
            cols: w,
        });
        self
    }

    /// Histogram of the first layer's kernel over `[-range, range]` in `bins` bins.
    pub fn kernel_histogram(&self, bins: usize, range: f32) -> Option<KernelHistogram> {
        let kernel = self.model.params().next()?;
        let mut counts = vec![0u32; bins];
        let mut near = 0usize;
        for &w in &kernel.value {
            let t = ((w + range) / (2.0 * range) * bins as f32).floor();
            let i = if t.is_nan() {
                0
            } else {
                t.clamp(0.0, (bins - 1) as f32) as usize
            };
            counts[i] += 1;
            if w.abs() < NEAR_ZERO {
                near += 1;
            }
        }
        Some(KernelHistogram {
            lo: -range,
            hi: range,
            counts,
            near_zero: near as f64 / kernel.value.len().max(1) as f64,
        })
    }

    /// Steps per epoch (the last batch may be smaller, as in Keras).
    pub fn steps_per_epoch(&self) -> usize {
        self.train_len.div_ceil(self.batch_size)
    }

    /// Steps in the whole run.
    pub fn total_steps(&self) -> usize {
        self.steps_per_epoch() * self.epochs
    }

    /// True when every step has run or training diverged.
    pub fn is_done(&self) -> bool {
        self.diverged.is_some() || self.step >= self.total_steps()
    }

    /// The configuration being run.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The model (for inspection and hashing).
    pub fn model(&self) -> &Sequential {
        &self.model
    }

    /// Mutable access to the model (tests, loading weights).
    pub fn model_mut(&mut self) -> &mut Sequential {
        &mut self.model
    }

    /// Names of the layers that have parameters (e.g. `dense_3`), in model order.
    pub fn layer_names(&self) -> Vec<String> {
        self.model
            .layers()
            .iter()
            .filter_map(|l| {
                l.params()
                    .first()
                    .map(|p| p.name.split('/').next().unwrap_or("?").to_string())
            })
            .collect()
    }

    /// The latest test evaluation.
    pub fn last_test(&self) -> Option<Evaluation> {
        self.last_test
    }

    /// Runs up to `max_batches` training steps and reports what happened.
    pub fn step(&mut self, max_batches: usize) -> Snapshot {
        let mut snap = Snapshot::default();
        for _ in 0..max_batches {
            if self.is_done() {
                break;
            }
            if self.pos == 0 {
                self.order = (0..self.train_len as u32).collect();
                self.rng.shuffle(&mut self.order);
            }
            let end = (self.pos + self.batch_size).min(self.train_len);
            let idx = self.order[self.pos..end].iter().map(|&i| i as usize);
            fill_batch(&self.data.train, idx, &mut self.x, &mut self.y);
            if let Some((gen, rng)) = &mut self.augment {
                let (h, w) = (self.data.train.rows, self.data.train.cols);
                self.aug_out.resize(h * w, 0.0);
                for img in self.x.chunks_exact_mut(h * w) {
                    let t = gen.random_transform(rng, h, w);
                    gen.apply(&t, img, h, w, &mut self.aug_out);
                    img.copy_from_slice(&self.aug_out);
                }
            }
            let out = self.model.train_step(&self.x, &self.y, &mut self.opt);
            self.step += 1;
            snap.losses.push(out.loss);
            if self.has_penalty {
                snap.penalties.push(out.penalty);
            }
            snap.accuracies
                .push(out.correct as f32 / self.y.len() as f32);
            if let Some(stats) = self.model.layer_stats() {
                snap.grad_norms
                    .push(stats.iter().map(|s| s.grad_norm).collect());
                snap.update_ratios
                    .push(stats.iter().map(|s| s.update_ratio).collect());
            }
            if let Some(msg) = self.divergence(out.loss) {
                self.diverged = Some(msg);
                break;
            }
            self.pos = end;
            if self.pos >= self.train_len {
                self.pos = 0;
                self.epoch += 1;
                let e = self.evaluate_test();
                self.last_test = Some(e);
                snap.test_accuracy = Some(e.accuracy);
                snap.test_loss = Some(e.loss);
                if self.compare_train {
                    let t = self.evaluate_train();
                    snap.train_accuracy = Some(t.accuracy);
                    snap.train_loss = Some(t.loss);
                    snap.kernel_histogram = self.kernel_histogram(60, 0.3);
                }
                if let Some(shifted) = self.shifted_test.take() {
                    snap.shifted_accuracy = Some(self.evaluate(&shifted, shifted.len()).accuracy);
                    self.shifted_test = Some(shifted);
                }
                break; // one epoch boundary per snapshot keeps per-epoch charts simple
            }
        }
        snap.step = self.step;
        snap.total_steps = self.total_steps();
        snap.epoch = self.epoch;
        snap.epochs = self.epochs;
        snap.images_seen = self.epoch * self.train_len + self.pos;
        snap.done = self.is_done();
        snap.diverged = self.diverged.clone();
        snap
    }

    /// Accuracy and loss on the whole test split.
    pub fn evaluate_test(&mut self) -> Evaluation {
        let data = self.data.clone();
        self.evaluate(&data.test, data.test.len())
    }

    /// Accuracy and loss on the training subset (inference mode, data loss only).
    pub fn evaluate_train(&mut self) -> Evaluation {
        let data = self.data.clone();
        self.evaluate(&data.train, self.train_len)
    }

    fn evaluate(&mut self, split: &Split, n: usize) -> Evaluation {
        let classes = self.model.outputs();
        let (mut correct, mut loss_sum) = (0usize, 0.0f64);
        let mut grad = Vec::new();
        for start in (0..n).step_by(256) {
            let end = (start + 256).min(n);
            fill_batch(split, start..end, &mut self.x, &mut self.y);
            let logits = self.model.forward(&self.x, end - start);
            grad.resize(logits.len(), 0.0);
            let out = softmax_cross_entropy(logits, &self.y, classes, &mut grad);
            correct += out.correct;
            loss_sum += out.loss as f64 * (end - start) as f64;
        }
        let n = n.max(1) as f64;
        Evaluation {
            accuracy: correct as f64 / n,
            loss: (loss_sum / n) as f32,
        }
    }

    /// Class probabilities for one image of bytes (0 = background, 255 = ink).
    pub fn predict(&mut self, pixels: &[u8]) -> Result<Vec<f32>, String> {
        let [h, w, _] = self.model.input_shape();
        if pixels.len() != h * w {
            return Err(format!(
                "expected {} pixels ({h}×{w}), got {}",
                h * w,
                pixels.len()
            ));
        }
        let x: Vec<f32> = pixels.iter().map(|&p| p as f32 / 255.0).collect();
        let mut out = vec![0.0; self.model.outputs()];
        self.model.predict_proba(&x, 1, &mut out);
        Ok(out)
    }

    /// Predictions for the first `n` test images.
    pub fn gallery(&mut self, n: usize) -> Vec<GalleryItem> {
        let n = n.min(self.data.test.len());
        let classes = self.model.outputs();
        fill_batch(&self.data.test, 0..n, &mut self.x, &mut self.y);
        let mut probs = vec![0.0; n * classes];
        self.model.predict_proba(&self.x, n, &mut probs);
        probs
            .chunks_exact(classes)
            .enumerate()
            .map(|(i, p)| {
                let k = argmax(p);
                GalleryItem {
                    index: i,
                    label: self.data.test.labels[i],
                    predicted: k as u8,
                    confidence: p[k],
                }
            })
            .collect()
    }

    /// The first layer's filters as one RGBA image: a grid of 8 columns, each filter's
    /// weights mapped to blue (negative) … white (0) … orange (positive), 1-pixel gaps.
    /// `None` when the first layer is not a convolution.
    pub fn filters_rgba(&self) -> Option<(usize, usize, Vec<u8>)> {
        let kernel = self.model.params().next().filter(|p| p.shape.len() == 4)?;
        let (kh, kw, cin, f) = (
            kernel.shape[0],
            kernel.shape[1],
            kernel.shape[2],
            kernel.shape[3],
        );
        let cols = 8.min(f);
        let rows = f.div_ceil(cols);
        let (width, height) = (cols * (kw + 1) + 1, rows * (kh + 1) + 1);
        let mut rgba = vec![255u8; width * height * 4];
        for px in rgba.chunks_exact_mut(4) {
            px.copy_from_slice(&[226, 232, 240, 255]);
        }
        for k in 0..f {
            let weight = |i: usize, j: usize| kernel.value[((i * kw + j) * cin) * f + k];
            let scale = (0..kh * kw)
                .map(|t| weight(t / kw, t % kw).abs())
                .fold(1e-12f32, f32::max);
            let (ox, oy) = ((k % cols) * (kw + 1) + 1, (k / cols) * (kh + 1) + 1);
            for i in 0..kh {
                for j in 0..kw {
                    let t = weight(i, j) / scale;
                    let (target, a) = if t >= 0.0 {
                        ([234.0, 88.0, 12.0], t)
                    } else {
                        ([37.0, 99.0, 235.0], -t)
                    };
                    let c: [u8; 3] =
                        std::array::from_fn(|ch| (255.0 + (target[ch] - 255.0) * a).round() as u8);
                    let o = ((oy + i) * width + ox + j) * 4;
                    rgba[o..o + 4].copy_from_slice(&[c[0], c[1], c[2], 255]);
                }
            }
        }
        Some((width, height, rgba))
    }

    /// Why training must stop after a step with this loss, if it must: a non-finite loss,
    /// or (when statistics are recorded) non-finite gradients, naming the layer where the
    /// backward pass first produced them.
    fn divergence(&self, loss: f32) -> Option<String> {
        let bad_layer = self.model.layer_stats().and_then(|stats| {
            stats
                .iter()
                .rev()
                .find(|s| !s.grad_norm.is_finite() || !s.weight_norm.is_finite())
        });
        if loss.is_finite() && bad_layer.is_none() {
            return None;
        }
        let mut msg = format!(
            "Training diverged at step {}: the loss became {}",
            self.step, loss
        );
        if let Some(s) = bad_layer {
            let layer_name = self.model.layers()[s.layer].params()[0]
                .name
                .split('/')
                .next()
                .unwrap_or("?")
                .to_string();
            msg.push_str(&format!(
                "; gradients first became non-finite in layer {} ({}, counting from the input)",
                s.layer + 1,
                layer_name
            ));
        }
        msg.push_str(
            ". Lower the learning rate, use a gentler initializer or clipping, and reset.",
        );
        Some(msg)
    }
}
