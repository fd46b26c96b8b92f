//! The gradients lab: why deep networks stop learning (vanishing gradients) or blow up
//! (exploding gradients), and what fixes each.
//!
//! A deep MLP on flattened images: `depth` × Dense(`width`, activation, initializer)
//! [→ BatchNormalization] → Dense(10, softmax), trained with SGD or Adam with optional
//! `clipnorm`. Every step records each layer's gradient L2 norm and update/weight ratio,
//! and a run stops with the step and layer where gradients became non-finite.

use super::params::{self, OnOff};
use super::python;
use super::training::{Callbacks, Nothing, Recipe, Trainer, TrainingConfig};
use crate::data::Dataset;
use crate::nn::adam::AdamConfig;
use crate::nn::loss::BatchLoss;
use crate::nn::sgd::SgdConfig;
use crate::nn::{Activation, Clip, Initializer, LayerSpec, Optimizer, Sequential};
use crate::schema::{Config, FromConfig, Help, Kind, LabSpec, Param, Preset};
use serde::Serialize;
use std::rc::Rc;

crate::choice_enum! {
    /// The hidden layers' activation.
    pub enum HiddenActivation {
        /// Logistic sigmoid.
        Sigmoid = "sigmoid",
        /// Hyperbolic tangent.
        Tanh = "tanh",
        /// Rectified linear unit.
        Relu = "relu",
        /// Leaky ReLU with slope 0.2 below zero.
        LeakyRelu = "leaky_relu",
        /// Identity.
        Linear = "linear",
    }
}

crate::choice_enum! {
    /// How the kernels start (Keras' initializer names).
    pub enum KernelInit {
        /// Normal with `init_stddev`.
        RandomNormal = "random_normal",
        /// Uniform in ±`init_stddev`.
        RandomUniform = "random_uniform",
        /// Keras' default.
        GlorotUniform = "glorot_uniform",
        /// Glorot, normal.
        GlorotNormal = "glorot_normal",
        /// He, normal (suits relu).
        HeNormal = "he_normal",
        /// He, uniform.
        HeUniform = "he_uniform",
        /// LeCun, normal.
        LecunNormal = "lecun_normal",
    }
}

crate::choice_enum! {
    /// The optimizer.
    pub enum OptimizerChoice {
        /// Plain stochastic gradient descent.
        Sgd = "sgd",
        /// Adam.
        Adam = "adam",
    }
}

/// The lab's parameter table.
pub static SPEC: LabSpec = LabSpec {
    // Shown up front when the lab is embedded in a page.
    essentials: &["depth", "activation", "kernel_initializer", "batch_norm"],
    presets: PRESETS,
    ..LabSpec::new(
        "gradients",
        Help { en: "Gradients", zh: "梯度消失与爆炸" },
        &[
            params::SEED,
            params::DATASET,
            Param::new(
                "depth",
                Kind::Int { min: 1, max: 20, default: 10 },
                Help { en: "Hidden Dense layers stacked before the output layer.", zh: "输出层之前堆叠的隐藏全连接层数。" },
            ),
            Param::new(
                "width",
                Kind::Int { min: 4, max: 128, default: 32 },
                Help { en: "Units in each hidden layer.", zh: "每个隐藏层的神经元数。" },
            ),
            Param::new(
                "activation",
                Kind::Choice { choices: HiddenActivation::NAMES, default: "relu" },
                Help {
                    en: "Sigmoid and tanh squash large inputs, so their slope, and the gradient passed back, shrinks.",
                    zh: "sigmoid 和 tanh 会压缩较大的输入，斜率变小，反向传回的梯度也随之变小。",
                },
            ),
            Param::new(
                "kernel_initializer",
                Kind::Choice { choices: KernelInit::NAMES, default: "he_normal" },
                Help {
                    en: "How the weights start. He suits relu, Glorot suits tanh/sigmoid; random_* use init_stddev whatever the layer size.",
                    zh: "权重的初始方式。He 适合 relu，Glorot 适合 tanh/sigmoid；random_* 不管层大小，都使用 init_stddev。",
                },
            ),
            Param::new(
                "init_stddev",
                Kind::Float { min: 1e-4, max: 10.0, default: 0.05, log: true },
                Help {
                    en: "Spread of random_normal (its stddev) and random_uniform (its half-width).",
                    zh: "random_normal 的标准差，或 random_uniform 的半宽。",
                },
            )
            .active_when("kernel_initializer", &["random_normal", "random_uniform"]),
            Param::new(
                "batch_norm",
                Kind::Choice { choices: OnOff::NAMES, default: "off" },
                Help {
                    en: "BatchNormalization after every hidden layer keeps each layer's inputs at a steady scale.",
                    zh: "在每个隐藏层后加入 BatchNormalization，让每层输入保持稳定的尺度。",
                },
            ),
            Param::new(
                "optimizer",
                Kind::Choice { choices: OptimizerChoice::NAMES, default: "sgd" },
                Help {
                    en: "Plain SGD shows raw gradient sizes; Adam rescales each step and hides some of the problem.",
                    zh: "普通 SGD 直接体现梯度大小；Adam 会重新缩放每一步，掩盖部分问题。",
                },
            ),
            Param::new(
                "learning_rate",
                Kind::Float { min: 1e-5, max: 10.0, default: 0.1, log: true },
                Help { en: "Step size of the optimizer.", zh: "优化器的步长。" },
            ),
            Param::new(
                "clipnorm",
                Kind::Float { min: 0.0, max: 100.0, default: 0.0, log: false },
                Help {
                    en: "Caps each tensor's gradient norm before the update (Keras clipnorm); 0 turns it off.",
                    zh: "更新前限制每个张量的梯度范数（Keras 的 clipnorm）；0 表示关闭。",
                },
            ),
            params::EPOCHS.int_default_up_to(3, 20),
            params::BATCH_SIZE.int_default_up_to(64, 512),
            params::TRAIN_SIZE,
        ],
    )
};

/// One-click textbook cases.
const PRESETS: &[Preset] = &[
        Preset {
            id: "vanishing",
            title: Help { en: "Vanishing", zh: "梯度消失" },
            help: Help {
                en: "Sigmoid with small random_normal weights: each layer multiplies the gradient by well under 1, so the first layers barely learn.",
                zh: "sigmoid 加上很小的 random_normal 权重：每层都让梯度乘上远小于 1 的数，前面几层几乎学不到东西。",
            },
            values: &[("activation", "sigmoid"), ("kernel_initializer", "random_normal"), ("init_stddev", "0.05"), ("batch_norm", "off"), ("optimizer", "sgd"), ("learning_rate", "0.1"), ("clipnorm", "0")],
        },
        Preset {
            id: "vanishing_fixed",
            title: Help { en: "…fixed", zh: "……修复" },
            help: Help {
                en: "relu with he_normal weights and BatchNormalization: gradients keep the same size through every layer.",
                zh: "relu 配合 he_normal 权重与 BatchNormalization：梯度在每一层都保持相近的大小。",
            },
            values: &[("activation", "relu"), ("kernel_initializer", "he_normal"), ("batch_norm", "on"), ("optimizer", "sgd"), ("learning_rate", "0.1"), ("clipnorm", "0")],
        },
        Preset {
            id: "exploding",
            title: Help { en: "Exploding", zh: "梯度爆炸" },
            help: Help {
                en: "relu with large random_normal weights and a high learning rate, no clipping: gradients grow layer by layer until they overflow.",
                zh: "relu 配合很大的 random_normal 权重和较高的学习率，且不裁剪：梯度逐层放大，直到溢出。",
            },
            values: &[("activation", "relu"), ("kernel_initializer", "random_normal"), ("init_stddev", "1"), ("batch_norm", "off"), ("optimizer", "sgd"), ("learning_rate", "0.1"), ("clipnorm", "0")],
        },
        Preset {
            id: "exploding_fixed",
            title: Help { en: "…fixed", zh: "……修复" },
            help: Help {
                en: "The same high learning rate, but he_normal weights sized to each layer, BatchNormalization and clipnorm=1: every update stays bounded and the network learns.",
                zh: "同样较高的学习率，但使用按层大小缩放的 he_normal 权重、BatchNormalization 和 clipnorm=1：每次更新都有上限，网络得以正常学习。",
            },
            values: &[("activation", "relu"), ("kernel_initializer", "he_normal"), ("batch_norm", "on"), ("optimizer", "sgd"), ("learning_rate", "0.1"), ("clipnorm", "1")],
        },
];

/// The lab's typed configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientsConfig {
    /// Seed, dataset, epochs, batch size, training images.
    pub training: TrainingConfig,
    /// Hidden layers.
    pub depth: usize,
    /// Units per hidden layer.
    pub width: usize,
    /// Hidden activation.
    pub activation: HiddenActivation,
    /// Kernel initializer.
    pub kernel_initializer: KernelInit,
    /// Spread of the random_* initializers.
    pub init_stddev: f32,
    /// BatchNormalization after each hidden layer.
    pub batch_norm: bool,
    /// SGD or Adam.
    pub optimizer: OptimizerChoice,
    /// Step size.
    pub learning_rate: f32,
    /// Keras' clipnorm; 0 is off.
    pub clipnorm: f32,
}

impl FromConfig for GradientsConfig {
    fn from_config(c: &Config) -> Self {
        GradientsConfig {
            training: TrainingConfig::from_config(c),
            depth: c.count("depth"),
            width: c.count("width"),
            activation: c.choice("activation"),
            kernel_initializer: c.choice("kernel_initializer"),
            init_stddev: c.float("init_stddev") as f32,
            batch_norm: c.choice::<OnOff>("batch_norm") == OnOff::On,
            optimizer: c.choice("optimizer"),
            learning_rate: c.float("learning_rate") as f32,
            clipnorm: c.float("clipnorm") as f32,
        }
    }
}

impl GradientsConfig {
    fn initializer(&self) -> Initializer {
        let s = self.init_stddev;
        match self.kernel_initializer {
            KernelInit::RandomNormal => Initializer::RandomNormal {
                mean: 0.0,
                stddev: s,
            },
            KernelInit::RandomUniform => Initializer::RandomUniform {
                minval: -s,
                maxval: s,
            },
            KernelInit::GlorotUniform => Initializer::GlorotUniform,
            KernelInit::GlorotNormal => Initializer::GlorotNormal,
            KernelInit::HeNormal => Initializer::HeNormal,
            KernelInit::HeUniform => Initializer::HeUniform,
            KernelInit::LecunNormal => Initializer::LecunNormal,
        }
    }

    /// Adam at the link's learning rate (Keras' other defaults).
    fn adam(&self) -> AdamConfig {
        AdamConfig {
            learning_rate: self.learning_rate,
            ..AdamConfig::default()
        }
    }

    /// Plain SGD at the link's learning rate.
    fn sgd(&self) -> SgdConfig {
        SgdConfig {
            learning_rate: self.learning_rate,
            ..SgdConfig::default()
        }
    }

    /// Keras' clipnorm when set (0 is off).
    fn clip(&self) -> Clip {
        Clip {
            clipnorm: (self.clipnorm > 0.0).then_some(self.clipnorm),
            ..Clip::default()
        }
    }

    fn activation(&self) -> Activation {
        match self.activation {
            HiddenActivation::Sigmoid => Activation::Sigmoid,
            HiddenActivation::Tanh => Activation::Tanh,
            HiddenActivation::Relu => Activation::Relu,
            HiddenActivation::LeakyRelu => Activation::LeakyRelu,
            HiddenActivation::Linear => Activation::Linear,
        }
    }

    /// The deep MLP this config describes.
    pub fn model_spec(&self, classes: usize) -> Vec<LayerSpec> {
        let init = self.initializer();
        let mut specs = Vec::new();
        for _ in 0..self.depth {
            specs.push(LayerSpec::Dense {
                units: self.width,
                activation: self.activation(),
                kernel_initializer: init,
                kernel_regularizer: None,
            });
            if self.batch_norm {
                specs.push(LayerSpec::BatchNormalization);
            }
        }
        specs.push(LayerSpec::Dense {
            units: classes,
            activation: Activation::Softmax,
            kernel_initializer: init,
            kernel_regularizer: None,
        });
        specs
    }
}

/// Per step, each layer with weights: its gradient norm and how much the step moved it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LayerSteps {
    /// Per step, each trainable layer's gradient L2 norm (input side first).
    pub grad_norms: Vec<Vec<f32>>,
    /// Per step, each trainable layer's update/weight ratio.
    pub update_ratios: Vec<Vec<f32>>,
}

/// The gradients lab: records every layer's statistics at every step.
pub struct Gradients;

impl Callbacks for Gradients {
    type Steps = LayerSteps;
    type Epoch = Nothing;

    fn on_step(&mut self, model: &Sequential, _out: &BatchLoss, steps: &mut LayerSteps) {
        if let Some(stats) = model.layer_stats() {
            steps
                .grad_norms
                .push(stats.iter().map(|s| s.grad_norm).collect());
            steps
                .update_ratios
                .push(stats.iter().map(|s| s.update_ratio).collect());
        }
    }

    fn on_epoch_end(&mut self, _trainer: &mut Trainer) -> Nothing {
        Nothing {}
    }
}

impl Recipe for Gradients {
    type Config = GradientsConfig;

    fn spec() -> &'static LabSpec {
        &SPEC
    }

    fn training(config: &GradientsConfig) -> &TrainingConfig {
        &config.training
    }

    fn python(config: &GradientsConfig) -> String {
        python(config)
    }

    fn build(config: &GradientsConfig, data: Rc<Dataset>) -> Result<(Trainer, Gradients), String> {
        let opt = match config.optimizer {
            OptimizerChoice::Adam => Optimizer::adam(config.adam()),
            OptimizerChoice::Sgd => Optimizer::sgd(config.sgd()),
        };
        let opt = opt.with_clip(config.clip());
        let input = [1, 1, data.train.rows() * data.train.cols()];
        let specs = config.model_spec(data.classes.len());
        let mut trainer = Trainer::new(&config.training, data, input, &specs, opt)?;
        trainer.model_mut().record_stats(true);
        Ok((trainer, Gradients))
    }
}

/// The lab as a Keras 3 script: the same deep MLP (layers, initializers, BatchNormalization),
/// optimizer, clipping, data and epochs; it prints the test accuracy and loss.
pub fn python(config: &GradientsConfig) -> String {
    let t = &config.training;
    let classes =
        crate::data::assets::dataset_assets(t.dataset.name()).map_or(10, |a| a.classes.len());
    let specs = config.model_spec(classes);
    // The spec is `depth` equal hidden blocks (Dense, and BatchNormalization when on), then
    // the output layer: a loop says that more plainly than a long list.
    let block = specs.len().saturating_sub(1) / config.depth.max(1);
    let (hidden, output) = specs.split_at(specs.len() - 1);
    debug_assert!(hidden.chunks(block.max(1)).all(|b| b == &hidden[..block]));
    let mut model = String::from("model = keras.Sequential([keras.Input((784,))])\n");
    model.push_str(&format!(
        "for _ in range({}):  # the hidden layers\n",
        config.depth
    ));
    for spec in &hidden[..block] {
        model.push_str(&format!("    model.add({})\n", python::layer(spec)));
    }
    model.push_str(&format!("model.add({})\n", python::layer(&output[0])));
    let optimizer = match config.optimizer {
        OptimizerChoice::Adam => python::adam(&config.adam(), &config.clip()),
        OptimizerChoice::Sgd => python::sgd(&config.sgd(), &config.clip()),
    };
    format!(
        r#"# The gradients lab in Keras 3: a deep MLP on flattened images, where gradients
# vanish or explode depending on the activation, the initializer and BatchNormalization.
{note}
import gzip
import os

import keras
import numpy as np
from keras import layers

{prelude}

{data}
keras.utils.set_random_seed({seed})
{model}{compile}{fit}
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test_accuracy: {{accuracy:.4f}}")
print(f"test_loss: {{loss:.4f}}")
"#,
        note = python::SAME_SETTINGS,
        prelude = python::data_prelude(&[t.dataset.name()], true),
        data = python::training_data(t, true),
        seed = t.seed,
        compile = python::compile(&optimizer),
        fit = python::fit(
            t,
            "    # mlpad too stops a run once its loss is no longer finite.\n    \
             callbacks=[keras.callbacks.TerminateOnNaN()],\n",
        ),
    )
}
