//! The metrics lab: type labels (and optionally scores) into the link, get scikit-learn's
//! numbers for them, with its warnings as plain words.
//!
//! Everything is computed by [`crate::metrics`] (scikit-learn-exact). It needs no data
//! and finishes in its first step, so the page runs it on every edit (a `live` lab). The
//! `evaluate` lab trains a real model and scores it with the same functions.
//!
//! JSON of the report: non-finite numbers cannot be JSON numbers, so NaN (an undefined
//! metric, e.g. ROC AUC with one class) is `null`, and in `roc_curve.thresholds` the first
//! threshold, `+inf` in scikit-learn, is the string `"inf"` (`"-inf"` likewise; NaN `null`).

use super::protocol::{numbers_of, Assets, Budget, Lab, Outcome, Phase, Progress};
use super::python;
use crate::metrics::{
    self, Average, Label, MetricError, MetricResult, PrfOptions, WarningKind, ZeroDivision,
};
use crate::schema::{Config, FromConfig, Help, Kind, LabSpec, Param, Text};
use serde::{Serialize, Serializer};

crate::choice_enum! {
    /// How precision, recall and F1 combine classes (scikit-learn's `average`).
    pub enum AverageChoice {
        /// `pos_label` only.
        Binary = "binary",
        /// Global counts.
        Micro = "micro",
        /// Plain mean over classes.
        Macro = "macro",
        /// Mean weighted by support.
        Weighted = "weighted",
    }
}

crate::choice_enum! {
    /// What a 0/0 precision, recall or F1 becomes (scikit-learn's `zero_division`).
    pub enum ZeroDivisionChoice {
        /// 0 and a warning.
        Warn = "warn",
        /// 0.
        Zero = "0",
        /// 1.
        One = "1",
        /// NaN.
        Nan = "nan",
    }
}

impl From<ZeroDivisionChoice> for ZeroDivision {
    fn from(z: ZeroDivisionChoice) -> ZeroDivision {
        match z {
            ZeroDivisionChoice::Warn => ZeroDivision::Warn,
            ZeroDivisionChoice::Zero => ZeroDivision::Zero,
            ZeroDivisionChoice::One => ZeroDivision::One,
            ZeroDivisionChoice::Nan => ZeroDivision::NaN,
        }
    }
}

/// `zero_division`: shared with the evaluate lab.
pub const ZERO_DIVISION: Param = Param::new(
    "zero_division",
    Kind::Choice {
        choices: ZeroDivisionChoice::NAMES,
        default: "warn",
    },
    Help {
        en: "What a 0/0 precision, recall or F1 becomes: warn = 0 plus a warning, or \
             0, 1, nan silently.",
        zh: "精确率、召回率或 F1 为 0/0 时的取值：warn 为 0 并给出警告，\
             或静默取 0、1、nan。",
    },
);

/// The lab's parameter table (scikit-learn argument names).
pub static SPEC: LabSpec = LabSpec {
    // Shown up front when the lab is embedded in a page.
    essentials: &["y_true", "y_pred"],
    live: true,
    ..LabSpec::new(
        "metrics",
        Help {
            en: "Metrics",
            zh: "评估指标",
        },
        &[
            Param::new(
                "y_true",
                Kind::IntList {
                    max_len: MAX_LEN,
                    default: "0,1,1,0,1",
                },
                Help {
                    en: "The true class of each sample, as whole numbers separated by commas.",
                    zh: "每个样本的真实类别，用逗号分隔的整数。",
                },
            ),
            Param::new(
                "y_pred",
                Kind::IntList {
                    max_len: MAX_LEN,
                    default: "0,1,0,1,1",
                },
                Help {
                    en: "The predicted class of each sample, in the same order as y_true.",
                    zh: "每个样本的预测类别，顺序与 y_true 相同。",
                },
            ),
            Param::new(
                "y_score",
                Kind::FloatList {
                    max_len: MAX_LEN,
                    default: "",
                },
                Help {
                    en:
                        "Optional: a score per sample (higher = more likely positive) for the ROC \
                         curve and AUC; empty means the hard predictions y_pred are used as scores.",
                    zh: "可选：每个样本的得分（越高越可能是正类），用于 ROC 曲线和 AUC；\
                         留空则用 y_pred 的硬预测作为得分。",
                },
            ),
            Param::new(
                "pos_label",
                Kind::Int {
                    min: -1_000_000,
                    max: 1_000_000,
                    default: 1,
                },
                Help {
                    en: "The class counted as positive (average=binary, ROC curve, average \
                         precision).",
                    zh: "视为正类的类别（用于 average=binary、ROC 曲线和平均精确率）。",
                },
            ),
            Param::new(
                "average",
                Kind::Choice {
                    choices: AverageChoice::NAMES,
                    default: "binary",
                },
                Help {
                    en: "How precision, recall and F1 combine classes: binary = pos_label only; \
                         micro = global counts; macro = plain mean over classes; weighted = mean \
                         weighted by each class's true count.",
                    zh: "精确率、召回率和 F1 如何合并各类：binary 只看 pos_label；micro 用总计数；\
                         macro 为各类的简单平均；weighted 按各类真实样本数加权平均。",
                },
            ),
            ZERO_DIVISION,
        ],
    )
};

/// The lab's typed configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricsConfig {
    /// True classes.
    pub y_true: Vec<Label>,
    /// Predicted classes.
    pub y_pred: Vec<Label>,
    /// Scores (empty: `y_pred` serves as scores).
    pub y_score: Vec<f64>,
    /// The positive class.
    pub pos_label: Label,
    /// How classes combine.
    pub average: AverageChoice,
    /// What 0/0 becomes.
    pub zero_division: ZeroDivisionChoice,
}

impl FromConfig for MetricsConfig {
    fn from_config(c: &Config) -> Self {
        MetricsConfig {
            y_true: c.int_list("y_true").to_vec(),
            y_pred: c.int_list("y_pred").to_vec(),
            y_score: c.float_list("y_score").to_vec(),
            pos_label: c.int("pos_label"),
            average: c.choice("average"),
            zero_division: c.choice("zero_division"),
        }
    }
}

/// Most labels or scores a link may hold.
pub const MAX_LEN: usize = 5000;

/// A ROC curve as the report gives it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RocCurveReport {
    /// False-positive rates.
    pub fpr: Vec<f64>,
    /// True-positive rates.
    pub tpr: Vec<f64>,
    /// Decreasing thresholds; the first is `+inf`, serialised as `"inf"`.
    #[serde(serialize_with = "floats_with_inf")]
    pub thresholds: Vec<f64>,
}

impl From<metrics::RocCurve> for RocCurveReport {
    fn from(c: metrics::RocCurve) -> Self {
        RocCurveReport {
            fpr: c.fpr,
            tpr: c.tpr,
            thresholds: c.thresholds,
        }
    }
}

/// The confusion matrix with its label order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConfusionReport {
    /// Row and column labels (sorted union of y_true and y_pred).
    pub labels: Vec<Label>,
    /// `counts[i][j]`: samples of true class `labels[i]` predicted as `labels[j]`.
    pub counts: Vec<Vec<u64>>,
}

/// One warning scikit-learn would have printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WarningReport {
    /// The metric whose computation raised it.
    pub metric: &'static str,
    /// The Python warning class (`UndefinedMetricWarning`, `UserWarning`, `RuntimeWarning`).
    pub kind: &'static str,
    /// scikit-learn's message, then what it means in plain words.
    pub message: String,
    /// The same in Simplified Chinese.
    pub message_zh: String,
}

/// A metric scikit-learn refuses to compute for these inputs (it raises), and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedReport {
    /// The metric.
    pub metric: &'static str,
    /// scikit-learn's reason.
    pub message: String,
    /// The same for the Chinese page: says in Chinese that the metric was left out, then
    /// gives scikit-learn's reason as it prints it (exception texts are not translated).
    pub message_zh: String,
}

/// Everything the lab shows for one link. `None` / NaN fields serialise as `null`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricsReport {
    /// Number of samples.
    pub n_samples: usize,
    /// `accuracy_score`.
    pub accuracy: f64,
    /// `precision_score(average, pos_label, zero_division)`.
    pub precision: Option<f64>,
    /// `recall_score(...)`.
    pub recall: Option<f64>,
    /// `f1_score(...)`.
    pub f1: Option<f64>,
    /// `balanced_accuracy_score`.
    pub balanced_accuracy: f64,
    /// `matthews_corrcoef`.
    pub matthews_corrcoef: f64,
    /// `confusion_matrix` and its labels.
    pub confusion_matrix: ConfusionReport,
    /// Where the ranking metrics' scores came from: `"y_score"`, or `"y_pred"` (hard
    /// predictions as scores) when `y_score` is empty.
    pub scores_from: &'static str,
    /// `roc_auc_score(y_true, scores)` (NaN → null with one class in y_true).
    pub roc_auc: Option<f64>,
    /// `roc_curve(y_true, scores, pos_label=pos_label)`.
    pub roc_curve: Option<RocCurveReport>,
    /// `average_precision_score(y_true, scores, pos_label=pos_label)`.
    pub average_precision: Option<f64>,
    /// Every warning, in computation order.
    pub warnings: Vec<WarningReport>,
    /// Metrics left out because scikit-learn raises for these inputs.
    pub skipped: Vec<SkippedReport>,
}

/// Finite numbers as numbers, ±inf as `"inf"` / `"-inf"`, NaN as `null`.
fn floats_with_inf<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for &x in v {
        if x.is_finite() {
            seq.serialize_element(&x)?;
        } else if x == f64::INFINITY {
            seq.serialize_element("inf")?;
        } else if x == f64::NEG_INFINITY {
            seq.serialize_element("-inf")?;
        } else {
            seq.serialize_element(&None::<f64>)?;
        }
    }
    seq.end()
}

/// Collects warnings and skipped metrics while the report is assembled.
#[derive(Default)]
pub(super) struct Notes {
    pub(super) warnings: Vec<WarningReport>,
    pub(super) skipped: Vec<SkippedReport>,
}

impl Notes {
    /// The value of a metric's result, recording its warnings, or `None` (recorded as
    /// skipped) when scikit-learn would raise.
    pub(super) fn take<T>(
        &mut self,
        metric: &'static str,
        r: Result<MetricResult<T>, MetricError>,
    ) -> Option<T> {
        match r {
            Ok(r) => {
                self.warnings
                    .extend(r.warnings.into_iter().map(|w| WarningReport {
                        metric,
                        kind: WarningKind::python_name(w.kind),
                        message: w.message,
                        message_zh: w.message_zh,
                    }));
                Some(r.value)
            }
            Err(e) => {
                self.skipped.push(SkippedReport {
                    metric,
                    message_zh: format!(
                        "scikit-learn 对这些输入会报错，所以没有计算 {metric}：{}",
                        e.0
                    ),
                    message: e.0,
                });
                None
            }
        }
    }
}

/// NaN → `None` (serialised as `null` either way; this keeps the type honest).
pub(super) fn finite_or_none(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// Computes the report for a metrics config. Inputs that no metric accepts (empty
/// `y_true`, lists of different lengths) are an error naming the keys.
pub fn evaluate(config: &MetricsConfig) -> Result<MetricsReport, String> {
    let (y_true, y_pred, y_score) = (&config.y_true[..], &config.y_pred[..], &config.y_score[..]);
    let pos_label = config.pos_label;
    if y_true.is_empty() {
        return Err("y_true is empty: give at least one label, e.g. y_true=0,1,1,0,1".into());
    }
    if y_pred.len() != y_true.len() {
        return Err(format!(
            "y_true has {} values but y_pred has {}: give one prediction per sample",
            y_true.len(),
            y_pred.len()
        ));
    }
    if !y_score.is_empty() && y_score.len() != y_true.len() {
        return Err(format!(
            "y_true has {} values but y_score has {}: give one score per sample, or leave \
             y_score empty to use y_pred as scores",
            y_true.len(),
            y_score.len()
        ));
    }
    let average = match config.average {
        AverageChoice::Binary => Average::Binary { pos_label },
        AverageChoice::Micro => Average::Micro,
        AverageChoice::Macro => Average::Macro,
        AverageChoice::Weighted => Average::Weighted,
    };
    let opts = PrfOptions::new(average).zero_division(config.zero_division.into());
    let err = |e: MetricError| e.0;

    let mut notes = Notes::default();
    let accuracy = metrics::accuracy_score(y_true, y_pred).map_err(err)?;
    let scalar = |a: metrics::Averaged| a.scalar().and_then(finite_or_none);
    let precision = notes
        .take("precision", metrics::precision_score(y_true, y_pred, &opts))
        .and_then(scalar);
    let recall = notes
        .take("recall", metrics::recall_score(y_true, y_pred, &opts))
        .and_then(scalar);
    let f1 = notes
        .take("f1", metrics::f1_score(y_true, y_pred, &opts))
        .and_then(scalar);
    let balanced = metrics::balanced_accuracy_score(y_true, y_pred, false).map_err(err)?;
    let balanced_accuracy = notes.take("balanced_accuracy", Ok(balanced)).unwrap_or(0.0);
    let mcc = metrics::matthews_corrcoef(y_true, y_pred).map_err(err)?;
    let matthews_corrcoef = notes.take("matthews_corrcoef", Ok(mcc)).unwrap_or(0.0);
    let cm = metrics::confusion_matrix(y_true, y_pred, None).map_err(err)?;
    let cm = notes.take("confusion_matrix", Ok(cm)).expect("Ok");

    let (scores, scores_from): (Vec<f64>, _) = if y_score.is_empty() {
        (y_pred.iter().map(|&p| p as f64).collect(), "y_pred")
    } else {
        (y_score.to_vec(), "y_score")
    };
    let roc_auc = notes
        .take("roc_auc", metrics::roc_auc_score(y_true, &scores))
        .and_then(finite_or_none);
    let roc_curve = notes
        .take(
            "roc_curve",
            metrics::roc_curve(y_true, &scores, Some(pos_label), true),
        )
        .map(RocCurveReport::from);
    let average_precision = notes
        .take(
            "average_precision",
            metrics::average_precision_score(y_true, &scores, pos_label),
        )
        .and_then(finite_or_none);

    Ok(MetricsReport {
        n_samples: y_true.len(),
        accuracy,
        precision,
        recall,
        f1,
        balanced_accuracy,
        matthews_corrcoef,
        confusion_matrix: ConfusionReport {
            counts: cm.rows(),
            labels: cm.labels,
        },
        scores_from,
        roc_auc,
        roc_curve,
        average_precision,
        warnings: notes.warnings,
        skipped: notes.skipped,
    })
}

/// The metrics lab: the report, computed when it is built.
pub struct Metrics {
    report: MetricsReport,
}

impl Lab for Metrics {
    type Config = MetricsConfig;
    type Payload = ();

    fn spec() -> &'static LabSpec {
        &SPEC
    }

    fn python(config: &MetricsConfig) -> String {
        python(config)
    }

    fn new(config: MetricsConfig, _data: &Assets) -> Result<Self, String> {
        Ok(Metrics {
            report: evaluate(&config)?,
        })
    }

    fn step(&mut self, _budget: &mut Budget) -> Progress<()> {
        Progress {
            done: true,
            fraction: 1.0,
            ..Progress::new(Phase::Done, ())
        }
    }

    fn outcome(&self) -> Outcome {
        let skip = ["n_samples"];
        Outcome {
            metrics: numbers_of(&self.report, &skip),
            report: serde_json::to_value(&self.report).unwrap_or_default(),
            ..Outcome::default()
        }
    }

    fn migrate(pairs: &mut Vec<(String, String)>) -> Option<Text> {
        // Before the evaluate lab split off, this lab's table also held a model evaluation's
        // keys, without effect under `model=lists` (the default), and its canonical links
        // listed them all. Such links still open here, quietly without those keys.
        const OLD_KEYS: [&str; 11] = [
            "model",
            "dataset",
            "train_size",
            "epochs",
            "batch_size",
            "learning_rate",
            "seed",
            "n_neighbors",
            "weights",
            "positive_class",
            "threshold",
        ];
        let metrics = pairs.iter().any(|(k, v)| k == "lab" && v == "metrics");
        let lists = pairs.iter().all(|(k, v)| k != "model" || v == "lists");
        if metrics && lists {
            pairs.retain(|(k, _)| !OLD_KEYS.contains(&k.as_str()));
        }
        None
    }
}

/// scikit-learn's `zero_division` argument for `z` (empty for its default, "warn").
pub fn zero_division_arg(z: ZeroDivisionChoice) -> &'static str {
    match z {
        ZeroDivisionChoice::Warn => "",
        ZeroDivisionChoice::Zero => ", zero_division=0",
        ZeroDivisionChoice::One => ", zero_division=1",
        ZeroDivisionChoice::Nan => ", zero_division=np.nan",
    }
}

/// The lab as a scikit-learn script: the same labels, scores and arguments; it prints every
/// score the page shows. Scores scikit-learn refuses for these inputs (the page leaves them
/// out too) stay as comments saying why.
pub fn python(config: &MetricsConfig) -> String {
    let (skipped, problem) = match evaluate(config) {
        Ok(r) => (
            r.skipped
                .iter()
                .map(|s| (s.metric, s.message.clone()))
                .collect(),
            None,
        ),
        Err(e) => (Vec::new(), Some(e)),
    };
    let average = match config.average {
        AverageChoice::Binary => format!("average=\"binary\", pos_label={}", config.pos_label),
        other => format!("average=\"{}\"", other.name()),
    };
    let prf = format!("{average}{}", zero_division_arg(config.zero_division));
    let pos = config.pos_label;
    let lines: Vec<(&str, String)> = vec![
        (
            "accuracy",
            "print(\"accuracy:\", accuracy_score(y_true, y_pred))".into(),
        ),
        (
            "precision",
            format!("print(\"precision:\", precision_score(y_true, y_pred, {prf}))"),
        ),
        (
            "recall",
            format!("print(\"recall:\", recall_score(y_true, y_pred, {prf}))"),
        ),
        (
            "f1",
            format!("print(\"f1:\", f1_score(y_true, y_pred, {prf}))"),
        ),
        (
            "balanced_accuracy",
            "print(\"balanced_accuracy:\", balanced_accuracy_score(y_true, y_pred))".into(),
        ),
        (
            "matthews_corrcoef",
            "print(\"matthews_corrcoef:\", matthews_corrcoef(y_true, y_pred))".into(),
        ),
        (
            "confusion_matrix",
            "print(\"confusion_matrix:\")\nprint(confusion_matrix(y_true, y_pred))".into(),
        ),
        (
            "roc_auc",
            "print(\"roc_auc:\", roc_auc_score(y_true, y_score))".into(),
        ),
        (
            "roc_curve",
            format!(
                "fpr, tpr, thresholds = roc_curve(y_true, y_score, pos_label={pos})\n\
                 print(\"roc_curve:\", fpr, tpr, thresholds, sep=\"\\n\")"
            ),
        ),
        (
            "average_precision",
            format!(
                "print(\"average_precision:\", \
                 average_precision_score(y_true, y_score, pos_label={pos}))"
            ),
        ),
    ];
    let mut body = String::new();
    for (metric, line) in lines {
        match skipped.iter().find(|(m, _)| *m == metric) {
            Some((_, why)) => {
                let why = format!(
                    "{metric} is left out, as on the page: scikit-learn raises for these \
                     inputs ({}).",
                    why.replace('\n', " ")
                );
                body.push_str(&python::comment(&why, 0));
                body.push_str(&line.lines().map(|l| format!("# {l}\n")).collect::<String>());
            }
            None => {
                body.push_str(&line);
                body.push('\n');
            }
        }
    }
    let numpy = if config.zero_division == ZeroDivisionChoice::Nan {
        "import numpy as np\n"
    } else {
        ""
    };
    let y_score = if config.y_score.is_empty() {
        "y_pred  # no scores given: the hard predictions rank the samples".to_string()
    } else {
        let scores: Vec<String> = config.y_score.iter().map(|&v| python::float(v)).collect();
        python::list(&scores, 0, 88)
    };
    let problem = problem.map_or(String::new(), |e| {
        python::comment(
            &format!("scikit-learn will raise here, as the lab does: {e}"),
            0,
        )
    });
    format!(
        r#"# The metrics lab in scikit-learn: the same scores for the same labels.
{numpy}from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

{problem}y_true = {y_true}
y_pred = {y_pred}
y_score = {y_score}

{body}"#,
        y_true = python::list(&config.y_true, 0, 88),
        y_pred = python::list(&config.y_pred, 0, 88),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::REGISTRY;

    fn report(link_text: &str) -> Result<MetricsReport, String> {
        evaluate(&MetricsConfig::from_config(
            &REGISTRY.parse_strict(link_text)?.config,
        ))
    }

    crate::both_targets_test! {
        fn classic_example() {
            let r = report("#lab=metrics").unwrap();
            assert_eq!(r.accuracy, 0.6);
            assert_eq!(r.precision, Some(2.0 / 3.0));
            assert_eq!(r.recall, Some(2.0 / 3.0));
            assert_eq!(r.f1, Some(0.6666666666666666));
            assert_eq!(r.confusion_matrix.counts, vec![vec![1, 1], vec![1, 2]]);
            assert_eq!(r.scores_from, "y_pred");
            assert!(r.warnings.is_empty() && r.skipped.is_empty());
            let json = serde_json::to_value(&r).unwrap();
            assert_eq!(json["roc_curve"]["thresholds"][0], "inf");
        }
    }

    crate::both_targets_test! {
        fn lengths_and_single_class() {
            let e = report("#lab=metrics&y_true=0,1,1&y_pred=0,1").unwrap_err();
            assert!(e.contains("y_true has 3 values but y_pred has 2"), "{e}");
            let e = report("#lab=metrics&y_true=0,1&y_pred=0,1&y_score=0.5").unwrap_err();
            assert!(e.contains("y_score has 1"), "{e}");
            let r = report("#lab=metrics&y_true=1,1,1&y_pred=1,0,1").unwrap();
            assert_eq!(r.roc_auc, None);
            assert!(r.warnings.iter().any(|w| w.metric == "roc_auc"
                && w.message.contains("Only one class is present in y_true")));
            let json = serde_json::to_value(&r).unwrap();
            assert!(json["roc_auc"].is_null());
        }
    }

    crate::both_targets_test! {
        fn old_lists_links_open_this_lab() {
            let p = REGISTRY.parse("#lab=metrics&model=lists&y_true=1,0&y_pred=1,1");
            assert!(p.errors.is_empty(), "{:?}", p.errors);
            assert!(p.notes.is_empty());
            assert_eq!(p.lab, "metrics");
            assert_eq!(p.config.int_list("y_pred"), [1, 1]);
        }
    }
}
