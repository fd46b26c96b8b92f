//! The augmentation lab: what random rotations, shifts, zooms and flips buy a small
//! network trained on few images, and when they hurt.
//!
//! A small CNN — Conv2D(16, 3×3, relu) → MaxPooling2D(2) → Flatten → Dense(64, relu) →
//! Dense(10, softmax) — trained with Adam on a small training set, with (`augment=on`) or
//! without (`augment=off`) `ImageDataGenerator`-style transforms drawn afresh for every
//! image of every batch. Each epoch reports train accuracy, test accuracy, and accuracy on
//! a fixed rotated-and-shifted copy of the test set, which is where augmentation shows.

use super::schema::{Config, Help, Kind, LabSpec, Param};
use super::trainer::{self, Run};
use crate::augment::{Augment, FillMode};
use crate::data::Dataset;
use crate::nn::adam::AdamConfig;
use crate::nn::{Activation, LayerSpec, Optimizer};
use std::rc::Rc;

/// The two runs the page compares, in display order.
pub const VARIANTS: [&str; 2] = ["off", "on"];

const ON_OFF: &[&str] = &["off", "on"];

/// The lab's parameter table.
pub const SPEC: LabSpec = LabSpec {
    id: "augmentation",
    title: Help { en: "Data augmentation", zh: "数据增强" },
    presets: &[],
    params: &[
        trainer::SEED,
        trainer::DATASET,
        Param {
            name: "augment",
            kind: Kind::Choice { choices: &VARIANTS, default: "on" },
            help: Help {
                en: "Whether this run transforms its training images (the page runs both).",
                zh: "本次运行是否对训练图片做变换（网页会同时运行两种）。",
            },
        },
        Param {
            name: "rotation_range",
            kind: Kind::Float { min: 0.0, max: 180.0, default: 15.0, log: false },
            help: Help { en: "Random rotation up to ± this many degrees.", zh: "随机旋转，最多 ± 这么多度。" },
        },
        Param {
            name: "width_shift_range",
            kind: Kind::Float { min: 0.0, max: 0.5, default: 0.1, log: false },
            help: Help { en: "Random horizontal shift, as a fraction of the width.", zh: "随机水平平移，按宽度的比例。" },
        },
        Param {
            name: "height_shift_range",
            kind: Kind::Float { min: 0.0, max: 0.5, default: 0.1, log: false },
            help: Help { en: "Random vertical shift, as a fraction of the height.", zh: "随机垂直平移，按高度的比例。" },
        },
        Param {
            name: "zoom_range",
            kind: Kind::Float { min: 0.0, max: 0.5, default: 0.1, log: false },
            help: Help { en: "Random zoom between 1 − z and 1 + z on each axis.", zh: "每个方向在 1 − z 到 1 + z 之间随机缩放。" },
        },
        Param {
            name: "shear_range",
            kind: Kind::Float { min: 0.0, max: 45.0, default: 0.0, log: false },
            help: Help { en: "Random shear up to ± this many degrees.", zh: "随机错切，最多 ± 这么多度。" },
        },
        Param {
            name: "horizontal_flip",
            kind: Kind::Choice { choices: ON_OFF, default: "off" },
            help: Help {
                en: "Mirror half the images left to right: fine for a T-shirt, wrong for a 2 or a 7.",
                zh: "把一半图片左右翻转：对 T 恤没问题，对数字 2 或 7 就错了。",
            },
        },
        Param {
            name: "vertical_flip",
            kind: Kind::Choice { choices: ON_OFF, default: "off" },
            help: Help { en: "Turn half the images upside down.", zh: "把一半图片上下颠倒。" },
        },
        Param {
            name: "fill_mode",
            kind: Kind::Choice { choices: &["nearest", "constant", "reflect", "wrap"], default: "nearest" },
            help: Help {
                en: "How pixels that come from outside the image are filled.",
                zh: "来自图像外部的像素如何填充。",
            },
        },
        Param {
            name: "cval",
            kind: Kind::Float { min: 0.0, max: 1.0, default: 0.0, log: false },
            help: Help { en: "The value used by fill_mode=constant.", zh: "fill_mode=constant 时使用的值。" },
        },
        Param {
            name: "epochs",
            kind: Kind::Int { min: 1, max: 50, default: 10 },
            help: Help { en: "Passes over the training images.", zh: "遍历训练集的轮数。" },
        },
        trainer::BATCH_SIZE,
        trainer::ADAM_LEARNING_RATE,
        Param {
            name: "train_size",
            kind: Kind::Int { min: 100, max: 12_000, default: 1_000 },
            help: Help { en: "A small training set is where augmentation helps most.", zh: "训练集越小，数据增强的作用越大。" },
        },
    ],
};

/// The transforms a config describes (used whatever `augment` says, e.g. for previews).
pub fn generator(config: &Config) -> Augment {
    Augment {
        rotation_range: config.float("rotation_range"),
        width_shift_range: config.float("width_shift_range"),
        height_shift_range: config.float("height_shift_range"),
        shear_range: config.float("shear_range"),
        zoom_range: config.float("zoom_range"),
        horizontal_flip: config.choice("horizontal_flip") == "on",
        vertical_flip: config.choice("vertical_flip") == "on",
        fill_mode: match config.choice("fill_mode") {
            "constant" => FillMode::Constant,
            "reflect" => FillMode::Reflect,
            "wrap" => FillMode::Wrap,
            _ => FillMode::Nearest,
        },
        cval: config.float("cval") as f32,
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

/// Builds a run of the augmentation lab from a checked config.
pub fn build(config: Config, data: Rc<Dataset>) -> Result<Run, String> {
    let specs = [
        LayerSpec::conv2d(16, 3, Activation::Relu),
        LayerSpec::MaxPooling2D { pool_size: 2 },
        LayerSpec::Flatten,
        LayerSpec::dense(64, Activation::Relu),
        LayerSpec::dense(data.classes.len(), Activation::Softmax),
    ];
    let opt = Optimizer::adam(AdamConfig {
        learning_rate: config.float("learning_rate") as f32,
        ..AdamConfig::default()
    });
    let input = [data.train.rows, data.train.cols, 1];
    let augment = (config.choice("augment") == "on").then(|| generator(&config));
    Ok(Run::new(config, data, input, &specs, opt, false)?
        .compare_train()
        .with_augmentation(augment, shifted_test_generator()))
}

/// A grid of the first `images` training images (first column) and `variants` random
/// transforms of each, as RGBA with 2-pixel gaps; `draw` picks a fresh, reproducible set.
pub fn preview(
    config: &Config,
    data: &Dataset,
    images: usize,
    variants: usize,
    draw: u32,
) -> (usize, usize, Vec<u8>) {
    let (h, w) = (data.train.rows, data.train.cols);
    let gen = generator(config);
    let mut rng = crate::rng::Rng::new(((config.int("seed") as u64) << 20) ^ draw as u64);
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
    (gw, gh, rgba)
}
