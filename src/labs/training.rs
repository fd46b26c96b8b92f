//! The training loop every image-classification lab shares, with hooks in the spirit of
//! Keras callbacks.
//!
//! [`Trainer`] holds what every such lab has: Keras-style epochs over a shuffled training
//! subset, a test evaluation after each epoch, and a clear stop when training diverges. A
//! lab is a [`Recipe`]: its typed config, the model and optimizer it builds, and the
//! [`Callbacks`] that add its own measurements (gradient norms, penalties, a perturbed
//! test set) or transform batches (augmentation). [`Training`] turns a recipe into a
//! [`Lab`], so a new training lab is one file with no loop of its own.

use super::params::DatasetChoice;
use super::protocol::{
    numbers_of, Assets, Budget, Lab, Outcome, Phase, Picture, Progress, RunInfo, StopReason,
    Stopped,
};
use crate::data::{Dataset, Split};
use crate::nn::loss::{argmax, softmax_cross_entropy, BatchLoss};
use crate::nn::{numel, LayerSpec, Optimizer, Sequential, Shape};
use crate::rng::Rng;
use crate::schema::{Config, FromConfig, LabSpec};
use serde::Serialize;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Test images shown with their predictions at each epoch end.
pub const GALLERY_IMAGES: usize = 24;

/// The settings every training lab has (and names the same way).
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingConfig {
    /// Seed of the initial weights and the shuffling.
    pub seed: u64,
    /// The dataset to learn from.
    pub dataset: DatasetChoice,
    /// Passes over the training subset.
    pub epochs: usize,
    /// Images per step.
    pub batch_size: usize,
    /// How many of the first training images to use.
    pub train_size: usize,
    /// The classes to learn and test on (empty: all); only labs whose table has a
    /// `classes` key set it.
    pub classes: Vec<i64>,
}

impl FromConfig for TrainingConfig {
    fn from_config(c: &Config) -> Self {
        TrainingConfig {
            seed: c.int("seed") as u64,
            dataset: c.choice("dataset"),
            epochs: c.count("epochs"),
            batch_size: c.count("batch_size"),
            train_size: c.count("train_size"),
            classes: if c.lab.params.iter().any(|p| p.name == "classes") {
                c.int_list("classes").to_vec()
            } else {
                Vec::new()
            },
        }
    }
}

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

/// What one training step did.
pub struct StepOutcome {
    /// The batch's loss (data loss plus any penalty).
    pub loss: f32,
    /// The batch's accuracy.
    pub accuracy: f32,
    /// True when this step finished an epoch (the test set has then been evaluated).
    pub epoch_ended: bool,
}

/// A model being trained on one dataset: model, optimizer, data order and progress.
pub struct Trainer {
    data: Rc<Dataset>,
    model: Sequential,
    opt: Optimizer,
    rng: Rng,
    /// The training images it learns from, and the test images it is measured on.
    train_idx: Vec<usize>,
    test_idx: Vec<usize>,
    batch_size: usize,
    epochs: usize,
    order: Vec<u32>,
    step: usize,
    pos: usize,
    epoch: usize,
    x: Vec<f32>,
    y: Vec<u8>,
    stopped: Option<Stopped>,
    last_test: Option<Evaluation>,
}

impl Trainer {
    /// A model built from `specs` for inputs of shape `input`, trained with `opt` on the
    /// first `config.train_size` images of `data`; its weights and the shuffling come from
    /// `config.seed`, in that order.
    pub fn new(
        config: &TrainingConfig,
        data: Rc<Dataset>,
        input: Shape,
        specs: &[LayerSpec],
        opt: Optimizer,
    ) -> Result<Trainer, String> {
        if data.name != config.dataset.name() {
            return Err(format!(
                "the run needs dataset {} but {} was given",
                config.dataset.name(),
                data.name
            ));
        }
        let n_classes = data.classes.len();
        if let Some(bad) = config
            .classes
            .iter()
            .find(|&&c| c < 0 || c >= n_classes as i64)
        {
            return Err(format!(
                "classes: {bad} is not a class of {} (0 to {})",
                data.name,
                n_classes - 1
            ));
        }
        let keep = |split: &Split, i: usize| {
            config.classes.is_empty() || config.classes.contains(&i64::from(split.labels[i]))
        };
        let n = config.train_size.min(data.train.len());
        let train_idx: Vec<usize> = (0..n).filter(|&i| keep(&data.train, i)).collect();
        let test_idx: Vec<usize> = (0..data.test.len())
            .filter(|&i| keep(&data.test, i))
            .collect();
        if train_idx.is_empty() || test_idx.is_empty() {
            return Err("no image of the chosen classes is in the data".into());
        }
        let mut rng = Rng::new(config.seed);
        let model = Sequential::new(input, specs, &mut rng)?;
        Ok(Trainer {
            train_idx,
            test_idx,
            data,
            model,
            opt,
            rng,
            batch_size: config.batch_size,
            epochs: config.epochs,
            order: Vec::new(),
            step: 0,
            pos: 0,
            epoch: 0,
            x: Vec::new(),
            y: Vec::new(),
            stopped: None,
            last_test: None,
        })
    }

    /// Steps per epoch (the last batch may be smaller, as in Keras).
    pub fn steps_per_epoch(&self) -> usize {
        self.train_idx.len().div_ceil(self.batch_size)
    }

    /// Steps in the whole run.
    pub fn total_steps(&self) -> usize {
        self.steps_per_epoch() * self.epochs
    }

    /// Steps done.
    pub fn step_count(&self) -> usize {
        self.step
    }

    /// Epochs completed.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Epochs in the run.
    pub fn epochs(&self) -> usize {
        self.epochs
    }

    /// Training images processed so far.
    pub fn images_seen(&self) -> usize {
        self.epoch * self.train_idx.len() + self.pos
    }

    /// Training images per epoch.
    pub fn train_len(&self) -> usize {
        self.train_idx.len()
    }

    /// True when every step has run or training diverged.
    pub fn is_done(&self) -> bool {
        self.stopped.is_some() || self.step >= self.total_steps()
    }

    /// Why training stopped early, if it did.
    pub fn stopped(&self) -> Option<&Stopped> {
        self.stopped.as_ref()
    }

    /// The dataset it trains on.
    pub fn data(&self) -> &Rc<Dataset> {
        &self.data
    }

    /// The model (for inspection and hashing).
    pub fn model(&self) -> &Sequential {
        &self.model
    }

    /// Mutable access to the model (tests, loading weights, predictions).
    pub fn model_mut(&mut self) -> &mut Sequential {
        &mut self.model
    }

    /// The latest test evaluation.
    pub fn last_test(&self) -> Option<Evaluation> {
        self.last_test
    }

    /// Names of the layers that have parameters (e.g. `dense_3`), in model order.
    pub fn layer_names(&self) -> Vec<String> {
        self.model
            .layers()
            .iter()
            .filter_map(|l| l.params().first().map(|p| layer_of(&p.name).to_string()))
            .collect()
    }

    /// Runs one training step (the callbacks may transform the batch and record what the
    /// step did), and at an epoch's end evaluates the test split.
    pub fn train_batch<C: Callbacks>(
        &mut self,
        callbacks: &mut C,
        steps: &mut C::Steps,
    ) -> StepOutcome {
        if self.pos == 0 {
            self.order = (0..self.train_idx.len() as u32).collect();
            self.rng.shuffle(&mut self.order);
        }
        let end = (self.pos + self.batch_size).min(self.train_idx.len());
        let idx = self.order[self.pos..end]
            .iter()
            .map(|&i| self.train_idx[i as usize]);
        fill_batch(&self.data.train, idx, &mut self.x, &mut self.y);
        callbacks.on_batch(&mut self.x, self.data.train.rows(), self.data.train.cols());
        let out = self.model.train_step(&self.x, &self.y, &mut self.opt);
        self.step += 1;
        callbacks.on_step(&self.model, &out, steps);
        let accuracy = out.correct as f32 / self.y.len() as f32;
        if let Some(stopped) = self.divergence(out.loss) {
            self.stopped = Some(stopped);
            return StepOutcome {
                loss: out.loss,
                accuracy,
                epoch_ended: false,
            };
        }
        self.pos = end;
        let epoch_ended = self.pos >= self.train_idx.len();
        if epoch_ended {
            self.pos = 0;
            self.epoch += 1;
            self.last_test = Some(self.evaluate_test());
        }
        StepOutcome {
            loss: out.loss,
            accuracy,
            epoch_ended,
        }
    }

    /// Accuracy and loss on the whole test split.
    pub fn evaluate_test(&mut self) -> Evaluation {
        let (data, idx) = (self.data.clone(), std::mem::take(&mut self.test_idx));
        let e = self.evaluate_indices(&data.test, &idx);
        self.test_idx = idx;
        e
    }

    /// Accuracy and loss on the training subset (inference mode, data loss only).
    pub fn evaluate_train(&mut self) -> Evaluation {
        let (data, idx) = (self.data.clone(), std::mem::take(&mut self.train_idx));
        let e = self.evaluate_indices(&data.train, &idx);
        self.train_idx = idx;
        e
    }

    /// Accuracy and loss on the first `n` images of `split`.
    pub fn evaluate(&mut self, split: &Split, n: usize) -> Evaluation {
        self.evaluate_indices(split, &(0..n.min(split.len())).collect::<Vec<_>>())
    }

    /// Accuracy and loss on images `idx` of `split`, in chunks of 256.
    pub fn evaluate_indices(&mut self, split: &Split, idx: &[usize]) -> Evaluation {
        let n = idx.len();
        let classes = self.model.outputs();
        let (mut correct, mut loss_sum) = (0usize, 0.0f64);
        let mut grad = Vec::new();
        for start in (0..n).step_by(256) {
            let end = (start + 256).min(n);
            fill_batch(
                split,
                idx[start..end].iter().copied(),
                &mut self.x,
                &mut self.y,
            );
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
        let n = numel(self.model.input_shape());
        if pixels.len() != n {
            let [h, w] = [self.data.train.rows(), self.data.train.cols()];
            return Err(format!(
                "expected {n} pixels ({h}×{w}), got {}",
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
        let n = n.min(self.test_idx.len());
        let classes = self.model.outputs();
        fill_batch(
            &self.data.test,
            self.test_idx[..n].iter().copied(),
            &mut self.x,
            &mut self.y,
        );
        let mut probs = vec![0.0; n * classes];
        self.model.predict_proba(&self.x, n, &mut probs);
        probs
            .chunks_exact(classes)
            .enumerate()
            .map(|(j, p)| {
                let (i, k) = (self.test_idx[j], argmax(p));
                GalleryItem {
                    index: i,
                    label: self.data.test.labels[i],
                    predicted: k as u8,
                    confidence: p[k],
                }
            })
            .collect()
    }

    /// The first layer's filters as one picture: a grid of 8 columns, each filter's weights
    /// mapped to blue (negative) … white (0) … orange (positive), 1-pixel gaps. `None` when
    /// the first layer is not a convolution.
    pub fn filters(&self) -> Option<Picture> {
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
        Some(Picture {
            key: "filters".into(),
            width,
            height,
            rgba,
        })
    }

    /// Why training must stop after a step with this loss, if it must: a non-finite loss,
    /// or (when statistics are recorded) non-finite gradients, naming the layer where the
    /// backward pass first produced them.
    fn divergence(&self, loss: f32) -> Option<Stopped> {
        let bad_layer = self.model.layer_stats().and_then(|stats| {
            stats
                .iter()
                .rev()
                .find(|s| !s.grad_norm.is_finite() || !s.weight_norm.is_finite())
        });
        if loss.is_finite() && bad_layer.is_none() {
            return None;
        }
        let step = self.step;
        let mut en = format!("Training diverged at step {step}: the loss became {loss}");
        let mut zh = format!("训练在第 {step} 步发散：损失变成了 {loss}");
        if let Some(s) = bad_layer {
            let name = layer_of(&self.model.layers()[s.layer].params()[0].name);
            let n = s.layer + 1;
            en.push_str(&format!(
                "; gradients first became non-finite in layer {n} ({name}, counting from the input)"
            ));
            zh.push_str(&format!(
                "；梯度最先在第 {n} 层（{name}，从输入端数起）变为非有限值"
            ));
        }
        en.push_str(". Lower the learning rate, use a gentler initializer or clipping, and reset.");
        zh.push_str("。请降低学习率、换用更温和的初始化或梯度裁剪，然后重置。");
        Some(Stopped {
            reason: StopReason::Diverged,
            message: en,
            message_zh: zh,
        })
    }
}

/// The layer part of a parameter name (`dense_3/kernel` → `dense_3`).
fn layer_of(param: &str) -> &str {
    param.split('/').next().unwrap_or("?")
}

/// What a training lab adds to the shared loop (Keras callbacks).
pub trait Callbacks {
    /// What the lab records per step, reported beside the losses (e.g. gradient norms).
    type Steps: Default + Serialize;
    /// What the lab measures at each epoch end, beside test accuracy and loss.
    type Epoch: Serialize + Clone;

    /// Transforms a training batch of `rows × cols` greyscale images in place before the
    /// step.
    fn on_batch(&mut self, _x: &mut [f32], _rows: usize, _cols: usize) {}

    /// Records what a step did.
    fn on_step(&mut self, _model: &Sequential, _out: &BatchLoss, _steps: &mut Self::Steps) {}

    /// Measures at an epoch's end (the test split has just been evaluated).
    fn on_epoch_end(&mut self, trainer: &mut Trainer) -> Self::Epoch;
}

/// An image-classification lab: its config, model, optimizer and callbacks.
pub trait Recipe: Callbacks + Sized + 'static {
    /// Its typed configuration.
    type Config: FromConfig;
    /// Whether each epoch end brings the test-image gallery and the first layer's filters
    /// (labs that compare several runs side by side do not show them).
    const PICTURES: bool = true;

    /// Its parameter table.
    fn spec() -> &'static LabSpec;
    /// The settings every training lab shares.
    fn training(config: &Self::Config) -> &TrainingConfig;
    /// Builds the trainer and the callbacks.
    fn build(config: &Self::Config, data: Rc<Dataset>) -> Result<(Trainer, Self), String>;
    /// The lab as a Python script (see [`Lab::python`]).
    fn python(config: &Self::Config) -> String;
    /// A picture of what the lab will do to the data (see [`Lab::preview`]).
    fn preview(_config: &Self::Config, _data: &Assets, _draw: u32) -> Result<Picture, String> {
        Err("this lab has no preview".into())
    }
}

/// Nothing recorded beyond the shared numbers.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Nothing {}

/// One epoch's results.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EpochRecord<E> {
    /// Epochs completed.
    pub epoch: usize,
    /// Steps completed.
    pub step: usize,
    /// Test accuracy.
    pub test_accuracy: f64,
    /// Test loss.
    pub test_loss: f32,
    /// The lab's own measurements.
    #[serde(flatten)]
    pub extra: E,
}

/// What a training lab reports per step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrainPayload<S, E> {
    /// Epochs completed.
    pub epoch: usize,
    /// Epochs in the run.
    pub epochs: usize,
    /// Loss of each step run since the previous report.
    pub losses: Vec<f32>,
    /// Batch accuracy of each of those steps.
    pub accuracies: Vec<f32>,
    /// The lab's per-step records.
    #[serde(flatten)]
    pub steps: S,
    /// The epoch that ended in this chunk, if one did (a chunk never crosses two).
    pub epoch_end: Option<EpochRecord<E>>,
    /// Predictions for the gallery's test images, at epoch ends.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gallery: Vec<GalleryItem>,
}

/// A [`Recipe`] run as a [`Lab`].
pub struct Training<R: Recipe> {
    trainer: Trainer,
    recipe: R,
    epochs: Vec<EpochRecord<R::Epoch>>,
}

impl<R: Recipe> Training<R> {
    /// The trainer (tests inspect the model through it).
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// Mutable access to the trainer.
    pub fn trainer_mut(&mut self) -> &mut Trainer {
        &mut self.trainer
    }

    /// Every epoch's record so far.
    pub fn epoch_records(&self) -> &[EpochRecord<R::Epoch>] {
        &self.epochs
    }
}

impl<R: Recipe> Lab for Training<R> {
    type Config = R::Config;
    type Payload = TrainPayload<R::Steps, R::Epoch>;

    fn spec() -> &'static LabSpec {
        R::spec()
    }

    fn datasets(config: &R::Config) -> Vec<&'static str> {
        vec![R::training(config).dataset.name()]
    }

    fn python(config: &R::Config) -> String {
        R::python(config)
    }

    fn new(config: R::Config, data: &Assets) -> Result<Self, String> {
        let data = data.dataset(R::training(&config).dataset.name())?;
        let (trainer, recipe) = R::build(&config, data)?;
        Ok(Training {
            trainer,
            recipe,
            epochs: Vec::new(),
        })
    }

    fn step(&mut self, budget: &mut Budget) -> Progress<Self::Payload> {
        let t = &mut self.trainer;
        let mut payload = TrainPayload {
            epoch: 0,
            epochs: t.epochs(),
            losses: Vec::new(),
            accuracies: Vec::new(),
            steps: R::Steps::default(),
            epoch_end: None,
            gallery: Vec::new(),
        };
        let mut pictures = Vec::new();
        while !t.is_done() && budget.more() {
            let out = t.train_batch(&mut self.recipe, &mut payload.steps);
            payload.losses.push(out.loss);
            payload.accuracies.push(out.accuracy);
            if out.epoch_ended {
                let test = t.last_test().expect("evaluated at the epoch's end");
                let record = EpochRecord {
                    epoch: t.epoch(),
                    step: t.step_count(),
                    test_accuracy: test.accuracy,
                    test_loss: test.loss,
                    extra: self.recipe.on_epoch_end(t),
                };
                self.epochs.push(record.clone());
                payload.epoch_end = Some(record);
                if R::PICTURES {
                    payload.gallery = t.gallery(GALLERY_IMAGES);
                    let data = t.data().clone();
                    pictures.extend(
                        payload
                            .gallery
                            .iter()
                            .map(|g| Picture::of_image(&data, true, g.index)),
                    );
                    pictures.extend(t.filters());
                }
                break; // one epoch per report keeps per-epoch charts simple
            }
        }
        payload.epoch = t.epoch();
        let (step, total) = (t.step_count(), t.total_steps());
        Progress {
            phase: Phase::Train,
            step,
            total,
            fraction: step as f64 / total.max(1) as f64,
            samples: t.images_seen() as u64,
            done: t.is_done(),
            stopped: t.stopped().cloned(),
            payload,
            pictures,
        }
    }

    fn outcome(&self) -> Outcome {
        let model = self.trainer.model();
        Outcome {
            metrics: self
                .epochs
                .last()
                .map(|r| numbers_of(r, &["epoch", "step"]))
                .unwrap_or_default(),
            weights_sha256: Some(model.weights_sha256()),
            param_count: Some(model.param_count()),
            report: serde_json::json!({ "epochs": self.epochs }),
        }
    }

    fn info(&self) -> RunInfo {
        RunInfo {
            classes: self.trainer.data().classes.clone(),
            param_count: Some(self.trainer.model().param_count()),
            layers: self.trainer.layer_names(),
        }
    }

    fn predict(&mut self, pixels: &[u8]) -> Result<Vec<f32>, String> {
        self.trainer.predict(pixels)
    }

    fn weights(&self, info: &str) -> Option<Vec<u8>> {
        Some(crate::nn::checkpoint::save(
            &[("", self.trainer.model())],
            info,
        ))
    }

    fn load_weights(&mut self, bytes: &[u8]) -> Result<BTreeMap<String, f64>, String> {
        crate::nn::checkpoint::load(&mut [("", self.trainer.model_mut())], bytes)?;
        let test = self.trainer.evaluate_test();
        // Through JSON, as the epoch records are: the same numbers as a trained run reports.
        let record = serde_json::json!({ "test_accuracy": test.accuracy, "test_loss": test.loss });
        Ok(numbers_of(&record, &[]))
    }

    fn preview(config: &R::Config, data: &Assets, draw: u32) -> Result<Picture, String> {
        R::preview(config, data, draw)
    }
}
