//! Metrics over scores for binary targets: ROC curve, ROC AUC, precision-recall curve,
//! average precision (scikit-learn's `sklearn.metrics._ranking`).

use super::{
    err, fmt_labels, np_sum, unique_labels, Label, MetricError, MetricResult, MetricWarning,
    WarningKind,
};

/// Points of a ROC curve: `fpr[i]`, `tpr[i]` for predicting positive when
/// `score >= thresholds[i]`; `thresholds[0]` is `+inf` (the point (0, 0)).
#[derive(Clone, Debug, PartialEq)]
pub struct RocCurve {
    /// False-positive rates, increasing.
    pub fpr: Vec<f64>,
    /// True-positive rates, increasing.
    pub tpr: Vec<f64>,
    /// Decreasing thresholds, the first one `+inf`.
    pub thresholds: Vec<f64>,
}

/// Points of a precision-recall curve; the last point (precision 1, recall 0) has no
/// threshold, so `thresholds` is one shorter.
#[derive(Clone, Debug, PartialEq)]
pub struct PrCurve {
    /// Precision at each threshold, then 1.0.
    pub precision: Vec<f64>,
    /// Recall at each threshold (decreasing), then 0.0.
    pub recall: Vec<f64>,
    /// Increasing thresholds.
    pub thresholds: Vec<f64>,
}

/// Counts per distinct threshold, scores decreasing (scikit-learn's
/// `confusion_matrix_at_thresholds` without sample weights).
struct Counts {
    fps: Vec<f64>,
    tps: Vec<f64>,
    thresholds: Vec<f64>,
}

fn check_scores(y_true: &[Label], y_score: &[f64]) -> Result<(), MetricError> {
    if y_true.len() != y_score.len() {
        return err(format!(
            "Found input variables with inconsistent numbers of samples: [{}, {}]",
            y_true.len(),
            y_score.len()
        ));
    }
    if y_true.is_empty() {
        return err("y_true and y_score are empty: at least 1 sample is required.");
    }
    if y_score.iter().any(|s| !s.is_finite()) {
        return err("Input y_score contains NaN or infinity.");
    }
    Ok(())
}

/// The positive label as scikit-learn's `_check_pos_label_consistency` picks it.
fn resolve_pos_label(y_true: &[Label], pos_label: Option<Label>) -> Result<Label, MetricError> {
    let classes = unique_labels(&[y_true]);
    if classes.len() > 2 && pos_label.is_none() {
        return err("multiclass format is not supported (pass pos_label for one-vs-rest)");
    }
    match pos_label {
        Some(p) => Ok(p),
        None => {
            let ok = [&[0, 1][..], &[-1, 1], &[0], &[-1], &[1]].contains(&classes.as_slice());
            if ok {
                Ok(1)
            } else {
                let listed: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
                err(format!(
                    "y_true takes value in {{{}}} and pos_label is not specified: either make \
                     y_true take value in {{0, 1}} or {{-1, 1}} or pass pos_label explicitly.",
                    listed.join(", ")
                ))
            }
        }
    }
}

fn counts_at_thresholds(
    y_true: &[Label],
    y_score: &[f64],
    pos_label: Option<Label>,
) -> Result<Counts, MetricError> {
    check_scores(y_true, y_score)?;
    let pos = resolve_pos_label(y_true, pos_label)?;
    // Stable sort by decreasing score: ties (-0.0 == 0.0 included) keep input order, as
    // numpy's stable argsort. Scores are finite, so partial_cmp always answers.
    let mut order: Vec<usize> = (0..y_score.len()).collect();
    order.sort_by(|&a, &b| {
        y_score[b]
            .partial_cmp(&y_score[a])
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let score: Vec<f64> = order.iter().map(|&i| y_score[i]).collect();
    let truth: Vec<f64> = order
        .iter()
        .map(|&i| if y_true[i] == pos { 1.0 } else { 0.0 })
        .collect();
    let n = score.len();
    let mut fps = Vec::new();
    let mut tps = Vec::new();
    let mut thresholds = Vec::new();
    let mut cum = 0.0;
    for i in 0..n {
        cum += truth[i];
        if i == n - 1 || score[i + 1] - score[i] != 0.0 {
            tps.push(cum);
            fps.push(1.0 + i as f64 - cum);
            thresholds.push(score[i]);
        }
    }
    Ok(Counts {
        fps,
        tps,
        thresholds,
    })
}

fn keep<T: Copy>(v: &[T], idx: &[usize]) -> Vec<T> {
    idx.iter().map(|&i| v[i]).collect()
}

/// ROC curve of `y_score` against `y_true == pos_label` (`roc_curve`).
///
/// `pos_label: None` means 1, allowed only when `y_true` is in {0, 1} or {-1, 1}.
/// `drop_intermediate` drops points collinear with their neighbours (second differences
/// of both counts zero), which changes neither the area nor the drawn curve.
pub fn roc_curve(
    y_true: &[Label],
    y_score: &[f64],
    pos_label: Option<Label>,
    drop_intermediate: bool,
) -> Result<MetricResult<RocCurve>, MetricError> {
    let Counts {
        mut fps,
        mut tps,
        mut thresholds,
    } = counts_at_thresholds(y_true, y_score, pos_label)?;
    let n = fps.len();
    if drop_intermediate && n > 2 {
        let mut idx = vec![0];
        for i in 1..n - 1 {
            let d2f = (fps[i + 1] - fps[i]) - (fps[i] - fps[i - 1]);
            let d2t = (tps[i + 1] - tps[i]) - (tps[i] - tps[i - 1]);
            if d2f != 0.0 || d2t != 0.0 {
                idx.push(i);
            }
        }
        idx.push(n - 1);
        fps = keep(&fps, &idx);
        tps = keep(&tps, &idx);
        thresholds = keep(&thresholds, &idx);
    }
    fps.insert(0, 0.0);
    tps.insert(0, 0.0);
    thresholds.insert(0, f64::INFINITY);

    let mut warnings = Vec::new();
    let last_fp = *fps.last().expect("at least one point");
    let fpr = if last_fp <= 0.0 {
        warnings.push(MetricWarning::new(
            WarningKind::UndefinedMetric,
            "No negative samples in y_true, false positive value should be meaningless \
             (every sample is positive, so the false-positive rate FP / N is 0/0 and fpr is NaN)",
            "y_true 中没有负样本，假正率没有意义（所有样本都是正样本，假正率 FP / N 是 0/0，\
             fpr 为 NaN）",
        ));
        vec![f64::NAN; fps.len()]
    } else {
        fps.iter().map(|&f| f / last_fp).collect()
    };
    let last_tp = *tps.last().expect("at least one point");
    let tpr = if last_tp <= 0.0 {
        warnings.push(MetricWarning::new(
            WarningKind::UndefinedMetric,
            "No positive samples in y_true, true positive value should be meaningless \
             (no sample is positive, so the true-positive rate TP / P is 0/0 and tpr is NaN)",
            "y_true 中没有正样本，真正率没有意义（没有一个样本是正样本，真正率 TP / P 是 0/0，\
             tpr 为 NaN）",
        ));
        vec![f64::NAN; tps.len()]
    } else {
        tps.iter().map(|&t| t / last_tp).collect()
    };
    Ok(MetricResult::new(
        RocCurve {
            fpr,
            tpr,
            thresholds,
        },
        warnings,
    ))
}

/// Area under the ROC curve for a binary `y_true` (the greater label is positive);
/// `y_score` may be hard 0/1 predictions (`roc_auc_score`).
///
/// With a single class in `y_true` the area is undefined: NaN plus a warning, as current
/// scikit-learn. More than two classes is an error (that needs one score per class).
pub fn roc_auc_score(y_true: &[Label], y_score: &[f64]) -> Result<MetricResult<f64>, MetricError> {
    check_scores(y_true, y_score)?;
    let classes = unique_labels(&[y_true]);
    if classes.len() > 2 {
        return err(format!(
            "y_true has {} classes {}: this roc_auc_score is binary only (scikit-learn needs \
             one score column per class and multi_class='ovr' or 'ovo' for that)",
            classes.len(),
            fmt_labels(&classes)
        ));
    }
    if classes.len() < 2 {
        let msg = format!(
            "Only one class is present in y_true. ROC AUC score is not defined in that case. \
             (y_true holds only the label {}: with one class there are no negatives (or no \
             positives), so the false-positive rate FP / N (or the true-positive rate TP / P) \
             is 0/0 and the curve does not exist.)",
            classes[0]
        );
        let msg_zh = format!(
            "y_true 中只有一个类别，此时 ROC AUC 无定义。（y_true 只含标签 {}：只有一个类别时\
             没有负样本（或没有正样本），假正率 FP / N（或真正率 TP / P）是 0/0，曲线不存在。）",
            classes[0]
        );
        return Ok(MetricResult::new(
            f64::NAN,
            vec![MetricWarning::new(
                WarningKind::UndefinedMetric,
                msg,
                msg_zh,
            )],
        ));
    }
    let binarized: Vec<Label> = y_true
        .iter()
        .map(|&y| Label::from(y == classes[1]))
        .collect();
    let curve = roc_curve(&binarized, y_score, None, true)?.value;
    Ok(MetricResult::new(
        trapezoid(&curve.tpr, &curve.fpr),
        Vec::new(),
    ))
}

/// `np.trapezoid(y, x)`: `sum(dx * (y[1:] + y[:-1]) / 2)` with numpy's summation.
fn trapezoid(y: &[f64], x: &[f64]) -> f64 {
    let terms: Vec<f64> = (1..x.len())
        .map(|i| (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0)
        .collect();
    np_sum(&terms)
}

/// Precision-recall curve of `y_score` against `y_true == pos_label`
/// (`precision_recall_curve`; `pos_label: None` as in [`roc_curve`]).
///
/// `drop_intermediate` keeps only the first and last point of each run of equal recall.
pub fn precision_recall_curve(
    y_true: &[Label],
    y_score: &[f64],
    pos_label: Option<Label>,
    drop_intermediate: bool,
) -> Result<MetricResult<PrCurve>, MetricError> {
    let Counts {
        mut fps,
        mut tps,
        mut thresholds,
    } = counts_at_thresholds(y_true, y_score, pos_label)?;
    let n = fps.len();
    if drop_intermediate && n > 2 {
        let mut idx = vec![0];
        for i in 1..n - 1 {
            if tps[i] - tps[i - 1] != 0.0 || tps[i + 1] - tps[i] != 0.0 {
                idx.push(i);
            }
        }
        idx.push(n - 1);
        fps = keep(&fps, &idx);
        tps = keep(&tps, &idx);
        thresholds = keep(&thresholds, &idx);
    }
    let mut precision: Vec<f64> = tps
        .iter()
        .zip(&fps)
        .map(|(&t, &f)| {
            let ps = t + f;
            if ps != 0.0 {
                t / ps
            } else {
                0.0
            }
        })
        .collect();
    let mut warnings = Vec::new();
    let last_tp = *tps.last().expect("at least one point");
    let mut recall: Vec<f64> = if last_tp == 0.0 {
        warnings.push(MetricWarning::new(
            WarningKind::User,
            "No positive class found in y_true, recall is set to one for all thresholds. \
             (With no positives, recall TP / P is 0/0 at every threshold.)",
            "y_true 中没有正类，所有阈值下的召回率都设为 1。（没有正样本时，每个阈值下的召回率 \
             TP / P 都是 0/0。）",
        ));
        vec![1.0; tps.len()]
    } else {
        tps.iter().map(|&t| t / last_tp).collect()
    };
    precision.reverse();
    precision.push(1.0);
    recall.reverse();
    recall.push(0.0);
    thresholds.reverse();
    Ok(MetricResult::new(
        PrCurve {
            precision,
            recall,
            thresholds,
        },
        warnings,
    ))
}

/// Average precision `sum_n (R_n - R_{n-1}) P_n` over the precision-recall curve,
/// with no interpolation (`average_precision_score`, binary `y_true`).
pub fn average_precision_score(
    y_true: &[Label],
    y_score: &[f64],
    pos_label: Label,
) -> Result<MetricResult<f64>, MetricError> {
    check_scores(y_true, y_score)?;
    let classes = unique_labels(&[y_true]);
    if classes.len() > 2 {
        return err(format!(
            "y_true has {} classes {}: average_precision_score here is binary only \
             (scikit-learn needs one score column per class for that)",
            classes.len(),
            fmt_labels(&classes)
        ));
    }
    if classes.len() == 2 && !classes.contains(&pos_label) {
        return err(format!(
            "pos_label={pos_label} is not a valid label. It should be one of {}",
            fmt_labels(&classes)
        ));
    }
    let curve = precision_recall_curve(y_true, y_score, Some(pos_label), false)?;
    let PrCurve {
        precision, recall, ..
    } = &curve.value;
    let terms: Vec<f64> = (0..recall.len() - 1)
        .map(|i| (recall[i + 1] - recall[i]) * precision[i])
        .collect();
    let ap = -np_sum(&terms);
    // Python's max(0.0, ap): 0.0 unless ap > 0 (turns -0.0 into 0.0).
    let value = if ap > 0.0 { ap } else { 0.0 };
    Ok(MetricResult::new(value, curve.warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_hard_predictions_auc() {
        let y_true = [0, 1, 1, 0, 1];
        let y_pred = [0.0, 1.0, 0.0, 1.0, 1.0];
        let auc = roc_auc_score(&y_true, &y_pred).unwrap();
        assert_eq!(auc.value, 0.5833333333333333);
        assert!(auc.warnings.is_empty());
    }

    #[test]
    fn sklearn_docstring_roc_curve() {
        // sklearn's roc_curve docstring: y = [1, 1, 2, 2], pos_label = 2
        let r = roc_curve(&[1, 1, 2, 2], &[0.1, 0.4, 0.35, 0.8], Some(2), true)
            .unwrap()
            .value;
        assert_eq!(r.fpr, vec![0.0, 0.0, 0.5, 0.5, 1.0]);
        assert_eq!(r.tpr, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
        assert_eq!(r.thresholds, vec![f64::INFINITY, 0.8, 0.4, 0.35, 0.1]);
        assert!(roc_curve(&[1, 1, 2, 2], &[0.1, 0.4, 0.35, 0.8], None, true).is_err());
    }

    #[test]
    fn single_class_auc_is_nan_with_reason() {
        let r = roc_auc_score(&[1, 1, 1], &[0.2, 0.5, 0.9]).unwrap();
        assert!(r.value.is_nan());
        assert!(r.has_undefined_metric_warning());
        assert!(r.warnings[0].message.contains("0/0"));
        let c = roc_curve(&[1, 1, 1], &[0.2, 0.5, 0.9], None, true).unwrap();
        assert!(c.value.fpr.iter().all(|f| f.is_nan()));
        assert_eq!(c.warnings.len(), 1);
    }

    #[test]
    fn pr_curve_and_average_precision() {
        // sklearn docstrings: precision_recall_curve and average_precision_score
        let y_true = [0, 0, 1, 1];
        let y_score = [0.1, 0.4, 0.35, 0.8];
        let c = precision_recall_curve(&y_true, &y_score, None, false)
            .unwrap()
            .value;
        assert_eq!(c.precision, vec![0.5, 2.0 / 3.0, 0.5, 1.0, 1.0]);
        assert_eq!(c.recall, vec![1.0, 1.0, 0.5, 0.5, 0.0]);
        assert_eq!(c.thresholds, vec![0.1, 0.35, 0.4, 0.8]);
        let ap = average_precision_score(&y_true, &y_score, 1).unwrap().value;
        assert_eq!(ap, 0.8333333333333333);
        assert!(average_precision_score(&[0, 1, 2], &[0.1, 0.2, 0.3], 1).is_err());
        assert!(roc_auc_score(&[0, 1], &[0.1, f64::NAN]).is_err());
    }
}
