//! The two views of an evaluated model, computed from its test predictions with
//! [`crate::metrics`] (scikit-learn semantics): one class against the rest (ROC and
//! precision-recall curves, and the confusion matrix at a threshold), and every class at
//! once (the confusion matrix and per-class precision, recall, F1, support).

use super::super::metrics::{finite_or_none, Notes, RocCurveReport, SkippedReport, WarningReport};
use crate::metrics::{self, Average, Label, PrfOptions, ZeroDivision};
use serde::Serialize;

/// A precision-recall curve as `precision_recall_curve` returns it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PrCurveReport {
    /// Precision at each threshold, then 1.0 (the curve's end at recall 0).
    pub precision: Vec<f64>,
    /// Recall at each threshold (decreasing), then 0.0.
    pub recall: Vec<f64>,
    /// Increasing thresholds (one fewer than points).
    pub thresholds: Vec<f64>,
}

/// The binary problem at one threshold: predict positive when `score >= threshold`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AtThreshold {
    /// The threshold.
    pub threshold: f64,
    /// Positives predicted positive.
    pub tp: u64,
    /// Negatives predicted positive.
    pub fp: u64,
    /// Positives predicted negative.
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// Negatives predicted negative.
    pub tn: u64,
    /// `accuracy_score` of the thresholded predictions.
    pub accuracy: f64,
    /// `precision_score` (binary, the link's `zero_division`).
    pub precision: Option<f64>,
    /// `recall_score`, the true-positive rate.
    pub recall: Option<f64>,
    /// `f1_score`.
    pub f1: Option<f64>,
    /// False-positive rate `fp / (fp + tn)`; `None` without negatives.
    pub fpr: Option<f64>,
    /// Where the threshold sits on the ROC curve: `[fpr, tpr]` (`None` without both
    /// classes, where the curve is undefined).
    pub roc_point: Option<[f64; 2]>,
    /// Where it sits on the precision-recall curve: `[recall, precision]`; with nothing
    /// predicted positive, the curve's own end point `[0, 1]`.
    pub pr_point: Option<[f64; 2]>,
}

/// One class against the rest.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OneVsRest {
    /// The class counted as positive.
    pub positive_class: Label,
    /// Test images of that class.
    pub positives: usize,
    /// Test images of the other classes.
    pub negatives: usize,
    /// Distinct scores, hence at most this many points on the curves besides their ends.
    pub distinct_scores: usize,
    /// `roc_auc_score(y_true == c, proba[:, c])`.
    pub roc_auc: Option<f64>,
    /// `average_precision_score(y_true == c, proba[:, c])`.
    pub average_precision: Option<f64>,
    /// `roc_curve(y_true == c, proba[:, c])` (drop_intermediate, as scikit-learn's default).
    pub roc_curve: Option<RocCurveReport>,
    /// `precision_recall_curve(y_true == c, proba[:, c])`.
    pub pr_curve: Option<PrCurveReport>,
    /// The confusion matrix and scores at the link's threshold.
    pub at_threshold: AtThreshold,
    /// Warnings scikit-learn would have printed, in computation order.
    pub warnings: Vec<WarningReport>,
    /// Metrics scikit-learn refuses for these inputs, and why.
    pub skipped: Vec<SkippedReport>,
}

/// Precision, recall and F1 averaged over the classes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Averages {
    /// Averaged precision.
    pub precision: Option<f64>,
    /// Averaged recall.
    pub recall: Option<f64>,
    /// Averaged F1.
    pub f1: Option<f64>,
}

/// Every class at once.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Multiclass {
    /// Row / column labels (every class of the dataset).
    pub labels: Vec<Label>,
    /// `confusion_matrix(y_true, y_pred, labels=labels)`.
    pub confusion_matrix: Vec<Vec<u64>>,
    /// `precision_recall_fscore_support(average=None)`: precision per class.
    pub precision: Vec<Option<f64>>,
    /// Recall per class.
    pub recall: Vec<Option<f64>>,
    /// F1 per class.
    pub f1: Vec<Option<f64>>,
    /// Test images per class.
    pub support: Vec<u64>,
    /// `average="macro"`: the plain mean over classes.
    pub macro_avg: Averages,
    /// `average="weighted"`: the mean weighted by support.
    pub weighted_avg: Averages,
    /// Warnings of the per-class scores.
    pub warnings: Vec<WarningReport>,
}

/// A scalar score as the report shows it (NaN, e.g. zero_division=nan, as `None`).
fn scalar(a: &metrics::Averaged) -> Option<f64> {
    a.scalar().and_then(finite_or_none)
}

/// The thresholded predictions' confusion matrix and scores, all from [`crate::metrics`].
fn at_threshold(
    y_bin: &[Label],
    scores: &[f64],
    threshold: f64,
    zero_division: ZeroDivision,
    notes: &mut Notes,
) -> Result<AtThreshold, String> {
    let y_hat: Vec<Label> = scores
        .iter()
        .map(|&s| Label::from(s >= threshold))
        .collect();
    let e = |e: metrics::MetricError| e.0;
    let cm = metrics::confusion_matrix(y_bin, &y_hat, Some(&[0, 1])).map_err(e)?;
    let c = &notes.take("confusion_matrix", Ok(cm)).expect("Ok").counts;
    let (tn, fp, fn_, tp) = (c[[0, 0]], c[[0, 1]], c[[1, 0]], c[[1, 1]]);
    let accuracy = metrics::accuracy_score(y_bin, &y_hat).map_err(e)?;
    let opts = PrfOptions::new(Average::Binary { pos_label: 1 }).zero_division(zero_division);
    let prfs = notes.take(
        "at_threshold",
        metrics::precision_recall_fscore_support(y_bin, &y_hat, 1.0, &opts),
    );
    let (p, n) = ((tp + fn_) as f64, (fp + tn) as f64);
    let fpr = (n > 0.0).then(|| fp as f64 / n);
    let tpr = (p > 0.0).then(|| tp as f64 / p);
    let predicted = (tp + fp) as f64;
    Ok(AtThreshold {
        threshold,
        tp,
        fp,
        fn_,
        tn,
        accuracy,
        precision: prfs.as_ref().and_then(|r| scalar(&r.precision)),
        recall: prfs.as_ref().and_then(|r| scalar(&r.recall)),
        f1: prfs.as_ref().and_then(|r| scalar(&r.fscore)),
        fpr,
        roc_point: fpr.zip(tpr).map(|(f, t)| [f, t]),
        // precision_recall_curve ends at (recall 0, precision 1) where nothing is
        // predicted positive; the marker uses the same convention so it stays on the curve.
        pr_point: tpr.map(|r| {
            if predicted > 0.0 {
                [r, tp as f64 / predicted]
            } else {
                [0.0, 1.0]
            }
        }),
    })
}

/// Class `class` against the rest: `scores` are each test image's probability of that
/// class, positive means `score >= threshold`.
pub fn one_vs_rest(
    y_true: &[Label],
    scores: &[f64],
    class: Label,
    threshold: f64,
    zero_division: ZeroDivision,
) -> Result<OneVsRest, String> {
    let y_bin: Vec<Label> = y_true.iter().map(|&y| Label::from(y == class)).collect();
    let positives = y_bin.iter().filter(|&&y| y == 1).count();
    let mut distinct = scores.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let mut notes = Notes::default();
    let roc_auc = notes
        .take("roc_auc", metrics::roc_auc_score(&y_bin, scores))
        .and_then(finite_or_none);
    let roc_curve = notes
        .take(
            "roc_curve",
            metrics::roc_curve(&y_bin, scores, Some(1), true),
        )
        .map(RocCurveReport::from);
    let pr_curve = notes
        .take(
            "precision_recall_curve",
            metrics::precision_recall_curve(&y_bin, scores, Some(1), false),
        )
        .map(|c| PrCurveReport {
            precision: c.precision,
            recall: c.recall,
            thresholds: c.thresholds,
        });
    let average_precision = notes
        .take(
            "average_precision",
            metrics::average_precision_score(&y_bin, scores, 1),
        )
        .and_then(finite_or_none);
    let at_threshold = at_threshold(&y_bin, scores, threshold, zero_division, &mut notes)?;
    Ok(OneVsRest {
        positive_class: class,
        positives,
        negatives: y_bin.len() - positives,
        distinct_scores: distinct.len(),
        roc_auc,
        average_precision,
        roc_curve,
        pr_curve,
        at_threshold,
        warnings: notes.warnings,
        skipped: notes.skipped,
    })
}

/// Every class: confusion matrix over `labels` and per-class / averaged scores.
pub fn multiclass(
    y_true: &[Label],
    y_pred: &[Label],
    labels: &[Label],
    zero_division: ZeroDivision,
) -> Result<Multiclass, String> {
    let e = |e: metrics::MetricError| e.0;
    let cm = metrics::confusion_matrix(y_true, y_pred, Some(labels)).map_err(e)?;
    let prfs = |average| {
        let opts = PrfOptions::new(average)
            .zero_division(zero_division)
            .labels(labels);
        metrics::precision_recall_fscore_support(y_true, y_pred, 1.0, &opts)
    };
    let averages = |average| -> Result<Averages, String> {
        let r = prfs(average).map_err(e)?.value;
        Ok(Averages {
            precision: scalar(&r.precision),
            recall: scalar(&r.recall),
            f1: scalar(&r.fscore),
        })
    };
    let each = |a: &metrics::Averaged| a.values().iter().map(|&v| finite_or_none(v)).collect();
    // The averages repeat the per-class warnings, so only the per-class call reports them.
    let mut notes = Notes::default();
    let per_class = prfs(Average::None).map_err(e)?;
    let p = notes
        .take("precision_recall_fscore_support", Ok(per_class))
        .expect("Ok");
    Ok(Multiclass {
        labels: labels.to_vec(),
        confusion_matrix: cm.value.rows(),
        precision: each(&p.precision),
        recall: each(&p.recall),
        f1: each(&p.fscore),
        support: p.support.clone().unwrap_or_default(),
        macro_avg: averages(Average::Macro)?,
        weighted_avg: averages(Average::Weighted)?,
        warnings: notes.warnings,
    })
}
