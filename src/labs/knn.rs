//! The k-nearest-neighbours lab: scikit-learn's `KNeighborsClassifier` on MNIST digits.
//!
//! The data are the first `n_samples` images of the original MNIST training file (the
//! bundled subset holds its first 12,000), pixels as `float32(p) / 255`, split by
//! `train_test_split(test_size, random_state)`; predictions equal scikit-learn's (see
//! [`crate::knn`]). Prediction is the slow part, so [`KnnRun::step`] does a chunk of test
//! rows at a time and reports progress; [`KnnRun::report`] gives the results once done.
//! One pass over the training rows per test row yields the votes for every k = 1..15, so
//! the accuracy-by-k curve costs little more than the chosen k alone.

use super::schema::{Config, Help, Kind, LabSpec, Param};
use crate::data::Dataset;
use crate::knn::{KNeighborsClassifier, Metric, Weights};
use crate::metrics;
use crate::split::{train_test_split, TestSize};
use serde::Serialize;

/// Largest k of the accuracy-by-k curve (and of `n_neighbors`).
pub const MAX_K: usize = 15;
/// Test rows whose neighbours the report lists.
pub const SHOWN_NEIGHBORS: usize = 5;
/// Test rows in the neighbour gallery (mistakes first).
pub const GALLERY_ROWS: usize = 12;

/// The lab's parameter table (scikit-learn argument names).
pub const SPEC: LabSpec = LabSpec {
    id: "knn",
    title: Help {
        en: "k-nearest neighbours",
        zh: "k 近邻",
    },
    presets: &[],
    params: &[
        Param {
            name: "n_samples",
            kind: Kind::Int {
                min: 100,
                max: 12_000,
                default: 10_000,
            },
            help: Help {
                en: "How many of the first MNIST training images to use (train + test).",
                zh: "使用 MNIST 训练集中前多少张图片（训练集与测试集合计）。",
            },
        },
        Param {
            name: "test_size",
            kind: Kind::Float {
                min: 0.05,
                max: 0.5,
                default: 0.2,
                log: false,
            },
            help: Help {
                en: "Fraction of the images held out for testing (train_test_split).",
                zh: "留作测试的图片比例（train_test_split）。",
            },
        },
        Param {
            name: "random_state",
            kind: Kind::Int {
                min: 0,
                max: 4_294_967_295,
                default: 42,
            },
            help: Help {
                en: "Seed of the train/test shuffle (numpy's, so scikit-learn gives the same \
                     split).",
                zh: "划分训练/测试集时打乱顺序的随机种子（与 numpy 相同，scikit-learn 得到同样的划分）。",
            },
        },
        Param {
            name: "n_neighbors",
            kind: Kind::Int {
                min: 1,
                max: MAX_K as i64,
                default: 3,
            },
            help: Help {
                en: "k: how many nearest training images vote on each test image.",
                zh: "k：每张测试图片由多少张最近的训练图片投票决定。",
            },
        },
        Param {
            name: "weights",
            kind: Kind::Choice {
                choices: &["uniform", "distance"],
                default: "uniform",
            },
            help: Help {
                en: "uniform = one vote each; distance = closer neighbours count more (1/d).",
                zh: "uniform：每个近邻一票；distance：越近的近邻权重越大（1/d）。",
            },
        },
        Param {
            name: "metric",
            kind: Kind::Choice {
                choices: &["euclidean", "manhattan"],
                default: "euclidean",
            },
            help: Help {
                en: "Distance between images: euclidean = straight line; manhattan = sum of \
                     pixel differences.",
                zh: "图片间的距离：euclidean 为直线距离；manhattan 为像素差的绝对值之和。",
            },
        },
    ],
};

/// How far prediction has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct KnnProgress {
    /// Test rows predicted so far.
    pub done_rows: usize,
    /// Test rows in all.
    pub total_rows: usize,
    /// True when every test row is predicted.
    pub done: bool,
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
pub struct KnnRun {
    model: KNeighborsClassifier,
    train_idx: Vec<usize>,
    test_idx: Vec<usize>,
    x_test: Vec<f32>,
    y_test: Vec<i64>,
    y_train: Vec<i64>,
    classes: usize,
    max_k: usize,
    /// Per predicted test row, the prediction for each k = 1..=max_k.
    by_k: Vec<Vec<i64>>,
}

impl KnnRun {
    /// Splits the first `n_samples` training images of `data` and fits the classifier.
    pub fn new(config: &Config, data: &Dataset) -> Result<KnnRun, String> {
        let n = config.int("n_samples") as usize;
        if data.train.len() < n {
            return Err(format!(
                "n_samples={n} but the {} data holds {} training images",
                data.name,
                data.train.len()
            ));
        }
        let test_size = TestSize::Fraction(config.float("test_size"));
        let seed = u32::try_from(config.int("random_state"))
            .map_err(|_| "random_state must be from 0 to 4294967295".to_string())?;
        let (train_idx, test_idx) = train_test_split(n, test_size, seed, true, None)?;
        let d = data.train.rows * data.train.cols;
        let rows = |idx: &[usize]| -> Vec<f32> {
            let mut x = Vec::with_capacity(idx.len() * d);
            for &i in idx {
                x.extend(data.train.image(i).iter().map(|&p| p as f32 / 255.0f32));
            }
            x
        };
        let labels = |idx: &[usize]| -> Vec<i64> {
            idx.iter().map(|&i| data.train.labels[i] as i64).collect()
        };
        let weights = match config.choice("weights") {
            "distance" => Weights::Distance,
            _ => Weights::Uniform,
        };
        let metric = match config.choice("metric") {
            "manhattan" => Metric::Manhattan,
            _ => Metric::Euclidean,
        };
        let y_train = labels(&train_idx);
        let k = config.int("n_neighbors") as usize;
        let model = KNeighborsClassifier::fit(rows(&train_idx), d, &y_train, k, weights, metric)?;
        let max_k = MAX_K.min(model.n_train());
        Ok(KnnRun {
            model,
            x_test: rows(&test_idx),
            y_test: labels(&test_idx),
            y_train,
            train_idx,
            test_idx,
            classes: data.classes.len(),
            max_k,
            by_k: Vec::new(),
        })
    }

    /// Progress so far.
    pub fn progress(&self) -> KnnProgress {
        KnnProgress {
            done_rows: self.by_k.len(),
            total_rows: self.test_idx.len(),
            done: self.by_k.len() == self.test_idx.len(),
        }
    }

    /// Predicts up to `max_rows` more test rows (at least one while any are left).
    pub fn step(&mut self, max_rows: usize) -> KnnProgress {
        let start = self.by_k.len();
        let end = (start + max_rows.max(1)).min(self.test_idx.len());
        if start < end {
            let q = self.model.queries(&self.x_test).expect("checked test rows");
            self.by_k
                .extend(q.predict_by_k_chunk(start, end, self.max_k));
        }
        self.progress()
    }

    /// Predicts every remaining test row.
    pub fn finish(&mut self) -> KnnProgress {
        self.step(usize::MAX)
    }

    /// The results; `None` until every test row is predicted.
    pub fn report(&self) -> Option<KnnReport> {
        if !self.progress().done {
            return None;
        }
        let k = self.model.n_neighbors;
        let preds: Vec<i64> = self.by_k.iter().map(|p| p[k - 1]).collect();
        let accuracy = metrics::accuracy_score(&self.y_test, &preds).ok()?;
        let accuracy_by_k = (0..self.max_k)
            .map(|kk| {
                let p: Vec<i64> = self.by_k.iter().map(|p| p[kk]).collect();
                metrics::accuracy_score(&self.y_test, &p).unwrap_or(f64::NAN)
            })
            .collect();
        let labels: Vec<i64> = (0..self.classes as i64).collect();
        let cm = metrics::confusion_matrix(&self.y_test, &preds, Some(&labels)).ok()?;
        let shown = SHOWN_NEIGHBORS.min(self.test_idx.len());
        let q = self.model.queries(&self.x_test).expect("checked test rows");
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
            confusion_matrix: cm.value.counts,
            labels: cm.value.labels,
            neighbors,
            gallery,
        })
    }
}
