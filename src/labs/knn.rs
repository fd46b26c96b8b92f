//! The k-nearest-neighbours lab: scikit-learn's `KNeighborsClassifier` on MNIST digits.
//!
//! The data are the first `n_samples` images of the original MNIST training file (the
//! bundled subset holds its first 12,000), pixels as `float32(p) / 255`, split by
//! `train_test_split(test_size, random_state)`; predictions equal scikit-learn's (see
//! [`crate::knn`]). Prediction is the slow part, so [`Knn`]'s `step` classifies blocks of
//! test rows while its budget lasts and reports progress; the report comes at the end.
//! One pass over the training rows per test row yields the votes for every k = 1..15, so
//! the accuracy-by-k curve costs little more than the chosen k alone.

use super::params::DatasetChoice;
use super::protocol::{Assets, Budget, Lab, Outcome, Phase, Picture, Progress, RunInfo};
use super::python;
use crate::data::Dataset;
use crate::knn::{KNeighborsClassifier, Metric, Weights};
use crate::metrics;
use crate::schema::{Config, FromConfig, Help, Kind, LabSpec, Param};
use crate::split::{train_test_split, TestSize};
use ndarray::{Array1, Array2};
use serde::Serialize;
use std::rc::Rc;

/// Largest k of the accuracy-by-k curve (and of `n_neighbors`).
pub const MAX_K: usize = 15;
/// Test rows whose neighbours the report lists.
pub const SHOWN_NEIGHBORS: usize = 5;
/// Test rows in the neighbour gallery (mistakes first).
pub const GALLERY_ROWS: usize = 12;
/// Test rows classified per unit of work (one block of the distance computation).
const ROWS_PER_UNIT: usize = 32;
/// The lab classifies digits: the one place that says so.
const DATASET: DatasetChoice = DatasetChoice::Mnist;

crate::choice_enum! {
    /// How KNN neighbours vote (scikit-learn's `weights`).
    pub enum WeightsChoice {
        /// One vote each.
        Uniform = "uniform",
        /// 1/distance.
        Distance = "distance",
    }
}

impl From<WeightsChoice> for Weights {
    fn from(w: WeightsChoice) -> Weights {
        match w {
            WeightsChoice::Uniform => Weights::Uniform,
            WeightsChoice::Distance => Weights::Distance,
        }
    }
}

crate::choice_enum! {
    /// The distance between images.
    pub enum MetricChoice {
        /// Straight-line distance.
        Euclidean = "euclidean",
        /// Sum of absolute pixel differences.
        Manhattan = "manhattan",
    }
}

/// `n_neighbors`: shared with the evaluate lab.
pub const N_NEIGHBORS: Param = Param::new(
    "n_neighbors",
    Kind::Int {
        min: 1,
        max: MAX_K as i64,
        default: 3,
    },
    Help {
        en: "k: how many nearest training images vote on each test image.",
        zh: "k：每张测试图片由多少张最近的训练图片投票决定。",
    },
);

/// `weights`: shared with the evaluate lab.
pub const WEIGHTS: Param = Param::new(
    "weights",
    Kind::Choice {
        choices: WeightsChoice::NAMES,
        default: "uniform",
    },
    Help {
        en: "uniform = one vote each; distance = closer neighbours count more (1/d).",
        zh: "uniform：每个近邻一票；distance：越近的近邻权重越大（1/d）。",
    },
);

/// The lab's parameter table (scikit-learn argument names).
pub static SPEC: LabSpec = LabSpec {
    // Shown up front when the lab is embedded in a page.
    essentials: &["n_neighbors", "metric", "n_samples"],
    ..LabSpec::new(
        "knn",
        Help {
            en: "KNN",
            zh: "K 近邻",
        },
        &[
            Param::new(
                "n_samples",
                Kind::Int {
                    min: 100,
                    max: 12_000,
                    default: 10_000,
                },
                Help {
                    en: "How many of the first MNIST training images to use (train + test).",
                    zh: "使用 MNIST 训练集中前多少张图片（训练集与测试集合计）。",
                },
            ),
            Param::new(
                "test_size",
                Kind::Float {
                    min: 0.05,
                    max: 0.5,
                    default: 0.2,
                    log: false,
                },
                Help {
                    en: "Fraction of the images held out for testing (train_test_split).",
                    zh: "留作测试的图片比例（train_test_split）。",
                },
            ),
            Param::new(
                "random_state",
                Kind::Int {
                    min: 0,
                    max: 4_294_967_295,
                    default: 42,
                },
                Help {
                    en: "Seed of the train/test shuffle (numpy's, so scikit-learn gives the same \
                         split).",
                    zh: "划分训练/测试集时打乱顺序的随机种子（与 numpy 相同，scikit-learn 得到同样的划分）。",
                },
            ),
            N_NEIGHBORS,
            WEIGHTS,
            Param::new(
                "metric",
                Kind::Choice {
                    choices: MetricChoice::NAMES,
                    default: "euclidean",
                },
                Help {
                    en: "Distance between images: euclidean = straight line; manhattan = sum of \
                         pixel differences.",
                    zh: "图片间的距离：euclidean 为直线距离；manhattan 为像素差的绝对值之和。",
                },
            ),
        ],
    )
};

/// The lab's typed configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct KnnConfig {
    /// Images split into train + test.
    pub n_samples: usize,
    /// Share held out.
    pub test_size: f64,
    /// numpy seed of the split.
    pub random_state: u32,
    /// k.
    pub n_neighbors: usize,
    /// How neighbours vote.
    pub weights: WeightsChoice,
    /// The distance.
    pub metric: MetricChoice,
}

impl FromConfig for KnnConfig {
    fn from_config(c: &Config) -> Self {
        KnnConfig {
            n_samples: c.count("n_samples"),
            test_size: c.float("test_size"),
            // The table's range is exactly u32's.
            random_state: c.int("random_state") as u32,
            n_neighbors: c.count("n_neighbors"),
            weights: c.choice("weights"),
            metric: c.choice("metric"),
        }
    }
}

/// The neighbours of one test image.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NeighborsReport {
    /// Position in the test set.
    pub test_row: usize,
    /// Index of the image in the MNIST training file.
    pub image: usize,
    /// Its true digit.
    pub label: i64,
    /// The digit predicted for it.
    pub predicted: i64,
    /// Neighbours' rows in the training set (scikit-learn's `kneighbors` indices), nearest
    /// first.
    pub train_rows: Vec<usize>,
    /// The same neighbours as MNIST training-file image indices.
    pub images: Vec<usize>,
    /// Their digits.
    pub labels: Vec<i64>,
    /// Their distances (float32 values, as scikit-learn reports them).
    pub distances: Vec<f64>,
}

/// The lab's results.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KnnReport {
    /// Training images.
    pub n_train: usize,
    /// Test images.
    pub n_test: usize,
    /// Test accuracy with the link's `n_neighbors`.
    pub accuracy: f64,
    /// Test accuracy for k = 1..=15 (index k − 1), same weights and metric.
    pub accuracy_by_k: Vec<f64>,
    /// Confusion matrix over the digits 0..9 (rows true, columns predicted).
    pub confusion_matrix: Vec<Vec<u64>>,
    /// Its row/column labels.
    pub labels: Vec<i64>,
    /// Neighbours of the first few test images.
    pub neighbors: Vec<NeighborsReport>,
    /// Up to `GALLERY_ROWS` test rows with their neighbours, misclassified rows first.
    pub gallery: Vec<NeighborsReport>,
}

/// A prepared KNN run: split done, model fitted, test rows predicted chunk by chunk.
pub struct Knn {
    data: Rc<Dataset>,
    model: KNeighborsClassifier,
    train_idx: Vec<usize>,
    test_idx: Vec<usize>,
    x_test: Array2<f32>,
    y_test: Array1<i64>,
    y_train: Array1<i64>,
    max_k: usize,
    /// Per predicted test row, the prediction for each k = 1..=max_k.
    by_k: Vec<Vec<i64>>,
    report: Option<KnnReport>,
}

impl Knn {
    /// The results; `None` until every test row is predicted.
    pub fn report(&self) -> Option<&KnnReport> {
        self.report.as_ref()
    }

    fn make_report(&self) -> Option<KnnReport> {
        let k = self.model.n_neighbors;
        let preds: Vec<i64> = self.by_k.iter().map(|p| p[k - 1]).collect();
        let y_test = self.y_test.as_slice().expect("built contiguous");
        let accuracy = metrics::accuracy_score(y_test, &preds).ok()?;
        let accuracy_by_k = (0..self.max_k)
            .map(|kk| {
                let p: Vec<i64> = self.by_k.iter().map(|p| p[kk]).collect();
                metrics::accuracy_score(y_test, &p).unwrap_or(f64::NAN)
            })
            .collect();
        let labels: Vec<i64> = (0..self.data.classes.len() as i64).collect();
        let cm = metrics::confusion_matrix(y_test, &preds, Some(&labels)).ok()?;
        let shown = SHOWN_NEIGHBORS.min(self.test_idx.len());
        let q = self
            .model
            .queries(self.x_test.view())
            .expect("checked test rows");
        let describe = |r: usize, nb: crate::knn::Neighbors| NeighborsReport {
            test_row: r,
            image: self.test_idx[r],
            label: self.y_test[r],
            predicted: preds[r],
            images: nb.indices.iter().map(|&j| self.train_idx[j]).collect(),
            labels: nb.indices.iter().map(|&j| self.y_train[j]).collect(),
            train_rows: nb.indices,
            distances: nb.distances,
        };
        let neighbors = q
            .kneighbors_chunk(0, shown, k)
            .into_iter()
            .enumerate()
            .map(|(r, nb)| describe(r, nb))
            .collect();
        let wrong = (0..preds.len()).filter(|&r| preds[r] != self.y_test[r]);
        let right = (0..preds.len()).filter(|&r| preds[r] == self.y_test[r]);
        let gallery = wrong
            .chain(right)
            .take(GALLERY_ROWS)
            .map(|r| {
                let nb = q
                    .kneighbors_chunk(r, r + 1, k)
                    .into_iter()
                    .next()
                    .expect("one row");
                describe(r, nb)
            })
            .collect();
        Some(KnnReport {
            n_train: self.train_idx.len(),
            n_test: self.test_idx.len(),
            accuracy,
            accuracy_by_k,
            confusion_matrix: cm.value.rows(),
            labels: cm.value.labels,
            neighbors,
            gallery,
        })
    }

    /// The gallery's images: each row's test image and its neighbours (all from the MNIST
    /// training file, keyed `train/<index>`).
    fn gallery_pictures(&self, report: &KnnReport) -> Vec<Picture> {
        let mut seen = std::collections::BTreeSet::new();
        report
            .gallery
            .iter()
            .flat_map(|g| std::iter::once(g.image).chain(g.images.iter().copied()))
            .filter(|&i| seen.insert(i))
            .map(|i| Picture::of_image(&self.data, false, i))
            .collect()
    }
}

impl Lab for Knn {
    type Config = KnnConfig;
    type Payload = ();

    fn spec() -> &'static LabSpec {
        &SPEC
    }

    fn python(config: &KnnConfig) -> String {
        python(config)
    }

    fn datasets(_config: &KnnConfig) -> Vec<&'static str> {
        vec![DATASET.name()]
    }

    /// Splits the first `n_samples` training images and fits the classifier.
    fn new(config: KnnConfig, data: &Assets) -> Result<Self, String> {
        let data = data.dataset(DATASET.name())?;
        let n = config.n_samples;
        if data.train.len() < n {
            return Err(format!(
                "n_samples={n} but the {} data holds {} training images",
                data.name,
                data.train.len()
            ));
        }
        let test_size = TestSize::Fraction(config.test_size);
        let (train_idx, test_idx) =
            train_test_split(n, test_size, config.random_state, true, None)?;
        let metric = match config.metric {
            MetricChoice::Euclidean => Metric::Euclidean,
            MetricChoice::Manhattan => Metric::Manhattan,
        };
        let y_train = data.train.targets(&train_idx);
        let x_train = data.train.features(&train_idx);
        let k = config.n_neighbors;
        let model =
            KNeighborsClassifier::fit(x_train, y_train.view(), k, config.weights.into(), metric)?;
        let max_k = MAX_K.min(model.n_train());
        Ok(Knn {
            model,
            x_test: data.train.features(&test_idx),
            y_test: data.train.targets(&test_idx),
            y_train,
            train_idx,
            test_idx,
            max_k,
            by_k: Vec::new(),
            report: None,
            data,
        })
    }

    /// Classifies test rows in blocks while the budget lasts.
    fn step(&mut self, budget: &mut Budget) -> Progress<()> {
        let total = self.test_idx.len();
        let q = self
            .model
            .queries(self.x_test.view())
            .expect("checked test rows");
        while self.by_k.len() < total && budget.more() {
            let start = self.by_k.len();
            let end = (start + ROWS_PER_UNIT).min(total);
            self.by_k
                .extend(q.predict_by_k_chunk(start, end, self.max_k));
        }
        let done = self.by_k.len() == total;
        let mut pictures = Vec::new();
        if done && self.report.is_none() {
            self.report = self.make_report();
            if let Some(r) = &self.report {
                pictures = self.gallery_pictures(r);
            }
        }
        Progress {
            phase: Phase::Classify,
            step: self.by_k.len(),
            total,
            fraction: self.by_k.len() as f64 / total.max(1) as f64,
            samples: self.by_k.len() as u64,
            done,
            stopped: None,
            payload: (),
            pictures,
        }
    }

    fn outcome(&self) -> Outcome {
        let Some(r) = &self.report else {
            return Outcome::default();
        };
        Outcome {
            metrics: [("test_accuracy".to_string(), r.accuracy)].into(),
            report: serde_json::to_value(r).unwrap_or_default(),
            ..Outcome::default()
        }
    }

    fn info(&self) -> RunInfo {
        RunInfo {
            classes: self.data.classes.clone(),
            ..RunInfo::default()
        }
    }
}

/// `KNeighborsClassifier(...)` with `k` neighbours voting by `weights` under `metric`.
pub fn sklearn_classifier(k: usize, weights: WeightsChoice, metric: MetricChoice) -> String {
    format!(
        "KNeighborsClassifier(n_neighbors={k}, weights=\"{}\", metric=\"{}\")",
        weights.name(),
        metric.name()
    )
}

/// The lab as a scikit-learn script: the same images, split, classifier and k; it prints
/// the test accuracy, the confusion matrix and the accuracy for every k the lab charts.
pub fn python(config: &KnnConfig) -> String {
    let n = config.n_samples;
    let (train_rows, _) =
        crate::split::validate_sizes(n, TestSize::Fraction(config.test_size)).unwrap_or((n, 0));
    let max_k = MAX_K.min(train_rows.max(1));
    let prelude = python::data_prelude(&[DATASET.name()], false);
    format!(
        r#"# The KNN lab in scikit-learn: k-nearest neighbours on MNIST digits, with the same
# images, split and classifier (mlpad's predictions equal scikit-learn's).
import gzip
import os

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

{prelude}

(x, y), _ = load("{dataset}")
# The first {n} training images as rows of 784 float32 pixels in [0, 1].
X = x[:{n}].reshape({n}, -1).astype(np.float32) / 255
y = y[:{n}]
# The same random_state gives the same split as the lab's (it replays numpy's shuffle).
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size={test_size}, random_state={random_state}
)

knn = {classifier}
knn.fit(X_train, y_train)
y_pred = knn.predict(X_test)
print(f"test_accuracy: {{accuracy_score(y_test, y_pred):.4f}}")
print(confusion_matrix(y_test, y_pred, labels=range(10)))

# The lab's accuracy-by-k chart: the same classifier for every k from 1 to {max_k}.
for k in range(1, {max_k_plus}):
    knn.set_params(n_neighbors=k)
    print(f"k={{k}}: {{accuracy_score(y_test, knn.predict(X_test)):.4f}}")
"#,
        dataset = DATASET.name(),
        test_size = python::float(config.test_size),
        random_state = config.random_state,
        classifier = sklearn_classifier(config.n_neighbors, config.weights, config.metric),
        max_k_plus = max_k + 1,
    )
}
