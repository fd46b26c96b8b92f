//! The regularization lab: what L1 and L2 do to a network that overfits.
//!
//! The seed's model 784 → Dense(64, relu, kernel_regularizer) → Dense(10, softmax),
//! trained with Adam on a small training set (1,000 images by default) for many epochs, so
//! training accuracy runs ahead of test accuracy. `variant` picks the penalty on the first
//! layer's kernel: none, l1, l2 or l1_l2 at the strengths `l1` and `l2`; the page runs all
//! four side by side (the table's `compare`) and the CLI runs the one the link names. Each
//! epoch reports train and test loss/accuracy and a histogram of the first kernel, whose
//! near-zero fraction shows L1's sparsity.

use super::params;
use super::python;
use super::training::{Callbacks, Recipe, Trainer, TrainingConfig};
use crate::data::Dataset;
use crate::nn::adam::AdamConfig;
use crate::nn::loss::BatchLoss;
use crate::nn::{Activation, Initializer, LayerSpec, Optimizer, Regularizer, Sequential};
use crate::schema::{Config, FromConfig, Help, Kind, LabSpec, Param};
use serde::Serialize;
use std::rc::Rc;

crate::choice_enum! {
    /// The penalty on the first layer's kernel.
    pub enum Variant {
        /// No penalty.
        None = "none",
        /// λ₁·Σ|w|.
        L1 = "l1",
        /// λ₂·Σw².
        L2 = "l2",
        /// Both.
        L1L2 = "l1_l2",
    }
}

/// A penalty strength λ (Keras' default 0.001), explored on a log scale.
const fn strength(name: &'static str, en: &'static str, zh: &'static str) -> Param {
    let kind = Kind::Float {
        min: 1e-6,
        max: 0.1,
        default: 0.001,
        log: true,
    };
    Param::new(name, kind, Help { en, zh })
}

/// The lab's parameter table.
pub static SPEC: LabSpec = LabSpec {
    // Shown up front when the lab is embedded in a page.
    essentials: &["l1", "l2", "epochs"],
    compare: Some("variant"),
    ..LabSpec::new(
        "regularization",
        Help {
            en: "L1 / L2",
            zh: "L1 / L2 正则化",
        },
        &[
            params::SEED,
            params::DATASET,
            Param::new(
                "variant",
                Kind::Choice {
                    choices: Variant::NAMES,
                    default: "none",
                },
                Help {
                    en: "Which penalty this run puts on the first layer's kernel (the page runs all four).",
                    zh: "本次运行对第一层权重施加哪种惩罚（网页会同时运行全部四种）。",
                },
            ),
            strength(
                "l1",
                "Strength of the L1 penalty λ₁·Σ|w|: it pushes weights to exactly zero.",
                "L1 惩罚 λ₁·Σ|w| 的强度：它把权重推向恰好为零。",
            ),
            strength(
                "l2",
                "Strength of the L2 penalty λ₂·Σw²: it shrinks all weights, large ones most.",
                "L2 惩罚 λ₂·Σw² 的强度：它让所有权重变小，越大的权重收缩越多。",
            ),
            Param::new(
                "units",
                Kind::Int {
                    min: 8,
                    max: 256,
                    default: 64,
                },
                Help {
                    en: "Units in the hidden Dense layer.",
                    zh: "隐藏全连接层的神经元数。",
                },
            ),
            params::EPOCHS.int_default_up_to(30, 100),
            params::BATCH_SIZE,
            params::ADAM_LEARNING_RATE,
            params::TRAIN_SIZE
                .int_default_up_to(1_000, 12_000)
                .with_help(Help {
                    en: "A small training set makes overfitting visible.",
                    zh: "训练集越小，过拟合越明显。",
                }),
        ],
    )
};

/// The lab's typed configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct RegularizationConfig {
    /// Seed, dataset, epochs, batch size, training images.
    pub training: TrainingConfig,
    /// Which penalty.
    pub variant: Variant,
    /// L1 strength.
    pub l1: f32,
    /// L2 strength.
    pub l2: f32,
    /// Hidden units.
    pub units: usize,
    /// Adam's step size.
    pub learning_rate: f32,
}

impl FromConfig for RegularizationConfig {
    fn from_config(c: &Config) -> Self {
        RegularizationConfig {
            training: TrainingConfig::from_config(c),
            variant: c.choice("variant"),
            l1: c.float("l1") as f32,
            l2: c.float("l2") as f32,
            units: c.count("units"),
            learning_rate: c.float("learning_rate") as f32,
        }
    }
}

impl RegularizationConfig {
    /// The network: Dense(`units`, relu) with the penalty on its kernel, then the output.
    pub fn model_spec(&self, classes: usize) -> Vec<LayerSpec> {
        vec![
            LayerSpec::Dense {
                units: self.units,
                activation: Activation::Relu,
                kernel_initializer: Initializer::GlorotUniform,
                kernel_regularizer: self.regularizer(),
            },
            LayerSpec::dense(classes, Activation::Softmax),
        ]
    }

    /// Adam at the link's learning rate (Keras' other defaults).
    pub fn adam(&self) -> AdamConfig {
        AdamConfig {
            learning_rate: self.learning_rate,
            ..AdamConfig::default()
        }
    }

    /// The penalty `variant` selects.
    pub fn regularizer(&self) -> Option<Regularizer> {
        let (l1, l2) = (self.l1, self.l2);
        match self.variant {
            Variant::None => None,
            Variant::L1 => Some(Regularizer::L1 { l1 }),
            Variant::L2 => Some(Regularizer::L2 { l2 }),
            Variant::L1L2 => Some(Regularizer::L1L2 { l1, l2 }),
        }
    }
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
}

/// Weights smaller than this in magnitude count as "zero" in the sparsity figure.
pub const NEAR_ZERO: f32 = 1e-3;
/// Bins of the kernel histogram.
const BINS: usize = 60;
/// Its range: ±this.
const RANGE: f32 = 0.3;

/// Histogram of `values` over `[-range, range]` in `bins` bins, and the fraction with
/// |w| < [`NEAR_ZERO`].
pub fn kernel_histogram(values: &[f32], bins: usize, range: f32) -> (KernelHistogram, f64) {
    let mut counts = vec![0u32; bins];
    let mut near = 0usize;
    for &w in values {
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
    let hist = KernelHistogram {
        lo: -range,
        hi: range,
        counts,
    };
    (hist, near as f64 / values.len().max(1) as f64)
}

/// The penalty of each step since the last report (only when there is one).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Penalties {
    /// Per step, the weight penalty added to the loss.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub penalties: Vec<f32>,
}

/// What each epoch adds: the training subset's accuracy and loss, and the first kernel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrainVsTest {
    /// Accuracy on the training subset.
    pub train_accuracy: f64,
    /// Loss on the training subset (data loss only).
    pub train_loss: f32,
    /// Fraction of first-layer weights with |w| < [`NEAR_ZERO`] (L1's sparsity).
    pub near_zero: f64,
    /// Histogram of the first layer's kernel.
    pub kernel_histogram: KernelHistogram,
}

/// The regularization lab's callbacks.
pub struct Regularization {
    has_penalty: bool,
}

impl Callbacks for Regularization {
    type Steps = Penalties;
    type Epoch = TrainVsTest;

    fn on_step(&mut self, _model: &Sequential, out: &BatchLoss, steps: &mut Penalties) {
        if self.has_penalty {
            steps.penalties.push(out.penalty);
        }
    }

    fn on_epoch_end(&mut self, trainer: &mut Trainer) -> TrainVsTest {
        let train = trainer.evaluate_train();
        let kernel = trainer.model().params().next().expect("a first layer");
        let (kernel_histogram, near_zero) = kernel_histogram(&kernel.value, BINS, RANGE);
        TrainVsTest {
            train_accuracy: train.accuracy,
            train_loss: train.loss,
            near_zero,
            kernel_histogram,
        }
    }
}

impl Recipe for Regularization {
    type Config = RegularizationConfig;
    const PICTURES: bool = false;

    fn spec() -> &'static LabSpec {
        &SPEC
    }

    fn training(config: &RegularizationConfig) -> &TrainingConfig {
        &config.training
    }

    fn python(config: &RegularizationConfig) -> String {
        python(config)
    }

    fn build(
        config: &RegularizationConfig,
        data: Rc<Dataset>,
    ) -> Result<(Trainer, Regularization), String> {
        let specs = config.model_spec(data.classes.len());
        let opt = Optimizer::adam(config.adam());
        let input = [1, 1, data.train.rows() * data.train.cols()];
        let trainer = Trainer::new(&config.training, data, input, &specs, opt)?;
        let has_penalty = config.regularizer().is_some();
        Ok((trainer, Regularization { has_penalty }))
    }
}

/// The lab as a Keras 3 script for the link's `variant`: the same network and penalty,
/// data subset, Adam and epochs; it prints train and test accuracy and the first kernel's
/// near-zero share.
pub fn python(config: &RegularizationConfig) -> String {
    let t = &config.training;
    let classes =
        crate::data::assets::dataset_assets(t.dataset.name()).map_or(10, |a| a.classes.len());
    let what = match config.variant {
        Variant::None => "no penalty (the baseline the page compares with)",
        Variant::L1 => "an L1 penalty on its first kernel",
        Variant::L2 => "an L2 penalty on its first kernel",
        Variant::L1L2 => "L1 and L2 penalties on its first kernel",
    };
    format!(
        r#"# The regularization lab in Keras 3: a small network trained for many epochs on few
# images, so it overfits, with {what}.
{note}
import gzip
import os

import keras
import numpy as np
from keras import layers

{prelude}

{data}
keras.utils.set_random_seed({seed})
model = {model}
{compile}{fit}
# Keras' losses include the penalty while mlpad reports the data loss alone, so compare
# the accuracies.
_, train_accuracy = model.evaluate(x_train, y_train, verbose=0)
_, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"train_accuracy: {{train_accuracy:.4f}}")
print(f"test_accuracy: {{test_accuracy:.4f}}")
# L1's sparsity: the share of first-layer weights within {near_zero} of zero.
kernel = model.layers[0].get_weights()[0]
print(f"near_zero: {{np.mean(np.abs(kernel) < {near_zero}):.4f}}")
"#,
        note = python::SAME_SETTINGS,
        prelude = python::data_prelude(&[t.dataset.name()], true),
        data = python::training_data(t, true),
        seed = t.seed,
        model = python::sequential("(784,)", &config.model_spec(classes), None, 0),
        compile = python::compile(&python::adam(&config.adam(), &crate::nn::Clip::default())),
        fit = python::fit(t, ""),
        near_zero = python::float32(NEAR_ZERO),
    )
}
