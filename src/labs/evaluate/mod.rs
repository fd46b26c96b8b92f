//! The metrics lab's "evaluate a real model" part (`model=cnn` or `model=knn`): fit the
//! model on the first `train_size` training images, score every image of the test split,
//! and keep each test image's class probabilities, so the one-vs-rest and multiclass
//! views ([`views`]) can be recomputed for any positive class and threshold without
//! training again.
//!
//! - The CNN is the CNN lab's network, built by [`cnn::build`] from the same keys, so its
//!   weights equal those of the CNN lab link in [`ModelReport::cnn_link`]. Scores are its
//!   softmax outputs.
//! - The KNN is [`crate::knn`]'s scikit-learn-exact `KNeighborsClassifier` (Euclidean, as
//!   in the KNN lab); scores are `predict_proba`'s vote fractions ([`knn_proba`]).
//!
//! Work comes in chunks ([`ModelEval::step`]) so the page's worker can show progress,
//! time each phase and cancel between chunks: train (CNN batches; nothing to do for the
//! KNN, which only stores the images), predict the test split, then predict the training
//! images of the generalisation check: the CNN's whole training subset, or for the KNN
//! the first [`KNN_TRAIN_SAMPLE`] training images (each finds itself at distance 0, which
//! is the point: a KNN remembers its training set).

pub mod knn_proba;
pub mod views;

use super::cnn;
use super::metrics as lab;
use super::schema::Config;
use super::trainer::{fill_batch, Run};
use crate::data::{Dataset, Split};
use crate::knn::{KNeighborsClassifier, Metric, Weights};
use crate::metrics::{self, Label};
use serde::Serialize;
use std::rc::Rc;

/// Training images the KNN's training accuracy is measured on (the first ones).
pub const KNN_TRAIN_SAMPLE: usize = 500;
/// Images per CNN forward pass while predicting (bounds the activation buffers).
const CNN_CHUNK: usize = 256;

/// What an evaluation is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Training the CNN (the KNN passes through at once).
    Train,
    /// Predicting the test split.
    PredictTest,
    /// Predicting the training images of the generalisation check.
    PredictTrain,
    /// Finished (or stopped by divergence).
    Done,
}

/// What one [`ModelEval::step`] did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvalProgress {
    /// The phase the step worked in (a step never crosses phases, so its time belongs to
    /// this phase).
    pub phase: Phase,
    /// Units of that phase done: CNN batches while training, images while predicting.
    pub done: usize,
    /// Units in that phase.
    pub total: usize,
    /// Share of the whole evaluation done, weighted by estimated cost (one progress bar).
    pub fraction: f64,
    /// True when everything is done.
    pub finished: bool,
    /// Why training stopped, if the CNN's loss stopped being finite.
    pub diverged: Option<String>,
}

/// The model being evaluated.
enum Fitted {
    Cnn(Box<Run>),
    Knn(KnnFit),
}

/// A fitted KNN and the query rows it predicts.
struct KnnFit {
    clf: KNeighborsClassifier,
    /// Index into `clf.classes()` of each training row.
    class_of: Vec<usize>,
    x_test: Vec<f32>,
    x_sample: Vec<f32>,
}

/// A model being evaluated, then its kept predictions.
pub struct ModelEval {
    config: Config,
    data: Rc<Dataset>,
    model: Fitted,
    phase: Phase,
    /// Training images the model learnt from.
    n_train: usize,
    /// Training images of the generalisation check.
    n_train_eval: usize,
    /// Test rows predicted so far × classes.
    test_proba: Vec<f64>,
    /// Predicted class of each checked training image so far.
    train_pred: Vec<Label>,
    /// CNN batches trained so far.
    steps_done: usize,
    diverged: Option<String>,
    weights_sha256: Option<String>,
    x: Vec<f32>,
    y: Vec<u8>,
    out: Vec<f32>,
}

/// The report of a finished evaluation for one positive class and threshold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelReport {
    /// `cnn` or `knn`.
    pub model: String,
    /// Dataset name.
    pub dataset: String,
    /// Class names, by class index.
    pub classes: Vec<String>,
    /// Training images the model learnt from.
    pub n_train: usize,
    /// Test images scored.
    pub n_test: usize,
    /// Test accuracy (`accuracy_score`).
    pub accuracy: f64,
    /// Accuracy on training images (see `train_eval`).
    pub train_accuracy: f64,
    /// Which training images: `"training_subset"` (all `n_train`, the CNN) or
    /// `"training_sample"` (the first `train_eval_images`, the KNN).
    pub train_eval: &'static str,
    /// How many training images `train_accuracy` is measured on.
    pub train_eval_images: usize,
    /// Learnt parameters (the CNN's weights; 0 for the KNN, which learns none).
    pub param_count: usize,
    /// Bytes the fitted model holds: parameters × 4 (float32) for the CNN; for the KNN its
    /// stored training set, `n_train × 784` float32 pixels plus an int64 label each.
    pub model_bytes: usize,
    /// SHA-256 of the CNN's weights (as the CNN lab reports it); `None` for the KNN.
    pub weights_sha256: Option<String>,
    /// The CNN lab link that trains the same weights; `None` for the KNN.
    pub cnn_link: Option<String>,
    /// Every class at once.
    pub multiclass: views::Multiclass,
    /// The link's positive class against the rest, at the link's threshold.
    pub one_vs_rest: views::OneVsRest,
}

/// The CNN lab's config with this metrics config's values for its keys.
fn cnn_config(config: &Config) -> Config {
    let mut c = Config::defaults(&cnn::SPEC);
    for p in cnn::SPEC.params {
        c.values.insert(p.name, config.values[p.name].clone());
    }
    c
}

/// Pixels of `split`'s images `idx` as float32 in [0, 1], row after row.
fn rows(split: &Split, idx: impl Iterator<Item = usize>) -> Vec<f32> {
    let mut x = Vec::new();
    let mut labels = Vec::new();
    fill_batch(split, idx, &mut x, &mut labels);
    x
}

/// Index of the first largest value (numpy's `argmax` for the finite scores it gets; a NaN
/// is never picked, where numpy would pick the first NaN).
///
/// Not `crate::nn::loss::argmax`: the rule (first largest, NaN skipped) is the same, but
/// that one takes `f32` logits. The KNN's `predict_proba` fractions are `f64` (exact, as
/// scikit-learn's), and rounding them to `f32` could turn two close distance-weighted
/// votes into a tie and so change the predicted class; the CNN's softmax outputs are
/// widened from `f32` exactly, so both give it the same index.
fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

impl ModelEval {
    /// Prepares the evaluation a checked metrics config describes (`model` cnn or knn),
    /// on `data` (the config's dataset): builds the CNN, or fits the KNN.
    pub fn new(config: &Config, data: Rc<Dataset>) -> Result<ModelEval, String> {
        let model_name = config.choice("model");
        if data.name != config.choice("dataset") {
            return Err(format!(
                "the evaluation needs dataset {} but {} was loaded",
                config.choice("dataset"),
                data.name
            ));
        }
        let n_train = (config.int("train_size") as usize).min(data.train.len());
        let (model, n_train_eval) = match model_name {
            "cnn" => (
                Fitted::Cnn(Box::new(cnn::build(cnn_config(config), data.clone())?)),
                n_train,
            ),
            "knn" => (Fitted::Knn(Self::fit_knn(config, &data, n_train)?), {
                KNN_TRAIN_SAMPLE.min(n_train)
            }),
            other => return Err(format!("model={other} is not a model to train")),
        };
        Ok(ModelEval {
            config: config.clone(),
            data,
            model,
            phase: Phase::Train,
            n_train,
            n_train_eval,
            test_proba: Vec::new(),
            train_pred: Vec::new(),
            steps_done: 0,
            diverged: None,
            weights_sha256: None,
            x: Vec::new(),
            y: Vec::new(),
            out: Vec::new(),
        })
    }

    fn fit_knn(config: &Config, data: &Dataset, n_train: usize) -> Result<KnnFit, String> {
        let weights = match config.choice("weights") {
            "distance" => Weights::Distance,
            _ => Weights::Uniform,
        };
        let k = config.int("n_neighbors") as usize;
        let labels: Vec<Label> = data.train.labels[..n_train]
            .iter()
            .map(|&l| Label::from(l))
            .collect();
        let d = data.train.rows * data.train.cols;
        let x_train = rows(&data.train, 0..n_train);
        let clf = KNeighborsClassifier::fit(x_train, d, &labels, k, weights, Metric::Euclidean)?;
        let class_of = labels
            .iter()
            .map(|l| clf.classes().binary_search(l).expect("a training label"))
            .collect();
        Ok(KnnFit {
            clf,
            class_of,
            x_test: rows(&data.test, 0..data.test.len()),
            x_sample: rows(&data.train, 0..KNN_TRAIN_SAMPLE.min(n_train)),
        })
    }

    fn classes(&self) -> usize {
        self.data.classes.len()
    }

    fn n_test(&self) -> usize {
        self.data.test.len()
    }

    /// The phase the next step works in.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// True when every phase is done (or training diverged).
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// Does up to `max_units` of work in the current phase (CNN batches or images) and
    /// says what it did; stops early at the end of the phase.
    pub fn step(&mut self, max_units: usize) -> EvalProgress {
        let max_units = max_units.max(1);
        let phase = self.phase;
        let (done, total) = match phase {
            Phase::Train => self.train(max_units),
            Phase::PredictTest => {
                let start = self.test_proba.len() / self.classes();
                let end = (start + max_units).min(self.n_test());
                let proba = self.predict(false, start, end);
                self.test_proba.extend(proba);
                if end == self.n_test() {
                    self.phase = Phase::PredictTrain;
                }
                (end, self.n_test())
            }
            Phase::PredictTrain => {
                let start = self.train_pred.len();
                let end = (start + max_units).min(self.n_train_eval);
                let c = self.classes();
                let proba = self.predict(true, start, end);
                self.train_pred
                    .extend(proba.chunks_exact(c).map(|p| argmax(p) as Label));
                if end == self.n_train_eval {
                    self.finish();
                }
                (end, self.n_train_eval)
            }
            Phase::Done => (0, 0),
        };
        EvalProgress {
            phase,
            done,
            total,
            fraction: self.fraction(),
            finished: self.is_done(),
            diverged: self.diverged.clone(),
        }
    }

    /// Runs up to `max_units` CNN batches; the KNN has nothing to train.
    fn train(&mut self, max_units: usize) -> (usize, usize) {
        let Fitted::Cnn(run) = &mut self.model else {
            self.phase = Phase::PredictTest;
            return (0, 0);
        };
        let snap = run.step(max_units);
        self.steps_done = snap.step;
        if let Some(msg) = snap.diverged {
            self.diverged = Some(msg);
            self.phase = Phase::Done;
        } else if snap.done {
            self.phase = Phase::PredictTest;
        }
        (snap.step, snap.total_steps)
    }

    fn finish(&mut self) {
        self.phase = Phase::Done;
        if let Fitted::Cnn(run) = &self.model {
            self.weights_sha256 = Some(run.model().weights_sha256());
        }
    }

    /// Class probabilities (rows × classes, class index order) of test images
    /// `start..end`, or of training images when `train`.
    fn predict(&mut self, train: bool, start: usize, end: usize) -> Vec<f64> {
        let c = self.classes();
        let mut proba = vec![0.0f64; (end - start) * c];
        match &mut self.model {
            Fitted::Cnn(run) => {
                let split = if train {
                    &self.data.train
                } else {
                    &self.data.test
                };
                for s in (start..end).step_by(CNN_CHUNK) {
                    let e = (s + CNN_CHUNK).min(end);
                    fill_batch(split, s..e, &mut self.x, &mut self.y);
                    self.out.resize((e - s) * c, 0.0);
                    run.model_mut().predict_proba(&self.x, e - s, &mut self.out);
                    let at = (s - start) * c;
                    for (p, &o) in proba[at..].iter_mut().zip(&self.out) {
                        *p = f64::from(o);
                    }
                }
            }
            Fitted::Knn(k) => {
                let x = if train { &k.x_sample } else { &k.x_test };
                let q = k.clf.queries(x).expect("finite pixels");
                let labels = k.clf.classes();
                let mut own = vec![0.0; labels.len()];
                let neighbors = q.kneighbors_chunk(start, end, k.clf.n_neighbors);
                for (row, nb) in proba.chunks_exact_mut(c).zip(&neighbors) {
                    knn_proba::predict_proba(nb, &k.class_of, k.clf.weights, &mut own);
                    // Columns of classes absent from the training images stay 0.
                    for (&label, &p) in labels.iter().zip(&own) {
                        row[label as usize] = p;
                    }
                }
            }
        }
        proba
    }

    /// Share of the work done, counting a CNN batch as three forward passes per image and
    /// the CNN's test evaluation after each epoch; KNN rows all cost alike.
    fn fraction(&self) -> f64 {
        let (train_done, train_total) = match &self.model {
            Fitted::Cnn(run) => {
                let per_step = 3.0 * self.config.int("batch_size") as f64;
                let epochs = self.config.int("epochs") as f64;
                let steps = run.total_steps() as f64;
                let done = if self.phase == Phase::Train {
                    let s = self.steps_done as f64;
                    s * per_step + (s / steps * epochs).floor() * self.n_test() as f64
                } else {
                    steps * per_step + epochs * self.n_test() as f64
                };
                (done, steps * per_step + epochs * self.n_test() as f64)
            }
            Fitted::Knn(_) => (0.0, 0.0),
        };
        let rows_done = (self.test_proba.len() / self.classes() + self.train_pred.len()) as f64;
        let rows_total = (self.n_test() + self.n_train_eval) as f64;
        if self.is_done() {
            return 1.0;
        }
        (train_done + rows_done) / (train_total + rows_total).max(1.0)
    }

    /// True when `config` describes the model this evaluation trained (see
    /// [`lab::same_model`]).
    pub fn same_model(&self, config: &Config) -> bool {
        lab::same_model(&self.config, config)
    }

    /// True class of every test image.
    pub fn test_labels(&self) -> Vec<Label> {
        self.data.test.labels.iter().map(|&l| l.into()).collect()
    }

    /// Class probabilities of the test images predicted so far (rows × classes).
    pub fn test_proba(&self) -> &[f64] {
        &self.test_proba
    }

    /// Predicted class of every test image: the most probable one (the first on ties).
    pub fn test_predictions(&self) -> Vec<Label> {
        self.test_proba
            .chunks_exact(self.classes())
            .map(|p| argmax(p) as Label)
            .collect()
    }

    /// The trained CNN (`None` for the KNN).
    pub fn cnn(&self) -> Option<&Run> {
        match &self.model {
            Fitted::Cnn(run) => Some(run),
            Fitted::Knn(_) => None,
        }
    }

    /// The report for `config`'s positive class, threshold and zero_division; `None` when
    /// `config` describes another model (see [`ModelEval::same_model`]). An error before
    /// the evaluation has finished or after training diverged.
    pub fn report(&self, config: &Config) -> Result<Option<ModelReport>, String> {
        if let Some(msg) = &self.diverged {
            return Err(msg.clone());
        }
        if !self.is_done() {
            return Err("the evaluation has not finished yet".into());
        }
        if !self.same_model(config) {
            return Ok(None);
        }
        let c = self.classes();
        let zero_division = lab::zero_division(config)?;
        let y_test = self.test_labels();
        let y_pred = self.test_predictions();
        let class = config.int("positive_class");
        if class < 0 || class as usize >= c {
            return Err(format!(
                "positive_class={class} is not a class of {} (0 to {})",
                self.data.name,
                c - 1
            ));
        }
        let scores: Vec<f64> = self
            .test_proba
            .chunks_exact(c)
            .map(|p| p[class as usize])
            .collect();
        let labels: Vec<Label> = (0..c as Label).collect();
        let err = |e: metrics::MetricError| e.0;
        let y_train_eval: Vec<Label> = self.data.train.labels[..self.n_train_eval]
            .iter()
            .map(|&l| l.into())
            .collect();
        let (param_count, model_bytes, cnn_link) = match &self.model {
            Fitted::Cnn(run) => {
                let n = run.model().param_count();
                let link = crate::link::canonical(&cnn_config(&self.config));
                (n, n * 4, Some(format!("#{link}")))
            }
            Fitted::Knn(k) => {
                let n = k.clf.n_train();
                (
                    0,
                    n * self.data.train.rows * self.data.train.cols * 4 + n * 8,
                    None,
                )
            }
        };
        Ok(Some(ModelReport {
            model: self.config.choice("model").to_string(),
            dataset: self.data.name.clone(),
            classes: self.data.classes.clone(),
            n_train: self.n_train,
            n_test: self.n_test(),
            accuracy: metrics::accuracy_score(&y_test, &y_pred).map_err(err)?,
            train_accuracy: metrics::accuracy_score(&y_train_eval, &self.train_pred)
                .map_err(err)?,
            train_eval: match self.model {
                Fitted::Cnn(_) => "training_subset",
                Fitted::Knn(_) => "training_sample",
            },
            train_eval_images: self.n_train_eval,
            param_count,
            model_bytes,
            weights_sha256: self.weights_sha256.clone(),
            cnn_link,
            multiclass: views::multiclass(&y_test, &y_pred, &labels, zero_division)?,
            one_vs_rest: views::one_vs_rest(
                &y_test,
                &scores,
                class,
                config.float("threshold"),
                zero_division,
            )?,
        }))
    }
}
