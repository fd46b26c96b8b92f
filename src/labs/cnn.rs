//! The CNN lab: the classic Keras MNIST convnet, trained with Adam on the bundled subset.
//!
//! Conv2D(32, 3×3, relu) → MaxPooling2D(2) → Conv2D(64, 3×3, relu) → MaxPooling2D(2) →
//! Conv2D(64, 3×3, relu) → Flatten → Dense(64, relu) → Dense(10, softmax);
//! `categorical_crossentropy`, Adam, pixels scaled to [0, 1], training data shuffled every
//! epoch (as Keras' `fit` does), test accuracy measured after each epoch.

use super::params;
use super::training::{Callbacks, Nothing, Recipe, Trainer, TrainingConfig};
use crate::data::Dataset;
use crate::nn::adam::AdamConfig;
use crate::nn::{Activation, LayerSpec, Optimizer};
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

    fn build(config: &CnnConfig, data: Rc<Dataset>) -> Result<(Trainer, Cnn), String> {
        let opt = Optimizer::adam(AdamConfig {
            learning_rate: config.learning_rate,
            ..AdamConfig::default()
        });
        let input = [data.train.rows(), data.train.cols(), 1];
        let specs = model_spec(data.classes.len());
        Ok((
            Trainer::new(&config.training, data, input, &specs, opt)?,
            Cnn,
        ))
    }
}
