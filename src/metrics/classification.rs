//! Metrics over hard predictions: accuracy, balanced accuracy, confusion matrix,
//! precision / recall / F-scores, Matthews correlation coefficient (scikit-learn's
//! `sklearn.metrics._classification`).

use super::{
    err, fmt_labels, np_mean, np_sum, unique_labels, Label, MetricError, MetricResult,
    MetricWarning, WarningKind,
};
use ndarray::Array2;

/// How per-label scores are combined (scikit-learn's `average` argument).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Average {
    /// Only the scores of `pos_label`; the target must have at most two labels.
    Binary {
        /// The positive label.
        pos_label: Label,
    },
    /// Global counts of true positives, false negatives and false positives.
    Micro,
    /// Unweighted mean of the per-label scores.
    Macro,
    /// Mean of the per-label scores weighted by support (true instances per label).
    Weighted,
    /// No averaging: one score per label (`average=None`).
    None,
}

/// What a 0/0 precision, recall or F-score becomes (scikit-learn's `zero_division`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZeroDivision {
    /// 0.0, plus an `UndefinedMetricWarning` (scikit-learn's default, `"warn"`).
    Warn,
    /// 0.0, silently.
    Zero,
    /// 1.0, silently.
    One,
    /// NaN, silently; NaN scores are left out of averages.
    NaN,
}

impl ZeroDivision {
    fn value(self) -> f64 {
        match self {
            ZeroDivision::Warn | ZeroDivision::Zero => 0.0,
            ZeroDivision::One => 1.0,
            ZeroDivision::NaN => f64::NAN,
        }
    }
}

/// Options of the precision / recall / F-score family (defaults as scikit-learn's).
#[derive(Clone, Debug, PartialEq)]
pub struct PrfOptions {
    /// Averaging mode; default `Binary { pos_label: 1 }`.
    pub average: Average,
    /// Labels to score, in this order (ignored for `Binary`); default: all present labels.
    pub labels: Option<Vec<Label>>,
    /// Value for 0/0; default `Warn`.
    pub zero_division: ZeroDivision,
}

impl Default for PrfOptions {
    fn default() -> Self {
        PrfOptions {
            average: Average::Binary { pos_label: 1 },
            labels: None,
            zero_division: ZeroDivision::Warn,
        }
    }
}

impl PrfOptions {
    /// Options with this averaging mode and the other defaults.
    pub fn new(average: Average) -> Self {
        PrfOptions {
            average,
            ..Default::default()
        }
    }

    /// Sets `zero_division`.
    pub fn zero_division(mut self, zero_division: ZeroDivision) -> Self {
        self.zero_division = zero_division;
        self
    }

    /// Sets the labels to score.
    pub fn labels(mut self, labels: &[Label]) -> Self {
        self.labels = Some(labels.to_vec());
        self
    }
}

/// A score that is one number (averaged) or one number per label (`Average::None`).
#[derive(Clone, Debug, PartialEq)]
pub enum Averaged {
    /// An averaged score (or the positive label's score for `Binary`).
    Scalar(f64),
    /// One score per label, in label order.
    PerLabel(Vec<f64>),
}

impl Averaged {
    /// The averaged value, or `None` for per-label scores.
    pub fn scalar(&self) -> Option<f64> {
        match self {
            Averaged::Scalar(v) => Some(*v),
            Averaged::PerLabel(_) => None,
        }
    }

    /// The values as a slice (one element for a scalar).
    pub fn values(&self) -> &[f64] {
        match self {
            Averaged::Scalar(v) => std::slice::from_ref(v),
            Averaged::PerLabel(v) => v,
        }
    }
}

/// Precision, recall, F-score and (without averaging) support per label.
#[derive(Clone, Debug, PartialEq)]
pub struct Prfs {
    /// Precision `tp / (tp + fp)`.
    pub precision: Averaged,
    /// Recall `tp / (tp + fn)`.
    pub recall: Averaged,
    /// F-beta score `(1 + b²) tp / ((1 + b²) tp + b² fn + fp)`.
    pub fscore: Averaged,
    /// True instances per label (only for `Average::None`, like scikit-learn).
    pub support: Option<Vec<u64>>,
}

/// A confusion matrix: `counts[i][j]` = samples with true label `labels[i]` predicted
/// as `labels[j]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfusionMatrix {
    /// Row/column labels.
    pub labels: Vec<Label>,
    /// Counts, rows = true label, columns = predicted label.
    pub counts: Array2<u64>,
}

impl ConfusionMatrix {
    /// The counts as nested rows (how the reports print them).
    pub fn rows(&self) -> Vec<Vec<u64>> {
        self.counts.rows().into_iter().map(|r| r.to_vec()).collect()
    }
}

/// Lengths must agree and be at least 1 (scikit-learn's `_check_targets`).
fn check_targets(y_true: &[Label], y_pred: &[Label]) -> Result<(), MetricError> {
    if y_true.len() != y_pred.len() {
        return err(format!(
            "Found input variables with inconsistent numbers of samples: [{}, {}]",
            y_true.len(),
            y_pred.len()
        ));
    }
    if y_true.is_empty() {
        return err(
            "Found empty input array (e.g., `y_true` or `y_pred`) while a minimum of 1 \
             sample is required.",
        );
    }
    Ok(())
}

/// Fraction of samples whose prediction equals the truth (`accuracy_score`).
pub fn accuracy_score(y_true: &[Label], y_pred: &[Label]) -> Result<f64, MetricError> {
    check_targets(y_true, y_pred)?;
    let correct = y_true.iter().zip(y_pred).filter(|(t, p)| t == p).count();
    Ok(correct as f64 / y_true.len() as f64)
}

const SINGLE_LABEL_CM: &str = "A single label was found in 'y_true' and 'y_pred'. For the \
confusion matrix to have the correct shape, use the 'labels' parameter to pass all known labels.";
const SINGLE_LABEL_CM_ZH: &str = "在 y_true 和 y_pred 中只找到一个标签。要让混淆矩阵的形状正确，\
请用 labels 参数传入所有已知的标签。";

fn count_matrix(y_true: &[Label], y_pred: &[Label], labels: &[Label]) -> Array2<u64> {
    let k = labels.len();
    let mut counts = Array2::zeros((k, k));
    // A repeated label counts at its last position, like scikit-learn's label->index dict.
    let index = |l: Label| labels.iter().rposition(|&x| x == l);
    for (&t, &p) in y_true.iter().zip(y_pred) {
        if let (Some(i), Some(j)) = (index(t), index(p)) {
            counts[[i, j]] += 1;
        }
    }
    counts
}

/// Confusion matrix over the sorted labels present, or over `labels` in that order
/// (samples whose labels are not listed are left out), as `confusion_matrix`.
pub fn confusion_matrix(
    y_true: &[Label],
    y_pred: &[Label],
    labels: Option<&[Label]>,
) -> Result<MetricResult<ConfusionMatrix>, MetricError> {
    check_targets(y_true, y_pred)?;
    let labels = match labels {
        None => unique_labels(&[y_true, y_pred]),
        Some(l) => {
            if l.is_empty() {
                return err("'labels' should contain at least one label.");
            }
            if !y_true.iter().any(|t| l.contains(t)) {
                return err("At least one label specified must be in y_true");
            }
            l.to_vec()
        }
    };
    let counts = count_matrix(y_true, y_pred, &labels);
    let mut warnings = Vec::new();
    if labels.len() == 1 {
        warnings.push(MetricWarning::new(
            WarningKind::User,
            SINGLE_LABEL_CM,
            SINGLE_LABEL_CM_ZH,
        ));
    }
    Ok(MetricResult::new(
        ConfusionMatrix { labels, counts },
        warnings,
    ))
}

/// Mean of the per-class recalls over the classes in `y_true`; `adjusted` rescales so
/// that chance is 0 (`balanced_accuracy_score`).
pub fn balanced_accuracy_score(
    y_true: &[Label],
    y_pred: &[Label],
    adjusted: bool,
) -> Result<MetricResult<f64>, MetricError> {
    let cm = confusion_matrix(y_true, y_pred, None)?;
    let mut warnings = cm.warnings;
    let counts = &cm.value.counts;
    let mut per_class = Vec::with_capacity(counts.nrows());
    let mut absent = false;
    for (i, row) in counts.rows().into_iter().enumerate() {
        let total: u64 = row.iter().sum();
        if total == 0 {
            absent = true;
        } else {
            per_class.push(row[i] as f64 / total as f64);
        }
    }
    if absent {
        warnings.push(MetricWarning::new(
            WarningKind::User,
            "y_pred contains classes not in y_true",
            "y_pred 含有 y_true 中没有的类别",
        ));
    }
    let mut score = np_mean(&per_class);
    if adjusted {
        let chance = 1.0 / per_class.len() as f64;
        score -= chance;
        let denom = 1.0 - chance;
        if denom == 0.0 {
            // numpy float64 scalar division: warns, gives ±inf or NaN.
            let (msg, msg_zh) = if score == 0.0 || score.is_nan() {
                (
                    "invalid value encountered in scalar divide",
                    "标量除法得到无效值（0/0）",
                )
            } else {
                (
                    "divide by zero encountered in scalar divide",
                    "标量除法除以零",
                )
            };
            warnings.push(MetricWarning::new(
                WarningKind::Runtime,
                format!(
                    "{msg} (y_true has a single class, so chance level is 1 and the \
                     adjusted score divides by 1 - 1 = 0)"
                ),
                format!(
                    "{msg_zh}（y_true 只有一个类别，随机水平为 1，调整后的分数要除以 1 - 1 = 0）"
                ),
            ));
        }
        score /= denom;
    }
    Ok(MetricResult::new(score, warnings))
}

/// Matthews correlation coefficient (multiclass form; 0.0 when undefined), as
/// `matthews_corrcoef`.
pub fn matthews_corrcoef(
    y_true: &[Label],
    y_pred: &[Label],
) -> Result<MetricResult<f64>, MetricError> {
    let cm = confusion_matrix(y_true, y_pred, None)?;
    let c = &cm.value.counts;
    let t_sum: Vec<f64> = c.rows().into_iter().map(|r| r.sum() as f64).collect();
    let p_sum: Vec<f64> = c
        .columns()
        .into_iter()
        .map(|col| col.sum() as f64)
        .collect();
    let n_correct = c.diag().sum() as f64;
    // All counts are small integers, so these sums and products are exact in any order.
    let n_samples: f64 = p_sum.iter().sum();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let cov_ytyp = n_correct * n_samples - dot(&t_sum, &p_sum);
    let cov_ypyp = n_samples * n_samples - dot(&p_sum, &p_sum);
    let cov_ytyt = n_samples * n_samples - dot(&t_sum, &t_sum);
    let cov_ypyp_ytyt = cov_ypyp * cov_ytyt;
    let value = if cov_ypyp_ytyt == 0.0 {
        0.0
    } else {
        cov_ytyp / cov_ypyp_ytyt.sqrt()
    };
    Ok(MetricResult::new(value, cm.warnings))
}

#[derive(Clone, Copy)]
struct WarnFor {
    precision: bool,
    recall: bool,
    fscore: bool,
}

/// scikit-learn's `_prf_divide`: element-wise division with 0/0 set to `zero_division`.
fn prf_divide(
    num: &[f64],
    den: &[f64],
    metric: &str,
    modifier: &str,
    warn: bool,
    zero_division: ZeroDivision,
    warnings: &mut Vec<MetricWarning>,
) -> Vec<f64> {
    let mut any_zero = false;
    let out: Vec<f64> = num
        .iter()
        .zip(den)
        .map(|(&n, &d)| {
            if d == 0.0 {
                any_zero = true;
                zero_division.value()
            } else {
                n / d
            }
        })
        .collect();
    if any_zero && warn && zero_division == ZeroDivision::Warn {
        let place = if out.len() == 1 {
            "due to".to_string()
        } else {
            "in labels with".to_string()
        };
        let (explanation, metric_zh, none_zh, explanation_zh) = match metric {
            "Precision" => (
                "precision = TP / (TP + FP) is 0/0 when nothing is predicted as the label",
                "精确率（precision）",
                "没有预测样本",
                "精确率 = TP / (TP + FP)，没有样本被预测为该标签时是 0/0",
            ),
            "Recall" => (
                "recall = TP / (TP + FN) is 0/0 when the label never occurs in y_true",
                "召回率（recall）",
                "没有真实样本",
                "召回率 = TP / (TP + FN)，该标签从未出现在 y_true 中时是 0/0",
            ),
            _ => (
                "the F-score is 0/0 when the label occurs neither in y_true nor in y_pred",
                "F 分数（F-score）",
                "既没有真实样本也没有预测样本",
                "该标签既不出现在 y_true 中也不出现在 y_pred 中时，F 分数是 0/0",
            ),
        };
        let undefined_zh = if out.len() == 1 {
            format!("{metric_zh}无定义，已设为 0.0，因为{none_zh}")
        } else {
            format!("{metric_zh}在{none_zh}的标签上无定义，已设为 0.0")
        };
        warnings.push(MetricWarning::new(
            WarningKind::UndefinedMetric,
            format!(
                "{metric} is ill-defined and being set to 0.0 {place} no {modifier} samples. \
                 Use `zero_division` parameter to control this behavior. ({explanation}.)"
            ),
            format!(
                "{undefined_zh}。可以用 zero_division 参数控制这一行为。（{explanation_zh}。）"
            ),
        ));
    }
    out
}

/// scikit-learn's `_nanaverage`: (weighted) mean ignoring NaN, as numpy computes it.
fn nan_average(a: &[f64], weights: Option<&[f64]>) -> f64 {
    if a.is_empty() || a.iter().all(|x| x.is_nan()) {
        return f64::NAN;
    }
    match weights {
        None => {
            // np.nanmean: NaN replaced by 0 in place, summed, divided by the count.
            let replaced: Vec<f64> = a
                .iter()
                .map(|&x| if x.is_nan() { 0.0 } else { x })
                .collect();
            let count = a.iter().filter(|x| !x.is_nan()).count();
            np_sum(&replaced) / count as f64
        }
        Some(w) => {
            let (kept, kept_w): (Vec<f64>, Vec<f64>) = a
                .iter()
                .zip(w)
                .filter(|(x, _)| !x.is_nan())
                .map(|(&x, &w)| (x, w))
                .unzip();
            let scale = np_sum(&kept_w);
            if scale == 0.0 {
                // np.average raises ZeroDivisionError; scikit-learn falls back to the mean.
                return np_mean(&kept);
            }
            let products: Vec<f64> = kept.iter().zip(&kept_w).map(|(x, w)| x * w).collect();
            np_sum(&products) / scale
        }
    }
}

fn prfs_impl(
    y_true: &[Label],
    y_pred: &[Label],
    beta: f64,
    opts: &PrfOptions,
    warn_for: WarnFor,
) -> Result<MetricResult<Prfs>, MetricError> {
    if beta.is_nan() || beta < 0.0 {
        return err(format!("beta should be >=0, got {beta}"));
    }
    check_targets(y_true, y_pred)?;
    let present = unique_labels(&[y_true, y_pred]);
    let selected: Vec<Label> = match opts.average {
        Average::Binary { pos_label } => {
            if present.len() > 2 {
                return err(
                    "Target is multiclass but average='binary'. Please choose another average \
                     setting, one of [None, 'micro', 'macro', 'weighted'].",
                );
            }
            if !present.contains(&pos_label) && present.len() >= 2 {
                return err(format!(
                    "pos_label={pos_label} is not a valid label. It should be one of {}",
                    fmt_labels(&present)
                ));
            }
            vec![pos_label]
        }
        _ => opts.labels.clone().unwrap_or_else(|| present.clone()),
    };

    let mut tp = Vec::with_capacity(selected.len());
    let mut pred = Vec::with_capacity(selected.len());
    let mut truth = Vec::with_capacity(selected.len());
    for &l in &selected {
        let mut counts = [0u64; 3];
        for (&t, &p) in y_true.iter().zip(y_pred) {
            counts[0] += u64::from(t == l && p == l);
            counts[1] += u64::from(p == l);
            counts[2] += u64::from(t == l);
        }
        tp.push(counts[0] as f64);
        pred.push(counts[1] as f64);
        truth.push(counts[2] as f64);
    }
    let support: Vec<u64> = truth.iter().map(|&x| x as u64).collect();
    if opts.average == Average::Micro {
        // Integer sums: exact.
        tp = vec![tp.iter().sum()];
        pred = vec![pred.iter().sum()];
        truth = vec![truth.iter().sum()];
    }

    let zd = opts.zero_division;
    let mut warnings = Vec::new();
    let precision = prf_divide(
        &tp,
        &pred,
        "Precision",
        "predicted",
        warn_for.precision,
        zd,
        &mut warnings,
    );
    let recall = prf_divide(
        &tp,
        &truth,
        "Recall",
        "true",
        warn_for.recall,
        zd,
        &mut warnings,
    );
    let fscore = if beta.is_infinite() {
        recall.clone()
    } else if beta == 0.0 {
        precision.clone()
    } else {
        let beta2 = beta * beta;
        let num: Vec<f64> = tp.iter().map(|&t| (1.0 + beta2) * t).collect();
        let den: Vec<f64> = truth
            .iter()
            .zip(&pred)
            .map(|(&t, &p)| beta2 * t + p)
            .collect();
        prf_divide(
            &num,
            &den,
            "F-score",
            "true nor predicted",
            warn_for.fscore,
            zd,
            &mut warnings,
        )
    };

    let value = if opts.average == Average::None {
        Prfs {
            precision: Averaged::PerLabel(precision),
            recall: Averaged::PerLabel(recall),
            fscore: Averaged::PerLabel(fscore),
            support: Some(support),
        }
    } else {
        let weights = (opts.average == Average::Weighted).then_some(truth.as_slice());
        Prfs {
            precision: Averaged::Scalar(nan_average(&precision, weights)),
            recall: Averaged::Scalar(nan_average(&recall, weights)),
            fscore: Averaged::Scalar(nan_average(&fscore, weights)),
            support: None,
        }
    };
    Ok(MetricResult::new(value, warnings))
}

/// Precision, recall, F-beta and support together, warning for every 0/0
/// (`precision_recall_fscore_support`).
pub fn precision_recall_fscore_support(
    y_true: &[Label],
    y_pred: &[Label],
    beta: f64,
    opts: &PrfOptions,
) -> Result<MetricResult<Prfs>, MetricError> {
    let warn_for = WarnFor {
        precision: true,
        recall: true,
        fscore: true,
    };
    prfs_impl(y_true, y_pred, beta, opts, warn_for)
}

/// Precision `tp / (tp + fp)` (`precision_score`).
pub fn precision_score(
    y_true: &[Label],
    y_pred: &[Label],
    opts: &PrfOptions,
) -> Result<MetricResult<Averaged>, MetricError> {
    let warn_for = WarnFor {
        precision: true,
        recall: false,
        fscore: false,
    };
    let r = prfs_impl(y_true, y_pred, 1.0, opts, warn_for)?;
    Ok(MetricResult::new(r.value.precision, r.warnings))
}

/// Recall `tp / (tp + fn)` (`recall_score`).
pub fn recall_score(
    y_true: &[Label],
    y_pred: &[Label],
    opts: &PrfOptions,
) -> Result<MetricResult<Averaged>, MetricError> {
    let warn_for = WarnFor {
        precision: false,
        recall: true,
        fscore: false,
    };
    let r = prfs_impl(y_true, y_pred, 1.0, opts, warn_for)?;
    Ok(MetricResult::new(r.value.recall, r.warnings))
}

/// F-beta score `(1 + b²) tp / ((1 + b²) tp + b² fn + fp)` (`fbeta_score`).
pub fn fbeta_score(
    y_true: &[Label],
    y_pred: &[Label],
    beta: f64,
    opts: &PrfOptions,
) -> Result<MetricResult<Averaged>, MetricError> {
    let warn_for = WarnFor {
        precision: false,
        recall: false,
        fscore: true,
    };
    let r = prfs_impl(y_true, y_pred, beta, opts, warn_for)?;
    Ok(MetricResult::new(r.value.fscore, r.warnings))
}

/// F1 score `2 tp / (2 tp + fn + fp)` (`f1_score`).
pub fn f1_score(
    y_true: &[Label],
    y_pred: &[Label],
    opts: &PrfOptions,
) -> Result<MetricResult<Averaged>, MetricError> {
    fbeta_score(y_true, y_pred, 1.0, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: [Label; 5] = [0, 1, 1, 0, 1];
    const P: [Label; 5] = [0, 1, 0, 1, 1];

    #[test]
    fn classic_binary_example() {
        let o = PrfOptions::default();
        assert_eq!(accuracy_score(&T, &P).unwrap(), 0.6);
        assert_eq!(
            precision_score(&T, &P, &o).unwrap().value,
            Averaged::Scalar(2.0 / 3.0)
        );
        assert_eq!(
            recall_score(&T, &P, &o).unwrap().value.scalar(),
            Some(2.0 / 3.0)
        );
        let f1 = f1_score(&T, &P, &o).unwrap();
        assert_eq!(f1.value.scalar(), Some(2.0 / 3.0));
        assert!(f1.warnings.is_empty());
        let cm = confusion_matrix(&T, &P, None).unwrap().value;
        assert_eq!(cm.labels, vec![0, 1]);
        assert_eq!(cm.counts, ndarray::array![[1, 1], [1, 2]]);
        // sklearn: matthews_corrcoef = 1/6, balanced accuracy = (1/2 + 2/3) / 2
        assert_eq!(
            matthews_corrcoef(&T, &P).unwrap().value,
            0.16666666666666666
        );
        assert_eq!(
            balanced_accuracy_score(&T, &P, false).unwrap().value,
            0.5833333333333333
        );
    }

    #[test]
    fn averages_and_per_label() {
        let o = PrfOptions::new(Average::None);
        let r = precision_recall_fscore_support(&T, &P, 1.0, &o)
            .unwrap()
            .value;
        assert_eq!(r.precision, Averaged::PerLabel(vec![0.5, 2.0 / 3.0]));
        assert_eq!(r.support, Some(vec![2, 3]));
        // micro precision over both labels = accuracy for single-label targets
        let micro = precision_score(&T, &P, &PrfOptions::new(Average::Micro)).unwrap();
        assert_eq!(micro.value.scalar(), Some(0.6));
    }

    #[test]
    fn zero_division_modes() {
        let y_true = [0, 0, 0];
        let y_pred = [0, 0, 0];
        let warn = precision_score(&y_true, &y_pred, &PrfOptions::default()).unwrap();
        assert_eq!(warn.value.scalar(), Some(0.0));
        assert!(warn.has_undefined_metric_warning());
        assert!(warn.warnings[0]
            .message
            .starts_with("Precision is ill-defined and being set to 0.0 due to no predicted"));
        let one = PrfOptions::default().zero_division(ZeroDivision::One);
        let r = recall_score(&y_true, &y_pred, &one).unwrap();
        assert_eq!(r.value.scalar(), Some(1.0));
        assert!(r.warnings.is_empty());
        let nan = PrfOptions::new(Average::Macro)
            .labels(&[0, 1])
            .zero_division(ZeroDivision::NaN);
        // label 0: precision 1; label 1: 0/0 -> NaN, left out of the mean
        assert_eq!(
            precision_score(&y_true, &y_pred, &nan)
                .unwrap()
                .value
                .scalar(),
            Some(1.0)
        );
    }

    #[test]
    fn binary_refuses_multiclass_and_bad_pos_label() {
        let o = PrfOptions::default();
        assert!(f1_score(&[0, 1, 2], &[0, 1, 2], &o).is_err());
        let o7 = PrfOptions::new(Average::Binary { pos_label: 7 });
        assert!(f1_score(&[0, 1], &[0, 1], &o7).is_err());
        // a single present label: pos_label may be absent; everything is 0/0
        assert!(f1_score(&[3, 3], &[3, 3], &o7)
            .unwrap()
            .has_undefined_metric_warning());
        assert!(accuracy_score(&[], &[]).is_err());
        assert!(accuracy_score(&[1], &[1, 2]).is_err());
    }

    #[test]
    fn confusion_matrix_with_explicit_labels() {
        let y_true = [2, 5, 9, 9, 5];
        let y_pred = [5, 5, 9, 2, 7];
        let cm = confusion_matrix(&y_true, &y_pred, Some(&[9, 2]))
            .unwrap()
            .value;
        assert_eq!(cm.counts, ndarray::array![[1, 1], [0, 0]]);
        assert!(confusion_matrix(&y_true, &y_pred, Some(&[7])).is_err());
        assert!(confusion_matrix(&y_true, &y_pred, Some(&[])).is_err());
    }
}
