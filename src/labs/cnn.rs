//! The CNN lab: the classic Keras MNIST convnet, trained with Adam on the bundled subset.
//!
//! Conv2D(32, 3×3, relu) → MaxPooling2D(2) → Conv2D(64, 3×3, relu) → MaxPooling2D(2) →
//! Conv2D(64, 3×3, relu) → Flatten → Dense(64, relu) → Dense(10, softmax);
//! `categorical_crossentropy`, Adam, pixels scaled to [0, 1], training data shuffled every
//! epoch (as Keras' `fit` does), test accuracy measured after each epoch.

use super::params;
use super::python;
use super::training::{Callbacks, Nothing, Recipe, Trainer, TrainingConfig};
use crate::data::{assets, Dataset};
use crate::nn::adam::AdamConfig;
use crate::nn::{Activation, Clip, LayerSpec, Optimizer};
use crate::schema::{Config, FromConfig, Help, LabSpec};
use std::rc::Rc;

/// The lab's parameter table.
pub static SPEC: LabSpec = LabSpec {
    // Shown up front when the lab is embedded in a page.
    essentials: &["dataset", "epochs", "train_size"],
    ..LabSpec::new(
        "cnn",
        Help {
            en: "CNN",
            zh: "卷积网络",
        },
        &[
            params::SEED,
            params::DATASET,
            params::EPOCHS,
            params::BATCH_SIZE,
            params::ADAM_LEARNING_RATE,
            params::TRAIN_SIZE,
            // Added with the transfer lab's bases; links from before it keep their text.
            params::CLASSES.omitted_at_default(),
        ],
    )
};

/// The lab's typed configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct CnnConfig {
    /// Seed, dataset, epochs, batch size, training images.
    pub training: TrainingConfig,
    /// Adam's step size.
    pub learning_rate: f32,
}

impl FromConfig for CnnConfig {
    fn from_config(c: &Config) -> Self {
        CnnConfig {
            training: TrainingConfig::from_config(c),
            learning_rate: c.float("learning_rate") as f32,
        }
    }
}

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

/// The CNN lab: nothing beyond the shared loop.
pub struct Cnn;

impl Callbacks for Cnn {
    type Steps = Nothing;
    type Epoch = Nothing;

    fn on_epoch_end(&mut self, _trainer: &mut Trainer) -> Nothing {
        Nothing {}
    }
}

impl Recipe for Cnn {
    type Config = CnnConfig;

    fn spec() -> &'static LabSpec {
        &SPEC
    }

    fn training(config: &CnnConfig) -> &TrainingConfig {
        &config.training
    }

    fn python(config: &CnnConfig) -> String {
        python(config)
    }

    fn build(config: &CnnConfig, data: Rc<Dataset>) -> Result<(Trainer, Cnn), String> {
        let opt = Optimizer::adam(adam_config(config));
        let input = [data.train.rows(), data.train.cols(), 1];
        let specs = model_spec(data.classes.len());
        Ok((
            Trainer::new(&config.training, data, input, &specs, opt)?,
            Cnn,
        ))
    }
}

/// Adam as the lab sets it: the link's learning rate, Keras' other defaults.
pub fn adam_config(config: &CnnConfig) -> AdamConfig {
    AdamConfig {
        learning_rate: config.learning_rate,
        ..AdamConfig::default()
    }
}

/// The network for `config`'s dataset as a Keras `Sequential` expression (for a statement
/// at `indent` spaces).
pub fn keras_model(config: &CnnConfig, indent: usize) -> String {
    let classes =
        assets::dataset_assets(config.training.dataset.name()).map_or(10, |a| a.classes.len());
    python::sequential("(28, 28, 1)", &model_spec(classes), None, indent)
}

/// Keras lines that load the lab's data, then build, compile and fit `model` as the lab
/// trains it (the evaluate lab's CNN is this too).
pub fn keras_training(config: &CnnConfig) -> String {
    let t = &config.training;
    format!(
        "{data}\nkeras.utils.set_random_seed({seed})\nmodel = {model}\n{compile}{fit}",
        data = python::training_data(t, false),
        seed = t.seed,
        model = keras_model(config, 0),
        compile = python::compile(&python::adam(&adam_config(config), &Clip::default())),
        fit = python::fit(t, ""),
    )
}

/// The lab as a Keras 3 script: the same network, data subset, optimizer and epochs; it
/// prints the test accuracy and loss.
pub fn python(config: &CnnConfig) -> String {
    format!(
        r#"# The CNN lab in Keras 3: the classic MNIST convnet trained with Adam.
{note}
import gzip
import os

import keras
import numpy as np
from keras import layers

{prelude}

{training}
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test_accuracy: {{accuracy:.4f}}")
print(f"test_loss: {{loss:.4f}}")
"#,
        note = python::SAME_SETTINGS,
        prelude = python::data_prelude(&[config.training.dataset.name()], true),
        training = keras_training(config),
    )
}
