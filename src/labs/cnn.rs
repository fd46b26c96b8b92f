//! The CNN lab: the classic Keras MNIST convnet, trained with Adam on the bundled subset.
//!
//! Conv2D(32, 3×3, relu) → MaxPooling2D(2) → Conv2D(64, 3×3, relu) → MaxPooling2D(2) →
//! Conv2D(64, 3×3, relu) → Flatten → Dense(64, relu) → Dense(10, softmax);
//! `categorical_crossentropy`, Adam, pixels scaled to [0, 1], training data shuffled every
//! epoch (as Keras' `fit` does), test accuracy measured after each epoch.

use super::schema::{Config, Help, Kind, LabSpec, Param};
use super::trainer::{self, Run};
use crate::data::Dataset;
use crate::nn::adam::AdamConfig;
use crate::nn::{Activation, LayerSpec, Optimizer};
use std::rc::Rc;

/// The lab's parameter table.
pub const SPEC: LabSpec = LabSpec {
    id: "cnn",
    title: Help {
        en: "Convolutional network",
        zh: "卷积神经网络",
    },
    presets: &[],
    params: &[
        trainer::SEED,
        trainer::DATASET,
        trainer::EPOCHS,
        trainer::BATCH_SIZE,
        trainer::ADAM_LEARNING_RATE,
        Param {
            name: "train_size",
            kind: Kind::Int {
                min: 100,
                max: 12_000,
                default: 12_000,
            },
            help: Help {
                en: "How many of the first training images to use.",
                zh: "使用训练集中前多少张图片。",
            },
        },
    ],
};

/// The Keras MNIST CNN.
pub fn model_spec(classes: usize) -> Vec<LayerSpec> {
    let conv = |filters| LayerSpec::conv2d(filters, 3, Activation::Relu);
    vec![
        conv(32),
        LayerSpec::MaxPooling2D { pool_size: 2 },
        conv(64),
        LayerSpec::MaxPooling2D { pool_size: 2 },
        conv(64),
        LayerSpec::Flatten,
        LayerSpec::dense(64, Activation::Relu),
        LayerSpec::dense(classes, Activation::Softmax),
    ]
}

/// Builds a run of the CNN lab from a checked config.
pub fn build(config: Config, data: Rc<Dataset>) -> Result<Run, String> {
    let opt = Optimizer::adam(AdamConfig {
        learning_rate: config.float("learning_rate") as f32,
        ..AdamConfig::default()
    });
    let input = [data.train.rows, data.train.cols, 1];
    let specs = model_spec(data.classes.len());
    Run::new(config, data, input, &specs, opt, false)
}
