//! "Show as code": the pieces every lab's Python generator shares, so a lab's file only
//! says what its script does. Numbers are written so Python reads back the value the lab
//! uses; Keras layers come from the labs' own [`LayerSpec`] lists (the code cannot drift
//! from the model); the data prelude reads mlpad's bundled files when `MLPAD_DATA` names
//! their folder and otherwise takes the same first images from `keras.datasets`; mlpad's
//! pretrained weights are read from their safetensors files, or trained again from the
//! link that made them when the files are not at hand.
//!
//! The scripts use the settings of the link, not mlpad's random draws (its generator is its
//! own), so a script's accuracy lands near the page's rather than on it.

use super::cnn::{self, CnnConfig};
use super::training::TrainingConfig;
use super::REGISTRY;
use crate::data::{assets, pretrained};
use crate::nn::adam::AdamConfig;
use crate::nn::sgd::SgdConfig;
use crate::nn::{Activation, Clip, Initializer, LayerSpec, Regularizer};
use crate::schema::FromConfig;
use std::fmt::{Display, LowerExp};

/// The note every script with random weights carries, once.
pub const SAME_SETTINGS: &str = "\
# Same settings as the lab, not the same random draws (mlpad seeds its own generator),
# so expect results near the page's, not equal to them.";

/// Shortest text that reads back as `x` (f32 or f64), as Python source: exponents for
/// very small or large magnitudes, `.0` on whole numbers, `float("nan")` and friends.
fn number<T: Display + LowerExp + Into<f64> + Copy>(x: T) -> String {
    let v: f64 = x.into();
    if v.is_nan() {
        return "float(\"nan\")".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "float(\"inf\")"
        } else {
            "-float(\"inf\")"
        }
        .into();
    }
    // Decide on the shortest decimal form, so an f32 0.0001 reads like the f64 one.
    let s = x.to_string();
    let a = s.parse::<f64>().unwrap_or(v).abs();
    if a != 0.0 && !(1e-4..1e16).contains(&a) {
        return format!("{x:e}");
    }
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// A float64 value as Python source that reads back exactly.
pub fn float(x: f64) -> String {
    number(x)
}

/// A float32 value as Python source that reads back to the same float32 (Keras casts
/// hyperparameters and weights to float32).
pub fn float32(x: f32) -> String {
    number(x)
}

/// A Python list literal, wrapped before `width` columns with continuation lines indented
/// by `indent` spaces plus four.
pub fn list<T: Display>(items: &[T], indent: usize, width: usize) -> String {
    let mut out = String::from("[");
    let mut col = indent + 1;
    for (i, item) in items.iter().enumerate() {
        let text = item.to_string();
        let sep = if i == 0 { "" } else { ", " };
        if i > 0 && col + sep.len() + text.len() + 1 > width {
            out.push_str(",\n");
            out.push_str(&" ".repeat(indent + 4));
            col = indent + 4;
        } else {
            out.push_str(sep);
            col += sep.len();
        }
        out.push_str(&text);
        col += text.len();
    }
    out.push(']');
    out
}

/// A short list of ints on one line, e.g. `[0, 1, 2]`.
pub fn ints(items: &[i64]) -> String {
    list(items, 0, usize::MAX)
}

/// Keras' name of an activation; `None` for linear (Keras' default).
pub fn activation(a: Activation) -> Option<&'static str> {
    match a {
        Activation::Linear => None,
        Activation::Relu => Some("relu"),
        // Keras' default negative_slope is 0.2, mlpad's too.
        Activation::LeakyRelu => Some("leaky_relu"),
        Activation::Sigmoid => Some("sigmoid"),
        Activation::Tanh => Some("tanh"),
        Activation::Softmax => Some("softmax"),
    }
}

/// A `kernel_initializer` argument; `None` for glorot_uniform (Keras' default). Each layer
/// gets its own instance: a Keras 3 initializer instance draws the same values every call.
pub fn initializer(i: Initializer) -> Option<String> {
    let name = |n: &str| Some(format!("\"{n}\""));
    match i {
        Initializer::GlorotUniform => None,
        Initializer::RandomNormal { mean, stddev } => Some(if mean == 0.0 && stddev == 0.05 {
            "\"random_normal\"".into()
        } else if mean == 0.0 {
            format!(
                "keras.initializers.RandomNormal(stddev={})",
                float32(stddev)
            )
        } else {
            format!(
                "keras.initializers.RandomNormal(mean={}, stddev={})",
                float32(mean),
                float32(stddev)
            )
        }),
        Initializer::RandomUniform { minval, maxval } => {
            Some(if minval == -0.05 && maxval == 0.05 {
                "\"random_uniform\"".into()
            } else {
                format!(
                    "keras.initializers.RandomUniform({}, {})",
                    float32(minval),
                    float32(maxval)
                )
            })
        }
        Initializer::GlorotNormal => name("glorot_normal"),
        Initializer::HeNormal => name("he_normal"),
        Initializer::HeUniform => name("he_uniform"),
        Initializer::LecunNormal => name("lecun_normal"),
        Initializer::Zeros => name("zeros"),
    }
}

/// A `kernel_regularizer` argument.
pub fn regularizer(r: Regularizer) -> String {
    match r {
        Regularizer::L1 { l1 } => format!("keras.regularizers.L1({})", float32(l1)),
        Regularizer::L2 { l2 } => format!("keras.regularizers.L2({})", float32(l2)),
        Regularizer::L1L2 { l1, l2 } => format!(
            "keras.regularizers.L1L2(l1={}, l2={})",
            float32(l1),
            float32(l2)
        ),
    }
}

/// Keyword arguments of a layer with a kernel, those that differ from Keras' defaults.
fn kernel_args(act: Activation, init: Initializer, reg: Option<Regularizer>) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(a) = activation(act) {
        args.push(format!("activation=\"{a}\""));
    }
    if let Some(i) = initializer(init) {
        args.push(format!("kernel_initializer={i}"));
    }
    if let Some(r) = reg {
        args.push(format!("kernel_regularizer={}", regularizer(r)));
    }
    args
}

/// One Keras layer, e.g. `layers.Conv2D(32, 3, activation="relu")`. Biases start at zero
/// and kernels at glorot_uniform unless said, in Keras as in mlpad.
pub fn layer(spec: &LayerSpec) -> String {
    let call = |class: &str, args: Vec<String>| format!("layers.{class}({})", args.join(", "));
    match *spec {
        LayerSpec::Conv2D {
            filters,
            kernel_size: (kh, kw),
            activation,
            kernel_initializer,
            kernel_regularizer,
        } => {
            let kernel = if kh == kw {
                kh.to_string()
            } else {
                format!("({kh}, {kw})")
            };
            let mut args = vec![filters.to_string(), kernel];
            args.extend(kernel_args(
                activation,
                kernel_initializer,
                kernel_regularizer,
            ));
            call("Conv2D", args)
        }
        LayerSpec::MaxPooling2D { pool_size } => call("MaxPooling2D", vec![pool_size.to_string()]),
        LayerSpec::Flatten => call("Flatten", vec![]),
        LayerSpec::Dropout { rate } => call("Dropout", vec![float32(rate)]),
        LayerSpec::BatchNormalization => call("BatchNormalization", vec![]),
        LayerSpec::Dense {
            units,
            activation,
            kernel_initializer,
            kernel_regularizer,
        } => {
            let mut args = vec![units.to_string()];
            args.extend(kernel_args(
                activation,
                kernel_initializer,
                kernel_regularizer,
            ));
            call("Dense", args)
        }
    }
}

/// `keras.Sequential([...])` over `entries` (an input and layers, already Python), one per
/// line, for a statement at `indent` spaces.
pub fn sequential_of(entries: &[String], name: Option<&str>, indent: usize) -> String {
    let pad = " ".repeat(indent + 4);
    let mut s = String::from("keras.Sequential(\n");
    s.push_str(&format!("{pad}[\n"));
    for e in entries {
        s.push_str(&format!("{pad}    {e},\n"));
    }
    match name {
        Some(n) => s.push_str(&format!("{pad}],\n{pad}name=\"{n}\",\n")),
        None => s.push_str(&format!("{pad}]\n")),
    }
    s.push_str(&" ".repeat(indent));
    s.push(')');
    s
}

/// `keras.Sequential([keras.Input(input), <layers of specs>])`.
pub fn sequential(input: &str, specs: &[LayerSpec], name: Option<&str>, indent: usize) -> String {
    let mut entries = vec![format!("keras.Input({input})")];
    entries.extend(specs.iter().map(layer));
    sequential_of(&entries, name, indent)
}

/// Clipping arguments of a Keras optimizer.
fn clip_args(clip: &Clip) -> Vec<String> {
    [
        ("clipnorm", clip.clipnorm),
        ("global_clipnorm", clip.global_clipnorm),
        ("clipvalue", clip.clipvalue),
    ]
    .into_iter()
    .filter_map(|(name, v)| v.map(|v| format!("{name}={}", float32(v))))
    .collect()
}

/// The keyword arguments of Keras' Adam for `c`: the learning rate, and beta_1, beta_2 and
/// epsilon where they differ from Keras' defaults (which are mlpad's: 0.9, 0.999, 1e-7).
pub fn adam_args(c: &AdamConfig, clip: &Clip) -> Vec<String> {
    let keras = AdamConfig::default();
    let mut args = vec![format!("learning_rate={}", float32(c.learning_rate))];
    for (name, v, default) in [
        ("beta_1", c.beta_1, keras.beta_1),
        ("beta_2", c.beta_2, keras.beta_2),
        ("epsilon", c.epsilon, keras.epsilon),
    ] {
        if v != default {
            args.push(format!("{name}={}", float32(v)));
        }
    }
    args.extend(clip_args(clip));
    args
}

/// `keras.optimizers.Adam(...)` for `c`.
pub fn adam(c: &AdamConfig, clip: &Clip) -> String {
    format!("keras.optimizers.Adam({})", adam_args(c, clip).join(", "))
}

/// `keras.optimizers.SGD(...)` for `c` (momentum and nesterov only when used).
pub fn sgd(c: &SgdConfig, clip: &Clip) -> String {
    let mut args = vec![format!("learning_rate={}", float32(c.learning_rate))];
    if c.momentum != 0.0 {
        args.push(format!("momentum={}", float32(c.momentum)));
    }
    if c.nesterov {
        args.push("nesterov=True".into());
    }
    args.extend(clip_args(clip));
    format!("keras.optimizers.SGD({})", args.join(", "))
}

/// mlpad's (and Keras') names of the layers of `specs` that have weights, in order:
/// `conv2d`, `conv2d_1`, …, `dense`, `dense_1`, … (the tensor names of its safetensors files).
pub fn weight_names(specs: &[LayerSpec]) -> Vec<String> {
    let mut count = std::collections::HashMap::<&str, usize>::new();
    let mut names = Vec::new();
    for spec in specs {
        let base = match spec {
            LayerSpec::Conv2D { .. } => "conv2d",
            LayerSpec::Dense { .. } => "dense",
            LayerSpec::BatchNormalization => "batch_normalization",
            _ => continue,
        };
        let n = count.entry(base).or_insert(0);
        names.push(if *n == 0 {
            base.to_string()
        } else {
            format!("{base}_{n}")
        });
        *n += 1;
    }
    names
}

/// `text` as `#` comment lines wrapped at 88 columns, indented by `indent` spaces.
pub fn comment(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent + 2 + line.len() + 1 + word.len() > 88 {
            out.push_str(&format!("{pad}# {line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("{pad}# {line}\n"));
    }
    out
}

/// `block` with every non-empty line indented by `spaces`.
pub fn indent(block: &str, spaces: usize) -> String {
    let pad = " ".repeat(spaces);
    let mut out: Vec<String> = block
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect();
    if block.ends_with('\n') {
        out.push(String::new());
    }
    out.join("\n")
}

/// Training and test images mlpad bundles of `dataset` (the first ones of its source).
fn bundled_counts(dataset: &str) -> (usize, usize) {
    let a = assets::dataset_assets(dataset).expect("a bundled dataset");
    (a.train_images.count, a.test_images.count)
}

/// The data prelude: `DATA`, `read_idx(path)` and `load(name)`, which gives a dataset's
/// `(x_train, y_train), (x_test, y_test)` as uint8 arrays, exactly mlpad's files when
/// `MLPAD_DATA` names their folder. With `keras_imported` false (scikit-learn scripts)
/// Keras is imported only to download the data. Needs `gzip`, `os` and `numpy as np`.
pub fn data_prelude(datasets: &[&str], keras_imported: bool) -> String {
    let (n_train, n_test) = bundled_counts(datasets.first().copied().unwrap_or("mnist"));
    debug_assert!(datasets
        .iter()
        .all(|d| bundled_counts(d) == (n_train, n_test)));
    let keras_import = if keras_imported {
        ""
    } else {
        "    import keras  # only to download the data\n\n"
    };
    let fashion = if datasets.contains(&"fashion_mnist") {
        "    # Keras' Fashion-MNIST is Zalando's split; mlpad's files come from another copy,\n    \
         # split and ordered its own way, so without MLPAD_DATA the images differ.\n"
    } else {
        ""
    };
    format!(
        r#"# mlpad bundles the first {n_train} training and {n_test} test images of each dataset
# (www/data/README.md). Set MLPAD_DATA to that folder to read exactly those files;
# otherwise Keras downloads the whole dataset and the same first images are taken.
DATA = os.environ.get("MLPAD_DATA")


def read_idx(path):
    """A gzipped IDX file as a uint8 array."""
    with gzip.open(path) as f:
        raw = f.read()
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load(name):
    """((x_train, y_train), (x_test, y_test)) of dataset `name` as mlpad has it."""
    if DATA:
        return [
            (
                read_idx(os.path.join(DATA, f"{{name}}-{{split}}-images-idx3-ubyte.gz")),
                read_idx(os.path.join(DATA, f"{{name}}-{{split}}-labels-idx1-ubyte.gz")),
            )
            for split in ("train", "test")
        ]
{keras_import}{fashion}    (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, name).load_data()
    return (x_train[:{n_train}], y_train[:{n_train}]), (x_test[:{n_test}], y_test[:{n_test}])
"#
    )
}

/// The lines that load a training lab's data into `x_train, y_train, x_test, y_test`: the
/// first `train_size` training images, then only the chosen classes (train and test),
/// pixels scaled to [0, 1], as images `(28, 28, 1)` or, with `flat`, rows of 784.
pub fn training_data(t: &TrainingConfig, flat: bool) -> String {
    let mut s = format!(
        "(x_train, y_train), (x_test, y_test) = load(\"{}\")\n",
        t.dataset.name()
    );
    s.push_str(&format!(
        "x_train, y_train = x_train[:{n}], y_train[:{n}]  # the first {n} training images\n",
        n = t.train_size
    ));
    if !t.classes.is_empty() {
        s.push_str(&format!(
            "# Only the classes {list}, in training and test (the output keeps a unit per class).
classes = {list}
train, test = np.isin(y_train, classes), np.isin(y_test, classes)
x_train, y_train, x_test, y_test = x_train[train], y_train[train], x_test[test], y_test[test]
",
            list = ints(&t.classes)
        ));
    }
    let (train, test) = if flat {
        ("reshape(len(x_train), -1)", "reshape(len(x_test), -1)")
    } else {
        ("reshape(-1, 28, 28, 1)", "reshape(-1, 28, 28, 1)")
    };
    s.push_str(&format!(
        "x_train = x_train.{train}.astype(\"float32\") / 255  # pixels in [0, 1]
x_test = x_test.{test}.astype(\"float32\") / 255
"
    ));
    s
}

/// `model.compile` with `optimizer`, sparse categorical cross-entropy (mlpad's softmax
/// cross-entropy on integer labels) and accuracy.
pub fn compile(optimizer: &str) -> String {
    format!(
        "model.compile(
    optimizer={optimizer},
    loss=\"sparse_categorical_crossentropy\",
    metrics=[\"accuracy\"],
)
"
    )
}

/// `model.fit` over the training images with the test set evaluated after every epoch
/// (as the lab charts it); `extra` is more keyword-argument lines (`    name=value,\n`).
pub fn fit(t: &TrainingConfig, extra: &str) -> String {
    format!(
        "# fit reshuffles the images every epoch and keeps the last, smaller batch, as mlpad does.
model.fit(
    x_train,
    y_train,
    batch_size={},
    epochs={},
    validation_data=(x_test, y_test),
{extra}    verbose=2,
)
",
        t.batch_size, t.epochs
    )
}

/// The pretrained-weights prelude: `read_safetensors(path)`, `pretrained_weights(name)`
/// (each layer's `[kernel, bias]` by mlpad's layer name) and `set_weights(model, weights)`
/// for the shipped CNN lab network `name`. Reads `MLPAD_DATA/pretrained/<name>.safetensors`;
/// without the file, trains the network as the link that made the weights says (Keras' own
/// random draws, so other weights of the same kind). Needs `json`, `os`, `numpy`, `keras`,
/// `layers` and the data prelude.
pub fn pretrained_prelude(name: &str) -> String {
    let asset = pretrained::asset(name).expect("a shipped model");
    let parsed = REGISTRY
        .parse_strict(&asset.link)
        .expect("the manifest's links are valid");
    let config = CnnConfig::from_config(&parsed.config);
    let t = &config.training;
    let retrain = format!(
        "keras.utils.set_random_seed({})\n{}model = {}\n{}model.fit(x_train, y_train, batch_size={}, epochs={}, verbose=0)\n",
        t.seed,
        training_data(t, false),
        cnn::keras_model(&config, 0),
        compile(&adam(&cnn::adam_config(&config), &Clip::default())),
        t.batch_size,
        t.epochs,
    );
    let retrain = format!(
        "    # No mlpad file at hand: train the network as the link that made it says,\n    # {}\n{}",
        asset.link,
        indent(&retrain, 4)
    );
    let layer_names: Vec<String> = weight_names(&cnn::model_spec(10))
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect();
    format!(
        r#"# mlpad's names of the CNN lab's layers with weights (its safetensors tensor names).
CNN_LAYERS = {names}


def read_safetensors(path):
    """The float32 tensors of a safetensors file, by name (as safetensors.numpy.load_file
    reads them)."""
    with open(path, "rb") as f:
        raw = f.read()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    header.pop("__metadata__", None)
    data = raw[8 + size :]
    tensors = {{}}
    for name, t in header.items():
        start, end = t["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], "<f4").reshape(t["shape"])
    return tensors


def pretrained_weights(name):
    """mlpad's pretrained CNN `name` as {{layer name: [kernel, bias]}}."""
    path = os.path.join(DATA or ".", "pretrained", f"{{name}}.safetensors")
    if os.path.exists(path):
        tensors = read_safetensors(path)
        return {{n: [tensors[f"{{n}}/kernel"], tensors[f"{{n}}/bias"]] for n in CNN_LAYERS}}
{retrain}    with_weights = [layer for layer in model.layers if layer.weights]
    return {{n: layer.get_weights() for n, layer in zip(CNN_LAYERS, with_weights)}}


def set_weights(model, weights):
    """Copies pretrained weights into `model`'s layers that have weights, in order."""
    with_weights = [layer for layer in model.layers if layer.weights]
    for layer, name in zip(with_weights, CNN_LAYERS):
        layer.set_weights(weights[name])
"#,
        names = list(&layer_names, 0, 88),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn floats_read_back_and_look_like_python() {
            assert_eq!(float32(0.001), "0.001");
            assert_eq!(float32(1e-7), "1e-7");
            assert_eq!(float32(2e-4), "0.0002");
            assert_eq!(float32(1e-4), "0.0001");
            assert_eq!(float32(5e-5), "5e-5");
            assert_eq!(float32(1.0), "1.0");
            assert_eq!(float(0.2), "0.2");
            assert_eq!(float(15.0), "15.0");
            assert_eq!(float(f64::NAN), "float(\"nan\")");
            for x in [0.1f32, 3.3e-5, 0.012_345_67, 123_456.79, 7e-12] {
                let text = float32(x);
                assert_eq!(text.parse::<f64>().unwrap() as f32, x, "{text}");
            }
        }
    }

    crate::both_targets_test! {
        fn layers_are_keras_calls_with_only_non_default_arguments() {
            assert_eq!(
                layer(&LayerSpec::conv2d(32, 3, Activation::Relu)),
                "layers.Conv2D(32, 3, activation=\"relu\")"
            );
            assert_eq!(layer(&LayerSpec::dense(1, Activation::Linear)), "layers.Dense(1)");
            let dense = LayerSpec::Dense {
                units: 64,
                activation: Activation::Tanh,
                kernel_initializer: Initializer::RandomNormal { mean: 0.0, stddev: 1.0 },
                kernel_regularizer: Some(Regularizer::L1L2 { l1: 0.001, l2: 0.01 }),
            };
            assert_eq!(
                layer(&dense),
                "layers.Dense(64, activation=\"tanh\", \
                 kernel_initializer=keras.initializers.RandomNormal(stddev=1.0), \
                 kernel_regularizer=keras.regularizers.L1L2(l1=0.001, l2=0.01))"
            );
            assert_eq!(
                weight_names(&cnn::model_spec(10)),
                ["conv2d", "conv2d_1", "conv2d_2", "dense", "dense_1"]
            );
        }
    }

    crate::both_targets_test! {
        fn optimizers_name_what_differs_from_keras() {
            let a = AdamConfig { learning_rate: 2e-4, beta_1: 0.5, ..AdamConfig::default() };
            assert_eq!(
                adam(&a, &Clip::default()),
                "keras.optimizers.Adam(learning_rate=0.0002, beta_1=0.5)"
            );
            let clip = Clip { clipnorm: Some(1.0), ..Clip::default() };
            assert_eq!(
                sgd(&SgdConfig { learning_rate: 0.1, ..SgdConfig::default() }, &clip),
                "keras.optimizers.SGD(learning_rate=0.1, clipnorm=1.0)"
            );
        }
    }

    crate::both_targets_test! {
        fn the_prelude_names_the_bundled_files() {
            // `load` builds file names from a pattern: it must be the manifest's.
            for (name, d) in &assets::manifest().datasets {
                for (split, kind, file) in [
                    ("train", "images-idx3", &d.train_images.file),
                    ("train", "labels-idx1", &d.train_labels.file),
                    ("test", "images-idx3", &d.test_images.file),
                    ("test", "labels-idx1", &d.test_labels.file),
                ] {
                    assert_eq!(*file, format!("{name}-{split}-{kind}-ubyte.gz"));
                }
            }
            let long = list(&(0..40).collect::<Vec<_>>(), 4, 40);
            assert!(long.lines().all(|l| l.len() <= 40), "{long}");
        }
    }
}
