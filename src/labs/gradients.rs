//! The gradients lab: why deep networks stop learning (vanishing gradients) or blow up
//! (exploding gradients), and what fixes each.
//!
//! A deep MLP on flattened images: `depth` × Dense(`width`, activation, initializer)
//! [→ BatchNormalization] → Dense(10, softmax), trained with SGD or Adam with optional
//! `clipnorm`. Every step records each layer's gradient L2 norm and update/weight ratio,
//! and a run stops with the step and layer where gradients became non-finite.

use super::schema::{Config, Help, Kind, LabSpec, Param, Preset};
use super::trainer::{self, Run};
use crate::data::Dataset;
use crate::nn::adam::AdamConfig;
use crate::nn::sgd::SgdConfig;
use crate::nn::{Activation, Clip, Initializer, LayerSpec, Optimizer};
use std::rc::Rc;

/// The lab's parameter table.
pub const SPEC: LabSpec = LabSpec {
    id: "gradients",
    title: Help { en: "Vanishing and exploding gradients", zh: "梯度消失与梯度爆炸" },
    params: &[
        trainer::SEED,
        trainer::DATASET,
        Param {
            name: "depth",
            kind: Kind::Int { min: 1, max: 20, default: 10 },
            help: Help { en: "Hidden Dense layers stacked before the output layer.", zh: "输出层之前堆叠的隐藏全连接层数。" },
        },
        Param {
            name: "width",
            kind: Kind::Int { min: 4, max: 128, default: 32 },
            help: Help { en: "Units in each hidden layer.", zh: "每个隐藏层的神经元数。" },
        },
        Param {
            name: "activation",
            kind: Kind::Choice { choices: &["sigmoid", "tanh", "relu", "leaky_relu", "linear"], default: "relu" },
            help: Help {
                en: "Sigmoid and tanh squash large inputs, so their slope, and the gradient passed back, shrinks.",
                zh: "sigmoid 和 tanh 会压缩较大的输入，斜率变小，反向传回的梯度也随之变小。",
            },
        },
        Param {
            name: "kernel_initializer",
            kind: Kind::Choice {
                choices: &["random_normal", "random_uniform", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal"],
                default: "he_normal",
            },
            help: Help {
                en: "How the weights start. He suits relu, Glorot suits tanh/sigmoid; random_* use init_stddev whatever the layer size.",
                zh: "权重的初始方式。He 适合 relu，Glorot 适合 tanh/sigmoid；random_* 不管层大小，都使用 init_stddev。",
            },
        },
        Param {
            name: "init_stddev",
            kind: Kind::Float { min: 1e-4, max: 10.0, default: 0.05, log: true },
            help: Help {
                en: "Spread of random_normal (its stddev) and random_uniform (its half-width).",
                zh: "random_normal 的标准差，或 random_uniform 的半宽。",
            },
        },
        Param {
            name: "batch_norm",
            kind: Kind::Choice { choices: &["off", "on"], default: "off" },
            help: Help {
                en: "BatchNormalization after every hidden layer keeps each layer's inputs at a steady scale.",
                zh: "在每个隐藏层后加入 BatchNormalization，让每层输入保持稳定的尺度。",
            },
        },
        Param {
            name: "optimizer",
            kind: Kind::Choice { choices: &["sgd", "adam"], default: "sgd" },
            help: Help {
                en: "Plain SGD shows raw gradient sizes; Adam rescales each step and hides some of the problem.",
                zh: "普通 SGD 直接体现梯度大小；Adam 会重新缩放每一步，掩盖部分问题。",
            },
        },
        Param {
            name: "learning_rate",
            kind: Kind::Float { min: 1e-5, max: 10.0, default: 0.1, log: true },
            help: Help { en: "Step size of the optimizer.", zh: "优化器的步长。" },
        },
        Param {
            name: "clipnorm",
            kind: Kind::Float { min: 0.0, max: 100.0, default: 0.0, log: false },
            help: Help {
                en: "Caps each tensor's gradient norm before the update (Keras clipnorm); 0 turns it off.",
                zh: "更新前限制每个张量的梯度范数（Keras 的 clipnorm）；0 表示关闭。",
            },
        },
        Param {
            name: "epochs",
            kind: Kind::Int { min: 1, max: 20, default: 3 },
            help: Help { en: "Passes over the training images.", zh: "遍历训练集的轮数。" },
        },
        Param {
            name: "batch_size",
            kind: Kind::Int { min: 1, max: 512, default: 64 },
            help: Help { en: "Images per gradient step.", zh: "每次梯度更新使用的图片数。" },
        },
        Param {
            name: "train_size",
            kind: Kind::Int { min: 100, max: 12_000, default: 12_000 },
            help: Help { en: "How many of the first training images to use.", zh: "使用训练集中前多少张图片。" },
        },
    ],
    presets: &[
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
    ],
};

fn initializer(config: &Config) -> Initializer {
    let s = config.float("init_stddev") as f32;
    match config.choice("kernel_initializer") {
        "random_normal" => Initializer::RandomNormal {
            mean: 0.0,
            stddev: s,
        },
        "random_uniform" => Initializer::RandomUniform {
            minval: -s,
            maxval: s,
        },
        "glorot_normal" => Initializer::GlorotNormal,
        "he_normal" => Initializer::HeNormal,
        "he_uniform" => Initializer::HeUniform,
        "lecun_normal" => Initializer::LecunNormal,
        _ => Initializer::GlorotUniform,
    }
}

fn activation(config: &Config) -> Activation {
    match config.choice("activation") {
        "sigmoid" => Activation::Sigmoid,
        "tanh" => Activation::Tanh,
        "leaky_relu" => Activation::LeakyRelu,
        "linear" => Activation::Linear,
        _ => Activation::Relu,
    }
}

/// The deep MLP a config describes.
pub fn model_spec(config: &Config, classes: usize) -> Vec<LayerSpec> {
    let init = initializer(config);
    let mut specs = Vec::new();
    for _ in 0..config.int("depth") {
        specs.push(LayerSpec::Dense {
            units: config.int("width") as usize,
            activation: activation(config),
            kernel_initializer: init,
            kernel_regularizer: None,
        });
        if config.choice("batch_norm") == "on" {
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

/// Builds a run of the gradients lab from a checked config.
pub fn build(config: Config, data: Rc<Dataset>) -> Result<Run, String> {
    let lr = config.float("learning_rate") as f32;
    let opt = match config.choice("optimizer") {
        "adam" => Optimizer::adam(AdamConfig {
            learning_rate: lr,
            ..AdamConfig::default()
        }),
        _ => Optimizer::sgd(SgdConfig {
            learning_rate: lr,
            ..SgdConfig::default()
        }),
    };
    let clipnorm = config.float("clipnorm") as f32;
    let opt = opt.with_clip(Clip {
        clipnorm: (clipnorm > 0.0).then_some(clipnorm),
        ..Clip::default()
    });
    let input = [1, 1, data.train.rows * data.train.cols];
    let specs = model_spec(&config, data.classes.len());
    Run::new(config, data, input, &specs, opt, true)
}
