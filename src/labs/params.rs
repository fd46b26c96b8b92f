//! Parameters several labs share, declared once: a lab lists them in its table, changing
//! a default or range where its experiment needs it (`int_default_up_to`, `with_help`).

use crate::schema::{Help, Kind, Param};

crate::choice_enum! {
    /// The bundled datasets (their manifest names).
    pub enum DatasetChoice {
        /// Handwritten digits.
        Mnist = "mnist",
        /// Clothing photos.
        FashionMnist = "fashion_mnist",
    }
}

crate::choice_enum! {
    /// A switch.
    pub enum OnOff {
        /// Off.
        Off = "off",
        /// On.
        On = "on",
    }
}

/// `seed`: the initial weights and the shuffling.
pub const SEED: Param = Param::new(
    "seed",
    Kind::Int {
        min: 0,
        max: 4_294_967_295,
        default: 42,
    },
    Help {
        en: "Seeds the initial weights and the shuffling; the same seed replays the same run.",
        zh: "决定初始权重与数据打乱顺序；相同的种子会得到完全相同的结果。",
    },
);

/// `dataset`: which bundled images to learn from.
pub const DATASET: Param = Param::new(
    "dataset",
    Kind::Choice {
        choices: DatasetChoice::NAMES,
        default: "mnist",
    },
    Help {
        en: "Handwritten digits (MNIST) or clothing photos (Fashion-MNIST).",
        zh: "手写数字（MNIST）或服饰图片（Fashion-MNIST）。",
    },
);

/// `batch_size` with Keras' default 32.
pub const BATCH_SIZE: Param = Param::new(
    "batch_size",
    Kind::Int {
        min: 1,
        max: 512,
        default: 32,
    },
    Help {
        en: "Images per gradient step.",
        zh: "每次梯度更新使用的图片数。",
    },
);

/// Adam's `learning_rate` with Keras' default 0.001.
pub const ADAM_LEARNING_RATE: Param = Param::new(
    "learning_rate",
    Kind::Float {
        min: 1e-5,
        max: 1.0,
        default: 0.001,
        log: true,
    },
    Help {
        en: "Adam's step size; too large and training diverges.",
        zh: "Adam 的步长；过大会导致训练发散。",
    },
);

/// `epochs`: passes over the training images (one by default, at most 20).
pub const EPOCHS: Param = Param::new(
    "epochs",
    Kind::Int {
        min: 1,
        max: 20,
        default: 1,
    },
    Help {
        en: "Passes over the training images.",
        zh: "遍历训练集的轮数。",
    },
);

/// `classes`: which classes to learn (empty: all).
pub const CLASSES: Param = Param::new(
    "classes",
    Kind::IntList {
        max_len: 10,
        default: "",
    },
    Help {
        en: "Which classes to learn and test on, e.g. 0,1,2,3,4; empty means all ten.",
        zh: "要学习和测试的类别，例如 0,1,2,3,4；留空表示全部十个类别。",
    },
);

/// `train_size`: how many of the bundled training images to learn from (all by default).
pub const TRAIN_SIZE: Param = Param::new(
    "train_size",
    Kind::Int {
        min: 100,
        max: 12_000,
        default: 12_000,
    },
    Help {
        en: "How many of the first training images to use.",
        zh: "使用训练集中前多少张图片。",
    },
);
