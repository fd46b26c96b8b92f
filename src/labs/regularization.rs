//! The regularization lab: what L1 and L2 do to a network that overfits.
//!
//! The seed's model 784 → Dense(64, relu, kernel_regularizer) → Dense(10, softmax),
//! trained with Adam on a small training set (1,000 images by default) for many epochs, so
//! training accuracy runs ahead of test accuracy. `variant` picks the penalty on the first
//! layer's kernel: none, l1, l2 or l1_l2 at the strengths `l1` and `l2`; the page runs all
//! four side by side (one worker per core) and the CLI runs the one the link names. Each
//! epoch reports train and test loss/accuracy and a histogram of the first kernel, whose
//! near-zero fraction shows L1's sparsity.

use super::schema::{Config, Help, Kind, LabSpec, Param};
use super::trainer::{self, Run};
use crate::data::Dataset;
use crate::nn::adam::AdamConfig;
use crate::nn::{Activation, Initializer, LayerSpec, Optimizer, Regularizer};
use std::rc::Rc;

/// The penalties the lab compares, in display order.
pub const VARIANTS: [&str; 4] = ["none", "l1", "l2", "l1_l2"];

/// The lab's parameter table.
pub const SPEC: LabSpec = LabSpec {
    id: "regularization",
    title: Help { en: "L1 and L2 regularization", zh: "L1 与 L2 正则化" },
    presets: &[],
    params: &[
        trainer::SEED,
        trainer::DATASET,
        Param {
            name: "variant",
            kind: Kind::Choice { choices: &VARIANTS, default: "none" },
            help: Help {
                en: "Which penalty this run puts on the first layer's kernel (the page runs all four).",
                zh: "本次运行对第一层权重施加哪种惩罚（网页会同时运行全部四种）。",
            },
        },
        Param {
            name: "l1",
            kind: Kind::Float { min: 1e-6, max: 0.1, default: 0.001, log: true },
            help: Help {
                en: "Strength of the L1 penalty λ₁·Σ|w|: it pushes weights to exactly zero.",
                zh: "L1 惩罚 λ₁·Σ|w| 的强度：它把权重推向恰好为零。",
            },
        },
        Param {
            name: "l2",
            kind: Kind::Float { min: 1e-6, max: 0.1, default: 0.001, log: true },
            help: Help {
                en: "Strength of the L2 penalty λ₂·Σw²: it shrinks all weights, large ones most.",
                zh: "L2 惩罚 λ₂·Σw² 的强度：它让所有权重变小，越大的权重收缩越多。",
            },
        },
        Param {
            name: "units",
            kind: Kind::Int { min: 8, max: 256, default: 64 },
            help: Help { en: "Units in the hidden Dense layer.", zh: "隐藏全连接层的神经元数。" },
        },
        Param {
            name: "epochs",
            kind: Kind::Int { min: 1, max: 100, default: 30 },
            help: Help { en: "Passes over the training images.", zh: "遍历训练集的轮数。" },
        },
        trainer::BATCH_SIZE,
        trainer::ADAM_LEARNING_RATE,
        Param {
            name: "train_size",
            kind: Kind::Int { min: 100, max: 12_000, default: 1_000 },
            help: Help {
                en: "A small training set makes overfitting visible.",
                zh: "训练集越小，过拟合越明显。",
            },
        },
    ],
};

/// The penalty a config's `variant` selects.
pub fn regularizer(config: &Config) -> Option<Regularizer> {
    let (l1, l2) = (config.float("l1") as f32, config.float("l2") as f32);
    match config.choice("variant") {
        "l1" => Some(Regularizer::L1 { l1 }),
        "l2" => Some(Regularizer::L2 { l2 }),
        "l1_l2" => Some(Regularizer::L1L2 { l1, l2 }),
        _ => None,
    }
}

/// Builds a run of the regularization lab from a checked config.
pub fn build(config: Config, data: Rc<Dataset>) -> Result<Run, String> {
    let specs = [
        LayerSpec::Dense {
            units: config.int("units") as usize,
            activation: Activation::Relu,
            kernel_initializer: Initializer::GlorotUniform,
            kernel_regularizer: regularizer(&config),
        },
        LayerSpec::dense(data.classes.len(), Activation::Softmax),
    ];
    let opt = Optimizer::adam(AdamConfig {
        learning_rate: config.float("learning_rate") as f32,
        ..AdamConfig::default()
    });
    let input = [1, 1, data.train.rows * data.train.cols];
    Ok(Run::new(config, data, input, &specs, opt, false)?.compare_train())
}
