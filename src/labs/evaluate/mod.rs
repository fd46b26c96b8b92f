//! The evaluate lab: how good is a classifier, and what does it cost? Train the CNN lab's
//! network or fit a KNN here, score every test image, and keep each test image's class
//! probabilities, so the one-vs-rest and multiclass views ([`views`]) can be recomputed
//! for any positive class and threshold without training again (those keys are view-only
//! in the table).
//!
//! - The CNN is the CNN lab's network, trained by that lab itself from the same keys, so
//!   its weights equal those of the CNN lab link in [`ModelReport::cnn_link`]. Scores are
//!   its softmax outputs.
//! - The KNN is [`crate::knn`]'s scikit-learn-exact `KNeighborsClassifier` (Euclidean, as
//!   in the KNN lab); scores are its `predict_proba` vote fractions.
//!
//! Work comes in phases: train (CNN batches; nothing for the KNN, which only stores the
//! images), predict the test split, then predict the training images of the
//! generalisation check: the CNN's whole training subset, or for the KNN the first
//! [`KNN_TRAIN_SAMPLE`] training images (each finds itself at distance 0, which is the
//! point: a KNN remembers its training set). This lab used to be the metrics lab's
//! `model=cnn|knn`; such links open here ([`Evaluate::migrate`]).

pub mod views;

use super::cnn::{Cnn, CnnConfig};
use super::knn::WeightsChoice;
use super::metrics::{ZeroDivisionChoice, ZERO_DIVISION};
use super::params;
use super::protocol::{Assets, Budget, Lab, Outcome, Phase, Progress, RunInfo, Stopped};
use super::python;
use super::training::{fill_batch, Training};
use crate::data::Dataset;
use crate::knn::{KNeighborsClassifier, Metric};
use crate::link;
use crate::metrics::{self, Label};
use crate::schema::{Config, FromConfig, Help, Kind, LabSpec, Param, Text};
use ndarray::{Array1, Array2, ArrayView2};
use serde::Serialize;
use std::rc::Rc;

/// Training images the KNN's training accuracy is measured on (the first ones).
pub const KNN_TRAIN_SAMPLE: usize = 500;
/// Images predicted per unit of work (bounds a CNN forward pass and a KNN block).
const PREDICT_UNIT: usize = 32;

crate::choice_enum! {
    /// The model to evaluate.
    pub enum ModelChoice {
        /// The CNN lab's network.
        Cnn = "cnn",
        /// k-nearest neighbours.
        Knn = "knn",
    }
}

const CNN: &[&str] = &["cnn"];
const KNN: &[&str] = &["knn"];

/// The lab's parameter table.
pub static SPEC: LabSpec = LabSpec {
    // Shown up front when the lab is embedded in a page.
    essentials: &["model", "dataset", "positive_class"],
    ..LabSpec::new(
        "evaluate",
        Help {
            en: "Evaluate",
            zh: "模型评估",
        },
        &[
            Param::new(
                "model",
                Kind::Choice {
                    choices: ModelChoice::NAMES,
                    default: "cnn",
                },
                Help {
                    en: "What to evaluate: cnn = train the CNN lab's network here and score its test \
                         predictions; knn = k-nearest neighbours on the same images.",
                    zh: "评估什么：cnn 为在这里训练卷积网络实验的网络并评估它对测试集的预测；\
                         knn 为在同样的图片上用 k 近邻分类。",
                },
            ),
            params::DATASET,
            params::TRAIN_SIZE,
            params::EPOCHS.active_when("model", CNN),
            params::BATCH_SIZE.active_when("model", CNN),
            params::ADAM_LEARNING_RATE.active_when("model", CNN),
            params::SEED.active_when("model", CNN),
            super::knn::N_NEIGHBORS.active_when("model", KNN),
            super::knn::WEIGHTS.active_when("model", KNN),
            ZERO_DIVISION.view_only(),
            Param::new(
                "positive_class",
                Kind::Int {
                    min: 0,
                    max: 9,
                    default: 1,
                },
                Help {
                    en: "One-vs-rest view of a model: this class is positive, every other class \
                         negative; its probability is the score.",
                    zh: "模型的一对其余视图：该类别为正类，其余类别都为负类；该类别的概率即为得分。",
                },
            )
            .view_only(),
            Param::new(
                "threshold",
                Kind::Float {
                    min: 0.0,
                    max: 1.0,
                    default: 0.5,
                    log: false,
                },
                Help {
                    en: "Predict positive when the score is at least this (as roc_curve and \
                         precision_recall_curve count their points).",
                    zh: "得分不低于该值时预测为正类（与 roc_curve 和 precision_recall_curve \
                         计算各点的方式相同）。",
                },
            )
            .view_only(),
        ],
    )
};

/// The lab's typed configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct EvaluateConfig {
    /// CNN or KNN.
    pub model: ModelChoice,
    /// The CNN lab's settings (dataset and train_size serve the KNN too).
    pub cnn: CnnConfig,
    /// The CNN lab link with the same settings.
    pub cnn_link: String,
    /// The KNN's k.
    pub n_neighbors: usize,
    /// How its neighbours vote.
    pub weights: WeightsChoice,
    /// What a 0/0 score becomes.
    pub zero_division: ZeroDivisionChoice,
    /// The class of the one-vs-rest view.
    pub positive_class: Label,
    /// Its threshold.
    pub threshold: f64,
}

impl FromConfig for EvaluateConfig {
    fn from_config(c: &Config) -> Self {
        // The CNN lab's link for the same run: its keys from this table, the rest (such
        // as `classes`) at their defaults, which is what the evaluation trains.
        let mut cnn = Config::defaults(&super::cnn::SPEC);
        for p in super::cnn::SPEC.params {
            if let Some(v) = c.values.get(p.name) {
                cnn.values.insert(p.name, v.clone());
            }
        }
        EvaluateConfig {
            model: c.choice("model"),
            cnn: CnnConfig::from_config(c),
            cnn_link: format!("#{}", link::canonical(&cnn)),
            n_neighbors: c.count("n_neighbors"),
            weights: c.choice("weights"),
            zero_division: c.choice("zero_division"),
            positive_class: c.int("positive_class"),
            threshold: c.float("threshold"),
        }
    }
}

/// The model being evaluated.
enum Fitted {
    Cnn(Box<Training<Cnn>>),
    Knn(Box<KnnFit>),
}

/// A fitted KNN and the query rows it predicts.
struct KnnFit {
    clf: KNeighborsClassifier,
    x_test: Array2<f32>,
    x_sample: Array2<f32>,
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

/// A model being evaluated, then its kept predictions.
pub struct Evaluate {
    config: EvaluateConfig,
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
    /// Images predicted so far plus images trained on (the envelope's `samples`).
    samples: u64,
    x: Vec<f32>,
    y: Vec<u8>,
    out: Vec<f32>,
}

impl Evaluate {
    fn fit_knn(config: &EvaluateConfig, data: &Dataset, n_train: usize) -> Result<KnnFit, String> {
        let first = |n: usize| (0..n).collect::<Vec<usize>>();
        let y = data.train.targets(&first(n_train));
        let clf = KNeighborsClassifier::fit(
            data.train.features(&first(n_train)),
            y.view(),
            config.n_neighbors,
            config.weights.into(),
            Metric::Euclidean,
        )?;
        Ok(KnnFit {
            clf,
            x_test: data.test.features(&first(data.test.len())),
            x_sample: data.train.features(&first(KNN_TRAIN_SAMPLE.min(n_train))),
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

    /// Class probabilities of the test images predicted so far: one row per image, one
    /// column per class (`predict_proba`).
    pub fn test_proba(&self) -> ArrayView2<'_, f64> {
        let c = self.classes();
        ArrayView2::from_shape((self.test_proba.len() / c, c), &self.test_proba)
            .expect("whole rows")
    }

    /// True class of every test image.
    pub fn test_labels(&self) -> Array1<Label> {
        self.data.test.labels.mapv(Label::from)
    }

    /// Predicted class of every test image: the most probable one (the first on ties).
    pub fn test_predictions(&self) -> Array1<Label> {
        self.test_proba
            .chunks_exact(self.classes())
            .map(|p| argmax(p) as Label)
            .collect()
    }

    /// The trained CNN (`None` for the KNN).
    pub fn cnn(&self) -> Option<&Training<Cnn>> {
        match &self.model {
            Fitted::Cnn(t) => Some(t),
            Fitted::Knn(_) => None,
        }
    }

    /// Trains within `budget`; the KNN has nothing to train. Returns the phase's units
    /// done and in all, and why training stopped early if it did.
    fn train(&mut self, budget: &mut Budget) -> (usize, usize, Option<Stopped>) {
        let Fitted::Cnn(lab) = &mut self.model else {
            self.phase = Phase::PredictTest;
            return (0, 0, None);
        };
        let p = lab.step(budget);
        self.samples = p.samples;
        if p.stopped.is_some() {
            self.phase = Phase::Done;
        } else if p.done {
            self.phase = Phase::PredictTest;
        }
        (p.step, p.total, p.stopped)
    }

    /// Class probabilities (rows × classes, class index order) of test images
    /// `start..end`, or of training images when `train`.
    fn predict(&mut self, train: bool, start: usize, end: usize) -> Vec<f64> {
        let c = self.classes();
        let mut proba = vec![0.0f64; (end - start) * c];
        match &mut self.model {
            Fitted::Cnn(lab) => {
                let split = if train {
                    &self.data.train
                } else {
                    &self.data.test
                };
                fill_batch(split, start..end, &mut self.x, &mut self.y);
                self.out.resize((end - start) * c, 0.0);
                let model = lab.trainer_mut().model_mut();
                model.predict_proba(&self.x, end - start, &mut self.out);
                for (p, &o) in proba.iter_mut().zip(&self.out) {
                    *p = f64::from(o);
                }
            }
            Fitted::Knn(k) => {
                let x = if train { &k.x_sample } else { &k.x_test };
                let q = k.clf.queries(x.view()).expect("finite pixels");
                let own = q.predict_proba_chunk(start, end);
                for (row, p) in proba.chunks_exact_mut(c).zip(own.rows()) {
                    // Columns of classes absent from the training images stay 0.
                    for (&label, &v) in k.clf.classes().iter().zip(p) {
                        row[label as usize] = v;
                    }
                }
            }
        }
        self.samples += (end - start) as u64;
        proba
    }

    /// Share of the work done, counting a CNN batch as three forward passes per image and
    /// the CNN's test evaluation after each epoch; KNN rows all cost alike.
    fn fraction(&self) -> f64 {
        if self.phase == Phase::Done {
            return 1.0;
        }
        let (train_done, train_total) = match &self.model {
            Fitted::Cnn(lab) => {
                let t = lab.trainer();
                let per_step = 3.0 * self.config.cnn.training.batch_size as f64;
                let epochs = t.epochs() as f64;
                let steps = t.total_steps() as f64;
                let tests = epochs * self.n_test() as f64;
                let done = if self.phase == Phase::Train {
                    t.step_count() as f64 * per_step + t.epoch() as f64 * self.n_test() as f64
                } else {
                    steps * per_step + tests
                };
                (done, steps * per_step + tests)
            }
            Fitted::Knn(_) => (0.0, 0.0),
        };
        let rows_done = (self.test_proba.len() / self.classes() + self.train_pred.len()) as f64;
        let rows_total = (self.n_test() + self.n_train_eval) as f64;
        (train_done + rows_done) / (train_total + rows_total).max(1.0)
    }

    /// The report for `view`'s positive class, threshold and zero_division.
    pub fn report(&self, view: &EvaluateConfig) -> Result<ModelReport, String> {
        let c = self.classes();
        let zero_division = view.zero_division.into();
        let (y_test, y_pred) = (self.test_labels(), self.test_predictions());
        let (y_test, y_pred) = (
            y_test.as_slice().expect("built"),
            y_pred.as_slice().expect("built"),
        );
        let class = view.positive_class;
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
        let y_train_eval = self
            .data
            .train
            .targets(&(0..self.n_train_eval).collect::<Vec<_>>());
        let (param_count, model_bytes, weights_sha256, cnn_link) = match &self.model {
            Fitted::Cnn(lab) => {
                let model = lab.trainer().model();
                let n = model.param_count();
                let link = Some(self.config.cnn_link.clone());
                (n, n * 4, Some(model.weights_sha256()), link)
            }
            Fitted::Knn(k) => {
                let n = k.clf.n_train();
                let pixels = self.data.train.rows() * self.data.train.cols();
                (0, n * pixels * 4 + n * 8, None, None)
            }
        };
        Ok(ModelReport {
            model: self.config.model.name().to_string(),
            dataset: self.data.name.clone(),
            classes: self.data.classes.clone(),
            n_train: self.n_train,
            n_test: self.n_test(),
            accuracy: metrics::accuracy_score(y_test, y_pred).map_err(err)?,
            train_accuracy: metrics::accuracy_score(
                y_train_eval.as_slice().expect("contiguous"),
                &self.train_pred,
            )
            .map_err(err)?,
            train_eval: match self.model {
                Fitted::Cnn(_) => "training_subset",
                Fitted::Knn(_) => "training_sample",
            },
            train_eval_images: self.n_train_eval,
            param_count,
            model_bytes,
            weights_sha256,
            cnn_link,
            multiclass: views::multiclass(y_test, y_pred, &labels, zero_division)?,
            one_vs_rest: views::one_vs_rest(y_test, &scores, class, view.threshold, zero_division)?,
        })
    }
}

impl Lab for Evaluate {
    type Config = EvaluateConfig;
    type Payload = ();

    fn spec() -> &'static LabSpec {
        &SPEC
    }

    fn python(config: &EvaluateConfig) -> String {
        python(config)
    }

    fn datasets(config: &EvaluateConfig) -> Vec<&'static str> {
        vec![config.cnn.training.dataset.name()]
    }

    /// Builds the CNN, or fits the KNN.
    fn new(config: EvaluateConfig, data: &Assets) -> Result<Self, String> {
        let data = data.dataset(config.cnn.training.dataset.name())?;
        let n_train = config.cnn.training.train_size.min(data.train.len());
        let (model, n_train_eval) = match config.model {
            ModelChoice::Cnn => {
                let mut sets = Assets::new();
                sets.insert(data.clone());
                let lab = Training::<Cnn>::new(config.cnn.clone(), &sets)?;
                (Fitted::Cnn(Box::new(lab)), n_train)
            }
            ModelChoice::Knn => (
                Fitted::Knn(Box::new(Self::fit_knn(&config, &data, n_train)?)),
                KNN_TRAIN_SAMPLE.min(n_train),
            ),
        };
        Ok(Evaluate {
            config,
            data,
            model,
            phase: Phase::Train,
            n_train,
            n_train_eval,
            test_proba: Vec::new(),
            train_pred: Vec::new(),
            samples: 0,
            x: Vec::new(),
            y: Vec::new(),
            out: Vec::new(),
        })
    }

    fn step(&mut self, budget: &mut Budget) -> Progress<()> {
        let phase = self.phase;
        let (mut done, mut total, mut stopped) = (0, 0, None);
        match phase {
            Phase::Train => (done, total, stopped) = self.train(budget),
            Phase::PredictTest | Phase::PredictTrain => {
                let train = phase == Phase::PredictTrain;
                total = if train {
                    self.n_train_eval
                } else {
                    self.n_test()
                };
                let c = self.classes();
                done = if train {
                    self.train_pred.len()
                } else {
                    self.test_proba.len() / c
                };
                while done < total && budget.more() {
                    let end = (done + PREDICT_UNIT).min(total);
                    let proba = self.predict(train, done, end);
                    if train {
                        self.train_pred
                            .extend(proba.chunks_exact(c).map(|p| argmax(p) as Label));
                    } else {
                        self.test_proba.extend(proba);
                    }
                    done = end;
                }
                if done == total {
                    self.phase = if train {
                        Phase::Done
                    } else {
                        Phase::PredictTrain
                    };
                }
            }
            _ => {}
        }
        Progress {
            phase,
            step: done,
            total,
            fraction: self.fraction(),
            samples: self.samples,
            done: self.phase == Phase::Done,
            stopped,
            payload: (),
            pictures: Vec::new(),
        }
    }

    fn outcome(&self) -> Outcome {
        let report = self.report(&self.config);
        let (metrics, weights_sha256, param_count) = match &report {
            Ok(r) => (
                [
                    ("test_accuracy", Some(r.accuracy)),
                    ("train_accuracy", Some(r.train_accuracy)),
                    ("roc_auc", r.one_vs_rest.roc_auc),
                    ("average_precision", r.one_vs_rest.average_precision),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
                .collect(),
                r.weights_sha256.clone(),
                (r.param_count > 0).then_some(r.param_count),
            ),
            Err(_) => Default::default(),
        };
        Outcome {
            metrics,
            weights_sha256,
            param_count,
            report: match report {
                Ok(r) => serde_json::to_value(r).unwrap_or_default(),
                Err(e) => serde_json::json!({ "error": e }),
            },
        }
    }

    fn info(&self) -> RunInfo {
        RunInfo {
            classes: self.data.classes.clone(),
            param_count: self.cnn().map(|t| t.trainer().model().param_count()),
            layers: Vec::new(),
        }
    }

    fn view(&self, config: &EvaluateConfig) -> Result<serde_json::Value, String> {
        serde_json::to_value(self.report(config)?).map_err(|e| e.to_string())
    }

    fn migrate(pairs: &mut Vec<(String, String)>) -> Option<Text> {
        let metrics = pairs.iter().any(|(k, v)| k == "lab" && v == "metrics");
        let model = pairs.iter().any(|(k, v)| k == "model" && v != "lists");
        if !(metrics && model) {
            return None;
        }
        // The typed-lists keys had no effect on a model evaluation: drop them quietly.
        const LISTS: [&str; 5] = ["y_true", "y_pred", "y_score", "pos_label", "average"];
        pairs.retain(|(k, _)| !LISTS.contains(&k.as_str()));
        for (k, v) in pairs.iter_mut() {
            if k == "lab" {
                *v = "evaluate".into();
            }
        }
        Some(Text {
            en: "This link evaluated a model in the metrics lab; model evaluation now has its \
                 own lab, Evaluate, which opened with the same settings."
                .into(),
            zh: "这个链接原本在评估指标实验中评估模型；模型评估现在有了自己的实验“模型评估”，\
                 已用相同的设置打开。"
                .into(),
        })
    }
}

/// The lab as a script: the CNN trained with Keras 3 exactly as the CNN lab's script
/// trains it, or scikit-learn's KNN fitted on the same images; then the scores the page
/// shows, from scikit-learn (test and training accuracy, the confusion matrix, per-class
/// precision, recall and F1, and the link's class against the rest at its threshold).
pub fn python(config: &EvaluateConfig) -> String {
    let dataset = config.cnn.training.dataset.name();
    let n_train = config.cnn.training.train_size;
    let zero_division = super::metrics::zero_division_arg(config.zero_division);
    let (intro, imports, model) = match config.model {
        ModelChoice::Cnn => (
            format!(
                "{}{}\n",
                python::comment(
                    &format!(
                        "The evaluate lab in Keras 3 and scikit-learn: train the CNN lab's \
                         network as {} trains it, then score its predictions on the test images.",
                        config.cnn_link
                    ),
                    0
                ),
                python::SAME_SETTINGS
            ),
            "import keras\nimport numpy as np\nfrom keras import layers\n",
            format!(
                "{}
# Every test image's class probabilities; the prediction is the most probable class.
proba = model.predict(x_test, verbose=0)
y_pred = proba.argmax(axis=1)
# The generalisation check: the training images it learnt from.
train_pred = model.predict(x_train, verbose=0).argmax(axis=1)
",
                super::cnn::keras_training(&config.cnn)
            ),
        ),
        ModelChoice::Knn => (
            "# The evaluate lab in scikit-learn: k-nearest neighbours fitted on the first training\n\
             # images, then scored on the test images (mlpad's predictions equal scikit-learn's).\n"
                .to_string(),
            "import numpy as np\n",
            format!(
                "(x_train, y_train), (x_test, y_test) = load(\"{dataset}\")
# The first {n_train} training images are what it remembers; pixels as float32 in [0, 1].
x_train = x_train[:{n_train}].reshape(-1, 784).astype(np.float32) / 255
y_train = y_train[:{n_train}]
x_test = x_test.reshape(-1, 784).astype(np.float32) / 255
knn = {knn}
knn.fit(x_train, y_train)
# Every test image's class probabilities (the neighbours' vote shares); the prediction is
# the most probable class.
proba = knn.predict_proba(x_test)
y_pred = proba.argmax(axis=1)
# The generalisation check: the first {sample} training images, each of which finds
# itself at distance 0.
train_pred = knn.predict_proba(x_train[:{sample}]).argmax(axis=1)
y_train = y_train[:{sample}]
",
                // The lab's KNN measures Euclidean distances, as the KNN lab's default.
                knn = super::knn::sklearn_classifier(
                    config.n_neighbors,
                    config.weights,
                    super::knn::MetricChoice::Euclidean
                ),
                sample = KNN_TRAIN_SAMPLE.min(n_train),
            ),
        ),
    };
    let c = config.positive_class;
    format!(
        r#"{intro}import gzip
import os

{imports}from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    classification_report,
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
)
{knn_import}
{prelude}

{model}
print(f"test_accuracy: {{accuracy_score(y_test, y_pred):.4f}}")
print(f"train_accuracy: {{accuracy_score(y_train, train_pred):.4f}}")
print(confusion_matrix(y_test, y_pred, labels=range(10)))
print(classification_report(y_test, y_pred, labels=range(10), digits=4{zero_division}))

# One class against the rest: class {c} is positive, its probability the score.
y_positive = (y_test == {c}).astype(int)
scores = proba[:, {c}]
print(f"roc_auc: {{roc_auc_score(y_positive, scores):.4f}}")
print(f"average_precision: {{average_precision_score(y_positive, scores):.4f}}")
# At threshold {threshold}: positive when the score is at least the threshold.
at_threshold = (scores >= {threshold}).astype(int)
print(confusion_matrix(y_positive, at_threshold, labels=[0, 1]))
precision, recall, f1, _ = precision_recall_fscore_support(
    y_positive, at_threshold, average="binary"{zero_division}
)
print(f"precision: {{precision:.4f}}, recall: {{recall:.4f}}, f1: {{f1:.4f}}")
"#,
        knn_import = if config.model == ModelChoice::Knn {
            "from sklearn.neighbors import KNeighborsClassifier\n"
        } else {
            ""
        },
        prelude = python::data_prelude(&[dataset], config.model == ModelChoice::Cnn),
        threshold = python::float(config.threshold),
    )
}
