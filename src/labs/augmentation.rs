//! The augmentation lab: what random rotations, shifts, zooms and flips buy a small
//! network trained on few images, and when they hurt.
//!
//! A small CNN — Conv2D(16, 3×3, relu) → MaxPooling2D(2) → Flatten → Dense(64, relu) →
//! Dense(10, softmax) — trained with Adam on a small training set, with (`augment=on`) or
//! without (`augment=off`) `ImageDataGenerator`-style transforms drawn afresh for every
//! image of every batch. Each epoch reports train accuracy, test accuracy, and accuracy on
//! a fixed rotated-and-shifted copy of the test set, which is where augmentation shows.

use super::params::{self, OnOff};
use super::protocol::{Assets, Picture};
use super::python;
use super::training::{Callbacks, Nothing, Recipe, Trainer, TrainingConfig};
use crate::augment::{Augment, FillMode};
use crate::data::{Dataset, Split};
use crate::nn::adam::AdamConfig;
use crate::nn::{Activation, Clip, LayerSpec, Optimizer};
use crate::rng::Rng;
use crate::schema::{Config, FromConfig, Help, Kind, LabSpec, Param};
use ndarray::Array3;
use serde::Serialize;
use std::rc::Rc;

crate::choice_enum! {
    /// How pixels from outside the image are filled (Keras' `fill_mode`).
    pub enum Fill {
        /// The nearest edge pixel.
        Nearest = "nearest",
        /// `cval`.
        Constant = "constant",
        /// Mirrored about the edge.
        Reflect = "reflect",
        /// Wrapped around.
        Wrap = "wrap",
    }
}

/// A float parameter from `min` to `max` on a linear scale.
const fn linear(
    name: &'static str,
    max: f64,
    default: f64,
    en: &'static str,
    zh: &'static str,
) -> Param {
    Param::new(
        name,
        Kind::Float {
            min: 0.0,
            max,
            default,
            log: false,
        },
        Help { en, zh },
    )
}

/// The lab's parameter table.
pub static SPEC: LabSpec = LabSpec {
    // Shown up front when the lab is embedded in a page.
    essentials: &["rotation_range", "width_shift_range", "epochs"],
    compare: Some("augment"),
    ..LabSpec::new(
        "augmentation",
        Help { en: "Augmentation", zh: "数据增强" },
        &[
            params::SEED,
            params::DATASET,
            Param::new(
                "augment",
                Kind::Choice { choices: OnOff::NAMES, default: "on" },
                Help {
                    en: "Whether this run transforms its training images (the page runs both).",
                    zh: "本次运行是否对训练图片做变换（网页会同时运行两种）。",
                },
            ),
            linear("rotation_range", 180.0, 15.0, "Random rotation up to ± this many degrees.", "随机旋转，最多 ± 这么多度。"),
            linear("width_shift_range", 0.5, 0.1, "Random horizontal shift, as a fraction of the width.", "随机水平平移，按宽度的比例。"),
            linear("height_shift_range", 0.5, 0.1, "Random vertical shift, as a fraction of the height.", "随机垂直平移，按高度的比例。"),
            linear("zoom_range", 0.5, 0.1, "Random zoom between 1 − z and 1 + z on each axis.", "每个方向在 1 − z 到 1 + z 之间随机缩放。"),
            linear("shear_range", 45.0, 0.0, "Random shear up to ± this many degrees.", "随机错切，最多 ± 这么多度。"),
            Param::new(
                "horizontal_flip",
                Kind::Choice { choices: OnOff::NAMES, default: "off" },
                Help {
                    en: "Mirror half the images left to right: fine for a T-shirt, wrong for a 2 or a 7.",
                    zh: "把一半图片左右翻转：对 T 恤没问题，对数字 2 或 7 就错了。",
                },
            ),
            Param::new(
                "vertical_flip",
                Kind::Choice { choices: OnOff::NAMES, default: "off" },
                Help { en: "Turn half the images upside down.", zh: "把一半图片上下颠倒。" },
            ),
            Param::new(
                "fill_mode",
                Kind::Choice { choices: Fill::NAMES, default: "nearest" },
                Help {
                    en: "How pixels that come from outside the image are filled.",
                    zh: "来自图像外部的像素如何填充。",
                },
            ),
            linear("cval", 1.0, 0.0, "The value used by fill_mode=constant.", "fill_mode=constant 时使用的值。")
                .active_when("fill_mode", &["constant"]),
            params::EPOCHS.int_default_up_to(10, 50),
            params::BATCH_SIZE,
            params::ADAM_LEARNING_RATE,
            params::TRAIN_SIZE.int_default_up_to(1_000, 12_000).with_help(Help {
                en: "A small training set is where augmentation helps most.",
                zh: "训练集越小，数据增强的作用越大。",
            }),
        ],
    )
};

/// The lab's typed configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct AugmentationConfig {
    /// Seed, dataset, epochs, batch size, training images.
    pub training: TrainingConfig,
    /// Whether this run transforms its training batches.
    pub augment: bool,
    /// The transforms (used for previews whatever `augment` says).
    pub generator: Augment,
    /// Adam's step size.
    pub learning_rate: f32,
}

impl FromConfig for AugmentationConfig {
    fn from_config(c: &Config) -> Self {
        let on = |name: &str| c.choice::<OnOff>(name) == OnOff::On;
        AugmentationConfig {
            training: TrainingConfig::from_config(c),
            augment: on("augment"),
            generator: Augment {
                rotation_range: c.float("rotation_range"),
                width_shift_range: c.float("width_shift_range"),
                height_shift_range: c.float("height_shift_range"),
                shear_range: c.float("shear_range"),
                zoom_range: c.float("zoom_range"),
                horizontal_flip: on("horizontal_flip"),
                vertical_flip: on("vertical_flip"),
                fill_mode: match c.choice::<Fill>("fill_mode") {
                    Fill::Nearest => FillMode::Nearest,
                    Fill::Constant => FillMode::Constant,
                    Fill::Reflect => FillMode::Reflect,
                    Fill::Wrap => FillMode::Wrap,
                },
                cval: c.float("cval") as f32,
            },
            learning_rate: c.float("learning_rate") as f32,
        }
    }
}

/// The fixed perturbation of the "rotated and shifted" test set: the same for every run,
/// so runs compare on equal terms.
pub fn shifted_test_generator() -> Augment {
    Augment {
        rotation_range: 20.0,
        width_shift_range: 0.15,
        height_shift_range: 0.15,
        ..Augment::default()
    }
}

/// Seed of the perturbed test set's transforms.
pub const SHIFTED_SEED: u64 = 12_345;

/// A copy of `test` perturbed once by `shifted`, from a fixed seed (the same for every
/// run, so runs compare on equal terms).
fn perturbed(test: &Split, shifted: &Augment) -> Split {
    let (h, w) = (test.rows(), test.cols());
    let mut rng = Rng::new(SHIFTED_SEED);
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
    let images = Array3::from_shape_vec((test.len(), h, w), images).expect("h·w per image");
    Split::new(images, test.labels.clone()).expect("one label per image")
}

/// What each epoch adds: training accuracy and loss, and accuracy on the perturbed test set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Robustness {
    /// Accuracy on the training subset (untransformed images).
    pub train_accuracy: f64,
    /// Loss on the training subset.
    pub train_loss: f32,
    /// Accuracy on the rotated-and-shifted copy of the test set.
    pub shifted_accuracy: f64,
}

/// The augmentation lab's callbacks: transforms for every training image (from a generator
/// seeded apart from the weights and the shuffling) and the perturbed test set.
pub struct Augmentation {
    augment: Option<(Augment, Rng)>,
    shifted_test: Split,
    out: Vec<f32>,
}

impl Callbacks for Augmentation {
    type Steps = Nothing;
    type Epoch = Robustness;

    fn on_batch(&mut self, x: &mut [f32], h: usize, w: usize) {
        let Some((gen, rng)) = &mut self.augment else {
            return;
        };
        self.out.resize(h * w, 0.0);
        for img in x.chunks_exact_mut(h * w) {
            let t = gen.random_transform(rng, h, w);
            gen.apply(&t, img, h, w, &mut self.out);
            img.copy_from_slice(&self.out);
        }
    }

    fn on_epoch_end(&mut self, trainer: &mut Trainer) -> Robustness {
        let train = trainer.evaluate_train();
        Robustness {
            train_accuracy: train.accuracy,
            train_loss: train.loss,
            shifted_accuracy: trainer
                .evaluate(&self.shifted_test, self.shifted_test.len())
                .accuracy,
        }
    }
}

impl Recipe for Augmentation {
    type Config = AugmentationConfig;
    const PICTURES: bool = false;

    fn spec() -> &'static LabSpec {
        &SPEC
    }

    fn training(config: &AugmentationConfig) -> &TrainingConfig {
        &config.training
    }

    fn python(config: &AugmentationConfig) -> String {
        python(config)
    }

    fn build(
        config: &AugmentationConfig,
        data: Rc<Dataset>,
    ) -> Result<(Trainer, Augmentation), String> {
        let specs = model_spec(data.classes.len());
        let opt = Optimizer::adam(adam_config(config));
        let input = [data.train.rows(), data.train.cols(), 1];
        let shifted_test = perturbed(&data.test, &shifted_test_generator());
        let trainer = Trainer::new(&config.training, data, input, &specs, opt)?;
        let seed = config.training.seed;
        let augment = config
            .augment
            .then(|| (config.generator, Rng::new(seed ^ 0x0a06_3e47)));
        Ok((
            trainer,
            Augmentation {
                augment,
                shifted_test,
                out: Vec::new(),
            },
        ))
    }

    fn preview(config: &AugmentationConfig, data: &Assets, draw: u32) -> Result<Picture, String> {
        let data = data.dataset(config.training.dataset.name())?;
        Ok(preview(
            config,
            &data,
            PREVIEW_IMAGES,
            PREVIEW_VARIANTS,
            draw,
        ))
    }
}

/// Rows of the preview grid (training images) and random variants of each.
pub const PREVIEW_IMAGES: usize = 6;
/// Random variants per image in the preview.
pub const PREVIEW_VARIANTS: usize = 7;

/// A grid of the first `images` training images (first column) and `variants` random
/// transforms of each, as RGBA with 2-pixel gaps; `draw` picks a fresh, reproducible set.
pub fn preview(
    config: &AugmentationConfig,
    data: &Dataset,
    images: usize,
    variants: usize,
    draw: u32,
) -> Picture {
    let (h, w) = (data.train.rows(), data.train.cols());
    let gen = &config.generator;
    let mut rng = Rng::new((config.training.seed << 20) ^ draw as u64);
    let images = images.min(data.train.len());
    let (cols, rows) = (variants + 1, images);
    let (gw, gh) = (cols * (w + 2) + 2, rows * (h + 2) + 2);
    let mut rgba = vec![255u8; gw * gh * 4];
    let mut src = vec![0.0f32; h * w];
    let mut out = vec![0.0f32; h * w];
    for i in 0..images {
        for (s, &p) in src.iter_mut().zip(data.train.image(i)) {
            *s = p as f32 / 255.0;
        }
        for v in 0..cols {
            if v == 0 {
                out.copy_from_slice(&src);
            } else {
                let t = gen.random_transform(&mut rng, h, w);
                gen.apply(&t, &src, h, w, &mut out);
            }
            let (ox, oy) = (2 + v * (w + 2), 2 + i * (h + 2));
            for r in 0..h {
                for c in 0..w {
                    let g = (out[r * w + c].clamp(0.0, 1.0) * 255.0).round() as u8;
                    let o = ((oy + r) * gw + ox + c) * 4;
                    rgba[o..o + 4].copy_from_slice(&[g, g, g, 255]);
                }
            }
        }
    }
    Picture {
        key: "preview".into(),
        width: gw,
        height: gh,
        rgba,
    }
}

/// The small CNN the lab trains.
pub fn model_spec(classes: usize) -> Vec<LayerSpec> {
    vec![
        LayerSpec::conv2d(16, 3, Activation::Relu),
        LayerSpec::MaxPooling2D { pool_size: 2 },
        LayerSpec::Flatten,
        LayerSpec::dense(64, Activation::Relu),
        LayerSpec::dense(classes, Activation::Softmax),
    ]
}

/// Adam at the link's learning rate (Keras' other defaults).
pub fn adam_config(config: &AugmentationConfig) -> AdamConfig {
    AdamConfig {
        learning_rate: config.learning_rate,
        ..AdamConfig::default()
    }
}

/// Keras 3's random preprocessing layers nearest to `gen`'s transforms (Keras 3 has no
/// ImageDataGenerator), each with `seed` when given; empty when every transform is off.
pub fn keras_layers(gen: &Augment, seed: Option<u64>) -> Vec<String> {
    let mut fill = format!(
        "fill_mode=\"{}\"",
        match gen.fill_mode {
            FillMode::Nearest => "nearest",
            FillMode::Constant => "constant",
            FillMode::Reflect => "reflect",
            FillMode::Wrap => "wrap",
        }
    );
    if gen.fill_mode == FillMode::Constant {
        fill.push_str(&format!(", fill_value={}", python::float32(gen.cval)));
    }
    let seed = seed.map_or(String::new(), |s| format!(", seed={s}"));
    let mut out = Vec::new();
    if gen.rotation_range > 0.0 {
        // Keras' factor is a fraction of a full turn.
        out.push(format!(
            "layers.RandomRotation({} / 360, {fill}{seed})",
            python::float(gen.rotation_range)
        ));
    }
    if gen.height_shift_range > 0.0 || gen.width_shift_range > 0.0 {
        out.push(format!(
            "layers.RandomTranslation({}, {}, {fill}{seed})",
            python::float(gen.height_shift_range),
            python::float(gen.width_shift_range)
        ));
    }
    if gen.zoom_range > 0.0 {
        let z = python::float(gen.zoom_range);
        out.push(format!("layers.RandomZoom({z}, {z}, {fill}{seed})"));
    }
    if gen.shear_range > 0.0 {
        // ImageDataGenerator shears by an angle; RandomShear by the shift per unit of
        // height, which for that angle is its sine.
        out.push(format!(
            "layers.RandomShear(x_factor=np.sin(np.radians({})), {fill}{seed})",
            python::float(gen.shear_range)
        ));
    }
    let flip = match (gen.horizontal_flip, gen.vertical_flip) {
        (true, true) => Some("horizontal_and_vertical"),
        (true, false) => Some("horizontal"),
        (false, true) => Some("vertical"),
        (false, false) => None,
    };
    if let Some(mode) = flip {
        out.push(format!("layers.RandomFlip(\"{mode}\"{seed})"));
    }
    out
}

/// The lab as a Keras 3 script for the link's `augment`: the same small CNN, data subset,
/// Adam and epochs, the transforms as Keras' random layers inside the model (so they act
/// only while training), and the lab's rotated-and-shifted test copy; it prints train,
/// test and shifted-test accuracy.
pub fn python(config: &AugmentationConfig) -> String {
    let t = &config.training;
    let classes =
        crate::data::assets::dataset_assets(t.dataset.name()).map_or(10, |a| a.classes.len());
    let transforms = keras_layers(&config.generator, None);
    let mut entries = vec!["keras.Input((28, 28, 1))".to_string()];
    let augment = if !config.augment {
        "# augment=off: the baseline, trained on the images as they are.\n".to_string()
    } else if transforms.is_empty() {
        "# augment=on, but every transform is off: the images stay as they are.\n".to_string()
    } else {
        entries.push("augment".into());
        format!(
            "# Random transforms drawn afresh for every image of every batch. Keras 3 has no
# ImageDataGenerator; these layers are its nearest equivalent and act only in training.
# They resample the image once each where ImageDataGenerator composes one affine map,
# and RandomShear shears about the corner, so the images are close to mlpad's, not equal.
augment = {}
",
            python::sequential_of(&transforms, Some("augment"), 0)
        )
    };
    entries.extend(model_spec(classes).iter().map(python::layer));
    let shifted = python::sequential_of(
        &keras_layers(&shifted_test_generator(), Some(SHIFTED_SEED)),
        None,
        0,
    );
    format!(
        r#"# The augmentation lab in Keras 3: a small CNN trained on few images, with or without
# random rotations, shifts, zooms and flips of its training images.
{note}
import gzip
import os

import keras
import numpy as np
from keras import layers

{prelude}

{data}
keras.utils.set_random_seed({seed})
{augment}model = {model}
{compile}{fit}
# The lab's rotated-and-shifted copy of the test images, drawn once from a fixed seed.
shift = {shifted}
x_shifted = keras.ops.convert_to_numpy(shift(x_test, training=True))

_, train_accuracy = model.evaluate(x_train, y_train, verbose=0)
_, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
_, shifted_accuracy = model.evaluate(x_shifted, y_test, verbose=0)
print(f"train_accuracy: {{train_accuracy:.4f}}")
print(f"test_accuracy: {{test_accuracy:.4f}}")
print(f"shifted_accuracy: {{shifted_accuracy:.4f}}")
"#,
        note = python::SAME_SETTINGS,
        prelude = python::data_prelude(&[t.dataset.name()], true),
        data = python::training_data(t, false),
        seed = t.seed,
        model = python::sequential_of(&entries, None, 0),
        compile = python::compile(&python::adam(&adam_config(config), &Clip::default())),
        fit = python::fit(t, ""),
    )
}
