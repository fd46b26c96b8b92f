//! The transfer-learning lab: a pretrained convolutional base, frozen or fine-tuned,
//! against the same network trained from scratch, on a new task with few labels.
//!
//! The base is the CNN lab's convolution stack (Conv2D 32 → pool → Conv2D 64 → pool →
//! Conv2D 64 → Flatten), pretrained and shipped in `www/data/pretrained/`; the head is new:
//! Dense(64, relu) → Dense(k, softmax), or Dense(1, sigmoid) with binary cross-entropy for
//! the two-class task, as in the classic snippet. Tasks: digits 0–4 → 5–9 (the base never
//! saw 5–9), MNIST → Fashion-MNIST, and 5 vs 8. Every mode sees the same
//! `labels_per_class` training images per class, takes `steps` Adam steps of batch
//! min(32, k·n), and is scored on the task's test images every [`EVAL_EVERY`] steps:
//!
//! - `frozen`: base loaded and frozen (`base.trainable = False`), the head trains;
//! - `fine_tune`: base loaded and trained too, with its own, lower learning rate;
//! - `scratch`: the same architecture from random weights;
//! - `snippet`: base loaded, nothing frozen, one Adam at `learning_rate` for everything
//!   (what forgetting to freeze does).
//!
//! The page runs the four modes side by side (the table's `compare`).

use super::params;
use super::protocol::{
    numbers_of, Assets, Budget, Lab, Outcome, Phase, Progress, RunInfo, StopReason, Stopped,
};
use super::python;
use super::training::fill_batch;
use crate::data::Dataset;
use crate::gan::bce_with_logits;
use crate::nn::adam::AdamConfig;
use crate::nn::loss::{argmax, softmax_cross_entropy};
use crate::nn::{checkpoint, Activation, LayerSpec, Optimizer, Sequential};
use crate::rng::Rng;
use crate::schema::{Config, FromConfig, Help, Kind, LabSpec, Param};
use serde::Serialize;
use std::rc::Rc;

/// Steps between test evaluations.
pub const EVAL_EVERY: usize = 25;
/// Layers of the base (the CNN lab's network up to its Flatten).
pub const BASE_LAYERS: usize = 6;

crate::choice_enum! {
    /// The new task.
    pub enum TaskChoice {
        /// Digits 5–9, five classes, from a base trained on 0–4.
        Digits5To9 = "digits_5_9",
        /// Fashion-MNIST's ten classes, from a base trained on MNIST.
        Fashion = "fashion",
        /// 5 against 8 with a sigmoid head, from a base trained on 0–4.
        Binary5Vs8 = "binary_5_8",
    }
}

crate::choice_enum! {
    /// How the base is used.
    pub enum Mode {
        /// Pretrained and frozen; only the head trains.
        Frozen = "frozen",
        /// Pretrained, everything trains, the base more slowly.
        FineTune = "fine_tune",
        /// Random weights, everything trains.
        Scratch = "scratch",
        /// Pretrained, nothing frozen, one learning rate: the classic snippet.
        Snippet = "snippet",
    }
}

/// A task: its data, the labels it keeps (position = new label), its head and its base.
struct Task {
    dataset: &'static str,
    classes: &'static [u8],
    binary: bool,
    base: &'static str,
}

impl TaskChoice {
    fn task(self) -> Task {
        match self {
            TaskChoice::Digits5To9 => Task {
                dataset: "mnist",
                classes: &[5, 6, 7, 8, 9],
                binary: false,
                base: "cnn_digits_0_4",
            },
            TaskChoice::Fashion => Task {
                dataset: "fashion_mnist",
                classes: &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
                binary: false,
                base: "cnn_mnist",
            },
            TaskChoice::Binary5Vs8 => Task {
                dataset: "mnist",
                classes: &[5, 8],
                binary: true,
                base: "cnn_digits_0_4",
            },
        }
    }
}

/// The lab's parameter table.
pub static SPEC: LabSpec = LabSpec {
    // Shown up front when the lab is embedded in a page.
    essentials: &["task", "steps"],
    compare: Some("mode"),
    ..LabSpec::new(
        "transfer",
        Help {
            en: "Transfer",
            zh: "迁移学习",
        },
        &[
            params::SEED,
            Param::new(
                "task",
                Kind::Choice {
                    choices: TaskChoice::NAMES,
                    default: "digits_5_9",
                },
                Help {
                    en: "The new task: digits 5–9 with a base that only saw 0–4; Fashion-MNIST with a base trained on digits; or 5 vs 8 with one sigmoid unit, as in the classic snippet.",
                    zh: "新任务：用只见过 0–4 的卷积基识别 5–9；用在数字上训练的卷积基识别 Fashion-MNIST；或像经典示例那样用一个 sigmoid 单元区分 5 和 8。",
                },
            ),
            Param::new(
                "mode",
                Kind::Choice {
                    choices: Mode::NAMES,
                    default: "frozen",
                },
                Help {
                    en: "How this run uses the base (the page runs all four side by side).",
                    zh: "本次运行如何使用卷积基（网页会并排运行全部四种）。",
                },
            ),
            Param::new(
                "labels_per_class",
                Kind::Int {
                    min: 1,
                    max: 1_000,
                    default: 10,
                },
                Help {
                    en: "Labelled training images per class of the new task.",
                    zh: "新任务每个类别有标签的训练图片数。",
                },
            ),
            Param::new(
                "steps",
                Kind::Int {
                    min: 10,
                    max: 3_000,
                    default: 300,
                },
                Help {
                    en: "Adam steps, each on a batch of min(32, classes × labels_per_class) images.",
                    zh: "Adam 的步数，每步使用 min(32, 类别数 × labels_per_class) 张图片。",
                },
            ),
            params::ADAM_LEARNING_RATE.with_help(Help {
                en: "Adam's step size for the new head (and, in the snippet mode, for everything).",
                zh: "新分类头的 Adam 步长（在 snippet 模式下用于全部参数）。",
            }),
            Param::new(
                "base_learning_rate",
                Kind::Float {
                    min: 1e-6,
                    max: 1e-2,
                    default: 1e-4,
                    log: true,
                },
                Help {
                    en: "Adam's step size for the pretrained base when fine-tuning: small, so the features it learnt are adjusted rather than overwritten.",
                    zh: "微调时预训练卷积基的 Adam 步长：取小值，使它学到的特征被微调而不是被覆盖。",
                },
            ),
        ],
    )
};

/// The lab's typed configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct TransferConfig {
    /// Seed of the head's weights (the scratch base's too) and the batch order.
    pub seed: u64,
    /// The new task.
    pub task: TaskChoice,
    /// How the base is used.
    pub mode: Mode,
    /// Labelled images per class.
    pub labels_per_class: usize,
    /// Adam steps.
    pub steps: usize,
    /// The head's learning rate.
    pub learning_rate: f32,
    /// The base's learning rate when fine-tuning.
    pub base_learning_rate: f32,
}

impl FromConfig for TransferConfig {
    fn from_config(c: &Config) -> Self {
        TransferConfig {
            seed: c.int("seed") as u64,
            task: c.choice("task"),
            mode: c.choice("mode"),
            labels_per_class: c.count("labels_per_class"),
            steps: c.count("steps"),
            learning_rate: c.float("learning_rate") as f32,
            base_learning_rate: c.float("base_learning_rate") as f32,
        }
    }
}

/// One layer's parameters, frozen or not.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerRow {
    /// Keras name (`conv2d_1`).
    pub name: String,
    /// Keras class (`Conv2D`).
    pub kind: &'static str,
    /// Its weights.
    pub params: usize,
    /// Whether they train.
    pub trainable: bool,
    /// Whether it belongs to the pretrained base.
    pub base: bool,
}

/// A test evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TestPoint {
    /// Steps done.
    pub step: usize,
    /// Accuracy on the task's test images.
    pub accuracy: f64,
}

/// What the lab reports per step.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TransferPayload {
    /// Loss of each step since the previous report.
    pub losses: Vec<f32>,
    /// A test evaluation made in this report, if one was.
    pub test: Option<TestPoint>,
    /// The layers, frozen or trainable (in the first report only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<LayerRow>>,
}

/// A run of one mode.
pub struct Transfer {
    config: TransferConfig,
    task: Task,
    data: Rc<Dataset>,
    model: Sequential,
    head_opt: Optimizer,
    /// The base's own optimizer when it trains at another rate (fine-tuning).
    base_opt: Option<Optimizer>,
    /// Labelled training images and their new labels.
    train: Vec<(usize, u8)>,
    test: Vec<(usize, u8)>,
    order: Vec<usize>,
    pos: usize,
    rng: Rng,
    batch: usize,
    step: usize,
    curve: Vec<TestPoint>,
    /// Set when the loss stopped being finite.
    stopped: Option<Stopped>,
    x: Vec<f32>,
    y: Vec<u8>,
    grad: Vec<f32>,
}

impl Transfer {
    /// The model (tests compare its base with the file's).
    pub fn model(&self) -> &Sequential {
        &self.model
    }

    /// Classes of the head.
    fn outputs(&self) -> usize {
        if self.task.binary {
            1
        } else {
            self.task.classes.len()
        }
    }

    /// One Adam step on the next batch; returns its loss.
    fn train_step(&mut self) -> f32 {
        let mut idx = Vec::with_capacity(self.batch);
        for _ in 0..self.batch {
            if self.pos == 0 {
                self.order = (0..self.train.len()).collect();
                self.rng.shuffle(&mut self.order);
            }
            idx.push(self.train[self.order[self.pos]]);
            self.pos = (self.pos + 1) % self.train.len();
        }
        fill_batch(
            &self.data.train,
            idx.iter().map(|&(i, _)| i),
            &mut self.x,
            &mut self.y,
        );
        self.y.clear();
        self.y.extend(idx.iter().map(|&(_, l)| l));
        let n = self.batch;
        let outputs = self.outputs();
        let logits = self.model.forward_train(&self.x, n);
        self.grad.resize(n * outputs, 0.0);
        let loss = if self.task.binary {
            let scale = 1.0 / n as f32;
            let mut total = 0.0;
            for (i, &y) in self.y.iter().enumerate() {
                total += bce_with_logits(
                    &logits[i..i + 1],
                    f32::from(y),
                    scale,
                    &mut self.grad[i..i + 1],
                );
            }
            (total * scale as f64) as f32
        } else {
            softmax_cross_entropy(logits, &self.y, outputs, &mut self.grad).loss
        };
        self.model.backward(&self.x, &self.grad, false);
        match &mut self.base_opt {
            Some(base_opt) => {
                base_opt.step(self.model.layer_params_mut(0..BASE_LAYERS).collect());
                let head = BASE_LAYERS..self.model.layers().len();
                self.head_opt
                    .step(self.model.layer_params_mut(head).collect());
            }
            None => {
                let all = 0..self.model.layers().len();
                self.head_opt
                    .step(self.model.layer_params_mut(all).collect());
            }
        }
        self.step += 1;
        loss
    }

    /// Accuracy on the task's test images.
    fn evaluate(&mut self) -> TestPoint {
        let outputs = self.outputs();
        let mut correct = 0;
        for chunk in self.test.chunks(256) {
            fill_batch(
                &self.data.test,
                chunk.iter().map(|&(i, _)| i),
                &mut self.x,
                &mut self.y,
            );
            let logits = self.model.forward(&self.x, chunk.len());
            for (z, &(_, y)) in logits.chunks_exact(outputs).zip(chunk) {
                let predicted = if self.task.binary {
                    u8::from(z[0] > 0.0)
                } else {
                    argmax(z) as u8
                };
                correct += usize::from(predicted == y);
            }
        }
        let point = TestPoint {
            step: self.step,
            accuracy: correct as f64 / self.test.len() as f64,
        };
        self.curve.push(point);
        point
    }

    /// Every layer with weights: name, kind, count, trainable, part of the base.
    pub fn layer_table(&self) -> Vec<LayerRow> {
        self.model
            .layers()
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.params().is_empty())
            .map(|(i, l)| LayerRow {
                name: l.params()[0]
                    .name
                    .split('/')
                    .next()
                    .unwrap_or("?")
                    .to_string(),
                kind: l.kind(),
                params: l.params().iter().map(|p| p.value.len()).sum(),
                trainable: l.trainable(),
                base: i < BASE_LAYERS,
            })
            .collect()
    }

    fn is_done(&self) -> bool {
        self.stopped.is_some()
            || (self.step >= self.config.steps
                && self.curve.last().is_some_and(|p| p.step == self.step))
    }

    /// Stops the run after a step whose loss is not finite, saying what to change.
    fn check_loss(&mut self, loss: f32) {
        if loss.is_finite() {
            return;
        }
        let s = self.step;
        self.stopped = Some(Stopped {
            reason: StopReason::Diverged,
            message: format!("Training diverged at step {s}: the loss became {loss}. Lower the learning rates and reset."),
            message_zh: format!("训练在第 {s} 步发散：损失变成了 {loss}。请降低学习率后重置。"),
        });
    }
}

/// The network: the CNN lab's base, then Dense(64, relu) and the task's output (a logit
/// for the binary task, whose sigmoid lives in the loss).
fn model_spec(task: &Task) -> Vec<LayerSpec> {
    let k = if task.binary { 1 } else { task.classes.len() };
    let mut specs: Vec<LayerSpec> = super::cnn::model_spec(10)[..BASE_LAYERS].to_vec();
    specs.push(LayerSpec::dense(64, Activation::Relu));
    let head = if task.binary {
        Activation::Linear
    } else {
        Activation::Softmax
    };
    specs.push(LayerSpec::dense(k, head));
    specs
}

/// Training images of `classes`, the first `n` of each in file order, with their new
/// labels (the class's position in `classes`). The labelled set depends on `n` alone, as
/// in the Keras reference, so seeds differ only in weights and batch order and a gap
/// between modes is not luck of the draw.
fn labelled(data: &Dataset, classes: &[u8], n: usize) -> Vec<(usize, u8)> {
    classes
        .iter()
        .enumerate()
        .flat_map(|(new, &c)| {
            (0..data.train.len())
                .filter(move |&i| data.train.labels[i] == c)
                .take(n)
                .map(move |i| (i, new as u8))
        })
        .collect()
}

impl Lab for Transfer {
    type Config = TransferConfig;
    type Payload = TransferPayload;

    fn spec() -> &'static LabSpec {
        &SPEC
    }

    fn python(config: &TransferConfig) -> String {
        python(config)
    }

    fn datasets(config: &TransferConfig) -> Vec<&'static str> {
        vec![config.task.task().dataset]
    }

    fn pretrained(config: &TransferConfig) -> Vec<&'static str> {
        match config.mode {
            Mode::Scratch => Vec::new(),
            _ => vec![config.task.task().base],
        }
    }

    fn new(config: TransferConfig, assets: &Assets) -> Result<Self, String> {
        let task = config.task.task();
        let data = assets.dataset(task.dataset)?;
        let specs = model_spec(&task);
        // The same seed gives every mode the same head (and scratch its random base).
        let mut model = Sequential::new([28, 28, 1], &specs, &mut Rng::new(config.seed))?;
        if config.mode != Mode::Scratch {
            checkpoint::load_layers(&mut model, 0..BASE_LAYERS, &assets.weights(task.base)?)?;
        }
        if config.mode == Mode::Frozen {
            for layer in 0..BASE_LAYERS {
                model.set_layer_trainable(layer, false)?;
            }
        }
        let adam = |learning_rate| {
            Optimizer::adam(AdamConfig {
                learning_rate,
                ..AdamConfig::default()
            })
        };
        let base_opt = (config.mode == Mode::FineTune).then(|| adam(config.base_learning_rate));
        let train = labelled(&data, task.classes, config.labels_per_class);
        let test: Vec<(usize, u8)> = (0..data.test.len())
            .filter_map(|i| {
                let l = data.test.labels[i];
                task.classes
                    .iter()
                    .position(|&c| c == l)
                    .map(|p| (i, p as u8))
            })
            .collect();
        Ok(Transfer {
            batch: 32.min(train.len()),
            head_opt: adam(config.learning_rate),
            base_opt,
            rng: Rng::new(config.seed ^ 0x9b05_688c),
            order: Vec::new(),
            pos: 0,
            step: 0,
            curve: Vec::new(),
            stopped: None,
            x: Vec::new(),
            y: Vec::new(),
            grad: Vec::new(),
            train,
            test,
            model,
            data,
            task,
            config,
        })
    }

    fn step(&mut self, budget: &mut Budget) -> Progress<TransferPayload> {
        let mut payload = TransferPayload::default();
        if self.curve.is_empty() {
            // Before any step: where each mode starts (a loaded base with a random head
            // is at chance, like a random network).
            payload.test = Some(self.evaluate());
            payload.layers = Some(self.layer_table());
        }
        while payload.test.is_none() && !self.is_done() && budget.more() {
            let loss = self.train_step();
            payload.losses.push(loss);
            self.check_loss(loss);
            if self.stopped.is_some() {
                break;
            }
            if self.step.is_multiple_of(EVAL_EVERY) || self.step == self.config.steps {
                payload.test = Some(self.evaluate());
            }
        }
        let steps = self.config.steps;
        Progress {
            phase: Phase::Train,
            step: self.step,
            total: steps,
            fraction: self.step as f64 / steps as f64,
            samples: (self.step * self.batch) as u64,
            done: self.is_done(),
            stopped: self.stopped.clone(),
            payload,
            pictures: Vec::new(),
        }
    }

    fn outcome(&self) -> Outcome {
        let last = self.curve.last().copied();
        let mut metrics = last.map(|p| numbers_of(&p, &["step"])).unwrap_or_default();
        if let Some(v) = metrics.remove("accuracy") {
            metrics.insert("test_accuracy".into(), v);
        }
        let layers = self.layer_table();
        let trainable: usize = layers
            .iter()
            .filter(|l| l.trainable)
            .map(|l| l.params)
            .sum();
        let total: usize = layers.iter().map(|l| l.params).sum();
        Outcome {
            metrics,
            weights_sha256: Some(self.model.weights_sha256()),
            param_count: Some(total),
            report: serde_json::json!({
                "mode": self.config.mode.name(),
                "task": self.config.task.name(),
                "labels_per_class": self.config.labels_per_class,
                "train_images": self.train.len(),
                "test_images": self.test.len(),
                "batch_size": self.batch,
                "curve": self.curve,
                "layers": layers,
                "trainable_params": trainable,
                "frozen_params": total - trainable,
            }),
        }
    }

    fn info(&self) -> RunInfo {
        let names = &self.data.classes;
        RunInfo {
            classes: self
                .task
                .classes
                .iter()
                .map(|&c| names[c as usize].clone())
                .collect(),
            param_count: Some(self.model.param_count()),
            layers: Vec::new(),
        }
    }

    fn weights(&self, info: &str) -> Option<Vec<u8>> {
        Some(checkpoint::save(&[("", &self.model)], info))
    }
}

/// Adam at `learning_rate` with Keras' other defaults (each of the lab's optimizers).
fn adam_at(learning_rate: f32) -> AdamConfig {
    AdamConfig {
        learning_rate,
        ..AdamConfig::default()
    }
}

/// One Adam with a second learning rate for the base (Keras has one optimizer per model).
const TWO_RATE_ADAM: &str = r#"class TwoRateAdam(keras.optimizers.Adam):
    """Adam with its own learning rate for the first `base_variables` variables (the
    base's). mlpad trains base and head with two Adams that step together; one Adam with
    two rates makes the same updates. It finds a variable's position the way Adam finds
    the variable's moments."""

    def __init__(self, base_variables, base_learning_rate, **kwargs):
        super().__init__(**kwargs)
        self.base_variables = base_variables
        self.base_learning_rate = base_learning_rate

    def update_step(self, gradient, variable, learning_rate):
        if self._get_variable_index(variable) < self.base_variables:
            learning_rate = self.base_learning_rate
        super().update_step(gradient, variable, learning_rate)
"#;

/// The lab as a Keras 3 script for the link's mode (the page's "show as code"): the same
/// base (mlpad's pretrained weights, or random for `scratch`), head, labelled images,
/// optimizers and number of steps; it prints the test accuracy.
pub fn python(config: &TransferConfig) -> String {
    let task = config.task.task();
    let specs = model_spec(&task);
    let (base_specs, head_specs) = specs.split_at(BASE_LAYERS);
    let pretrained = config.mode != Mode::Scratch;
    let base_title = crate::data::pretrained::asset(task.base).map_or(task.base, |a| &a.title);
    let what = match config.task {
        TaskChoice::Digits5To9 => "the digits 5-9",
        TaskChoice::Fashion => "Fashion-MNIST's ten classes",
        TaskChoice::Binary5Vs8 => "5 against 8 with one sigmoid unit",
    };
    let n = config.labels_per_class;
    let intro = python::comment(
        &match config.mode {
            Mode::Frozen => format!(
                "The transfer lab in Keras 3, mode frozen: a pretrained convolutional base \
                 ({base_title}) is frozen under a new head that learns {what} from {n} labelled \
                 images per class."
            ),
            Mode::FineTune => format!(
                "The transfer lab in Keras 3, mode fine_tune: a pretrained convolutional base \
                 ({base_title}) trains at its own, lower learning rate under a new head that \
                 learns {what} from {n} labelled images per class."
            ),
            Mode::Scratch => format!(
                "The transfer lab in Keras 3, mode scratch: the same network from random \
                 weights learns {what} from {n} labelled images per class (the baseline for \
                 transfer)."
            ),
            Mode::Snippet => format!(
                "The transfer lab in Keras 3, mode snippet: as the classic snippet does, a \
                 pretrained base ({base_title}) is loaded but not frozen, and one learning \
                 rate trains it and the new head on {what} from {n} labelled images per class."
            ),
        },
        0,
    );
    // Training the base again (without mlpad's files) needs the data it learnt from.
    let mut datasets = vec![task.dataset];
    let mut preludes = String::new();
    if pretrained {
        let base_data = crate::data::pretrained::asset(task.base).map_or("mnist", |a| &a.dataset);
        if !datasets.contains(&base_data) {
            datasets.push(base_data);
        }
        let prelude = python::pretrained_prelude(task.base);
        preludes.push_str(&format!("\n\n\n{}", prelude.trim_end()));
    }
    if config.mode == Mode::FineTune {
        preludes.push_str(&format!("\n\n\n{}", TWO_RATE_ADAM.trim_end()));
    }
    let mut base = String::new();
    if pretrained {
        base.push_str(&format!(
            "# mlpad's {} weights (read before seeding: training them again reseeds).\nweights = pretrained_weights(\"{}\")\n",
            task.base, task.base
        ));
    }
    base.push_str(&format!(
        "keras.utils.set_random_seed({})\n# The CNN lab's network up to its Flatten: the part that is transferred.\nbase = {}\n",
        config.seed,
        python::sequential("(28, 28, 1)", base_specs, Some("base"), 0)
    ));
    base.push_str(match config.mode {
        Mode::Frozen => {
            "set_weights(base, weights)\nbase.trainable = False  # frozen: only the head trains\n"
        }
        Mode::FineTune => "set_weights(base, weights)  # everything trains, the base more slowly\n",
        Mode::Scratch => "# From scratch: the base keeps its random initial weights.\n",
        Mode::Snippet => "set_weights(base, weights)  # as in the snippet: nothing is frozen\n",
    });
    // Keras puts the binary head's sigmoid in the layer; mlpad folds it into the loss.
    let mut head: Vec<String> = head_specs.iter().map(python::layer).collect();
    let loss = if task.binary {
        if let Some(LayerSpec::Dense { units, .. }) = head_specs.last() {
            *head.last_mut().expect("a head") =
                python::layer(&LayerSpec::dense(*units, Activation::Sigmoid));
        }
        "binary_crossentropy"
    } else {
        "sparse_categorical_crossentropy"
    };
    let mut entries = vec!["base".to_string()];
    entries.extend(head);
    let optimizer = if config.mode == Mode::FineTune {
        format!(
            "TwoRateAdam(\n        base_variables=len(base.trainable_variables),\n        base_learning_rate={},\n        {},\n    )",
            python::float32(config.base_learning_rate),
            python::adam_args(&adam_at(config.learning_rate), &crate::nn::Clip::default()).join(", ")
        )
    } else {
        python::adam(&adam_at(config.learning_rate), &crate::nn::Clip::default())
    };
    let steps = config.steps;
    let fit = if steps.is_multiple_of(EVAL_EVERY) {
        format!(
            "# The test images are scored every {EVAL_EVERY} steps, as the lab charts them.
model.fit(
    batches(),
    steps_per_epoch={EVAL_EVERY},
    epochs={},
    validation_data=(x_test, y_test),
    verbose=2,
)
",
            steps / EVAL_EVERY
        )
    } else {
        format!("model.fit(batches(), steps_per_epoch={steps}, epochs=1, verbose=2)\n")
    };
    let classes: Vec<i64> = task.classes.iter().map(|&c| i64::from(c)).collect();
    format!(
        r#"{intro}{note}
import gzip
import itertools
import json
import os

import keras
import numpy as np
from keras import layers

{data_prelude}{preludes}


(x_train, y_train), (x_test, y_test) = load("{dataset}")
classes = {classes}  # a class's new label is its position here
# The first {n} training images of each class, in file order (the same for every seed).
picked = np.concatenate([np.flatnonzero(y_train == c)[:{n}] for c in classes])
x = x_train[picked].reshape(-1, 28, 28, 1).astype("float32") / 255
y = np.searchsorted(classes, y_train[picked])
test = np.isin(y_test, classes)
x_test = x_test[test].reshape(-1, 28, 28, 1).astype("float32") / 255
y_test = np.searchsorted(classes, y_test[test])

{base}model = {model}
model.compile(
    optimizer={optimizer},
    loss="{loss}",
    metrics=["accuracy"],
)

# {steps} steps on batches of min(32, labelled images), from an endless stream of the
# labelled images reshuffled at every pass (a batch may span two passes), as in the lab.
batch_size = min(32, len(x))


def batches():
    order = itertools.chain.from_iterable(
        np.random.permutation(len(x)) for _ in itertools.count()
    )
    while True:
        i = list(itertools.islice(order, batch_size))
        yield x[i], y[i]


{fit}loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test_accuracy: {{accuracy:.4f}}")
"#,
        note = python::SAME_SETTINGS,
        data_prelude = python::data_prelude(&datasets, true).trim_end(),
        dataset = task.dataset,
        classes = python::ints(&classes),
        model = python::sequential_of(&entries, None, 0),
    )
}
