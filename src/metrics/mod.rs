//! Classification metrics that give scikit-learn's numbers (checked against
//! scikit-learn 1.9.1 / numpy 2.4.6 in `tests/metrics_sklearn.rs`).
//!
//! Labels are `i64`, scores are `f64`. Every function follows the scikit-learn function
//! of the same name: the same label ordering (sorted union of `y_true` and `y_pred`), the
//! same averaging and `zero_division` rules, the same curve points, and the same order
//! of floating-point operations where it matters (numpy's pairwise summation, np.trapz's
//! `dx * (y0 + y1) / 2`, cumulative sums of 0/1 weights), so the results agree to the bit
//! in practice and within 1e-12 always.
//!
//! There is no console in the page, so what scikit-learn reports with `warnings.warn`
//! comes back as data: a [`MetricResult`] holds the value and the warnings (kind plus
//! scikit-learn's message, sometimes followed by a plain-words explanation, and the same
//! in Simplified Chinese for the page). What scikit-learn raises as an exception is a
//! [`MetricError`].
//!
//! - [`classification`]: accuracy, balanced accuracy, confusion matrix, precision /
//!   recall / F-scores with every averaging mode, Matthews correlation coefficient.
//! - [`ranking`]: ROC curve and ROC AUC, precision-recall curve and average precision
//!   (binary targets).

pub mod classification;
pub mod ranking;

pub use classification::{
    accuracy_score, balanced_accuracy_score, confusion_matrix, f1_score, fbeta_score,
    matthews_corrcoef, precision_recall_fscore_support, precision_score, recall_score, Average,
    Averaged, ConfusionMatrix, PrfOptions, Prfs, ZeroDivision,
};
pub use ranking::{
    average_precision_score, precision_recall_curve, roc_auc_score, roc_curve, PrCurve, RocCurve,
};

use std::fmt;

/// A class label (scikit-learn accepts any sortable label; mlpad uses integers).
pub type Label = i64;

/// Which Python warning class scikit-learn (or numpy) would have raised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningKind {
    /// `sklearn.exceptions.UndefinedMetricWarning`: the metric is 0/0 somewhere.
    UndefinedMetric,
    /// A plain `UserWarning`.
    User,
    /// numpy's `RuntimeWarning` (division by zero in floating point).
    Runtime,
}

impl WarningKind {
    /// The Python class name, e.g. `"UndefinedMetricWarning"`.
    pub fn python_name(self) -> &'static str {
        match self {
            WarningKind::UndefinedMetric => "UndefinedMetricWarning",
            WarningKind::User => "UserWarning",
            WarningKind::Runtime => "RuntimeWarning",
        }
    }
}

/// One warning: its kind and message (scikit-learn's text first, then any explanation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricWarning {
    /// The Python warning class this corresponds to.
    pub kind: WarningKind,
    /// The message.
    pub message: String,
    /// The message in Simplified Chinese (the page shows it in its Chinese UI).
    pub message_zh: String,
}

impl MetricWarning {
    fn new(kind: WarningKind, message: impl Into<String>, message_zh: impl Into<String>) -> Self {
        MetricWarning {
            kind,
            message: message.into(),
            message_zh: message_zh.into(),
        }
    }
}

/// A metric's value plus the warnings scikit-learn would have printed, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricResult<T> {
    /// The value.
    pub value: T,
    /// Warnings, in the order scikit-learn raises them (empty when all is well).
    pub warnings: Vec<MetricWarning>,
}

impl<T> MetricResult<T> {
    fn new(value: T, warnings: Vec<MetricWarning>) -> Self {
        MetricResult { value, warnings }
    }

    /// True when some warning is an `UndefinedMetricWarning`.
    pub fn has_undefined_metric_warning(&self) -> bool {
        self.warnings
            .iter()
            .any(|w| w.kind == WarningKind::UndefinedMetric)
    }
}

/// What scikit-learn raises as an exception (bad input, unsupported target), in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricError(pub String);

impl fmt::Display for MetricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MetricError {}

fn err<T>(message: impl Into<String>) -> Result<T, MetricError> {
    Err(MetricError(message.into()))
}

/// `np.sum` of a float64 array: numpy's pairwise summation (blocks of 128, eight
/// accumulators), added to the reduction's initial 0.0.
pub(crate) fn np_sum(a: &[f64]) -> f64 {
    0.0 + pairwise_sum(a)
}

/// numpy's pairwise summation of a contiguous f64 array (also `np.sum(..., axis=1)` rows).
pub(crate) fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &x in a {
            res += x;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - n % 8 {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += a[i];
            i += 1;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

/// `np.mean` of a float64 array (NaN for an empty one).
pub(crate) fn np_mean(a: &[f64]) -> f64 {
    np_sum(a) / a.len() as f64
}

/// Sorted distinct labels of all the slices (scikit-learn's `unique_labels`).
pub(crate) fn unique_labels(slices: &[&[Label]]) -> Vec<Label> {
    let mut all: Vec<Label> = slices.iter().flat_map(|s| s.iter().copied()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Labels as numpy prints an int array, e.g. `[0 1]` (for error messages).
pub(crate) fn fmt_labels(labels: &[Label]) -> String {
    let parts: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    format!("[{}]", parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sum_matches_numpy_block_structure() {
        // numpy: np.sum([1e16, 1, 1, 1, 1, 1, 1, 1, 1]) == 1.0000000000000008e16 (eight
        // accumulators); a running total would stay at 1e16.
        let a = [1e16, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        assert_eq!(np_sum(&a), 1e16 + 8.0);
        let b = [1e16, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        assert_eq!(np_sum(&b), 1e16);
        assert_eq!(np_sum(&[-0.0]).to_bits(), 0.0f64.to_bits());
        // Over 128 elements numpy splits in halves (at multiples of 8). Value from
        // numpy 2.4.6; a running total gives 1.9928571428571436e18.
        let c: Vec<f64> = (0..300)
            .map(|i| if i % 37 == 0 { 1e16 } else { 1.0 } * (1.0 + i as f64 / 7.0))
            .collect();
        assert_eq!(np_sum(&c), 1.9928571428571497e18);
        assert!(np_mean(&[]).is_nan());
    }
}
