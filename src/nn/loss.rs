//! `categorical_crossentropy` on a softmax output, computed stably from logits:
//! `L = mean_i (logsumexp(z_i) − z_i[y_i])`, `∂L/∂z_i = (softmax(z_i) − onehot(y_i)) / batch`.
//! Labels are class indices (Keras' one-hot targets, without building them).

/// The loss of one batch and how many samples its argmax got right.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchLoss {
    /// Mean cross-entropy over the batch (the data loss).
    pub loss: f32,
    /// Weight penalties (`kernel_regularizer`) added to the objective; 0 without any.
    pub penalty: f32,
    /// Samples whose largest logit is the true class.
    pub correct: usize,
}

/// Writes `softmax(z)` of one row into `out`, subtracting the max first for stability.
pub fn softmax(z: &[f32], out: &mut [f32]) {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0f32;
    for (o, &v) in out.iter_mut().zip(z) {
        *o = libm::expf(v - max);
        sum += *o;
    }
    for o in out.iter_mut() {
        *o /= sum;
    }
}

impl BatchLoss {
    /// The objective being minimised: data loss plus penalties (what Keras reports as `loss`).
    pub fn total(&self) -> f32 {
        self.loss + self.penalty
    }
}

/// Index of the first largest value.
pub fn argmax(v: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

/// Loss and `dlogits` for a batch of `logits` (`batch × classes`) and integer `labels`.
pub fn softmax_cross_entropy(
    logits: &[f32],
    labels: &[u8],
    classes: usize,
    dlogits: &mut [f32],
) -> BatchLoss {
    let batch = labels.len();
    let mut total = 0.0f64;
    let mut correct = 0;
    let scale = 1.0 / batch as f32;
    for ((z, d), &y) in logits
        .chunks_exact(classes)
        .zip(dlogits.chunks_exact_mut(classes))
        .zip(labels)
    {
        let y = y as usize;
        let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0f32;
        for (dv, &v) in d.iter_mut().zip(z) {
            *dv = libm::expf(v - max);
            sum += *dv;
        }
        total += (libm::logf(sum) + max - z[y]) as f64;
        for dv in d.iter_mut() {
            *dv = *dv / sum * scale;
        }
        d[y] -= scale;
        if argmax(z) == y {
            correct += 1;
        }
    }
    BatchLoss {
        loss: (total / batch as f64) as f32,
        penalty: 0.0,
        correct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn matches_hand_computed_values() {
            // Uniform logits: loss = ln(3), gradient = (1/3 − onehot) / 1.
            let mut d = [0.0; 3];
            let r = softmax_cross_entropy(&[2.0, 2.0, 2.0], &[1], 3, &mut d);
            assert!((r.loss - 3f32.ln()).abs() < 1e-6);
            assert!((d[0] - 1.0 / 3.0).abs() < 1e-6 && (d[1] + 2.0 / 3.0).abs() < 1e-6);
            assert_eq!(r.correct, 0); // a tie goes to the first index, which is not the label
        }
    }

    crate::both_targets_test! {
        fn stable_for_huge_logits() {
            let mut d = [0.0; 2];
            let r = softmax_cross_entropy(&[1000.0, -1000.0], &[1], 2, &mut d);
            assert!((r.loss - 2000.0).abs() < 1e-2, "{}", r.loss);
            assert!(d.iter().all(|v| v.is_finite()));
            let mut p = [0.0; 2];
            softmax(&[1000.0, 999.0], &mut p);
            assert!((p[0] - 0.7310586).abs() < 1e-6);
        }
    }
}
