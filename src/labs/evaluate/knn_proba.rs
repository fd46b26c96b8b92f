//! scikit-learn's `KNeighborsClassifier.predict_proba` (one output, `weights` uniform or
//! distance), from the sorted neighbours [`crate::knn`]'s `kneighbors` returns.
//!
//! What scikit-learn 1.9 does with float32 features: uniform weights add 1 per neighbour;
//! distance weights are `1.0 / dist` in float64 (`kneighbors` returns float32-rounded
//! distances in a float64 array), and a row with a zero distance weighs its zero-distance
//! neighbours 1 and the others 0. Votes
//! are added in neighbour order into float64 class columns, then divided by their row sum
//! (`proba.sum(axis=1)`, numpy's pairwise sum). Uniform scores are therefore multiples of
//! 1/k: with k = 3 a class scores 0, 1/3, 2/3 or 1, which is why the ROC curve of a
//! uniform KNN has only a handful of points.

use crate::knn::{Neighbors, Weights};

/// Fills `out` (one column per class index) with the class probabilities of a query whose
/// neighbours are `nb`; `class_of` maps a training row to its class index.
pub fn predict_proba(nb: &Neighbors, class_of: &[usize], weights: Weights, out: &mut [f64]) {
    out.fill(0.0);
    match weights {
        Weights::Uniform => {
            for &j in &nb.indices {
                out[class_of[j]] += 1.0;
            }
        }
        Weights::Distance => {
            let mut w: Vec<f64> = nb.distances.iter().map(|&d| 1.0 / d).collect();
            if w.iter().any(|x| x.is_infinite()) {
                for x in w.iter_mut() {
                    *x = if x.is_infinite() { 1.0 } else { 0.0 };
                }
            }
            for (&j, &wj) in nb.indices.iter().zip(&w) {
                out[class_of[j]] += wj;
            }
        }
    }
    let mut total = crate::metrics::pairwise_sum(out);
    if total == 0.0 {
        total = 1.0;
    }
    for p in out.iter_mut() {
        *p /= total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn votes_become_fractions() {
            let nb = Neighbors { indices: vec![0, 1, 2], distances: vec![1.0, 2.0, 4.0] };
            let class_of = [2, 0, 2];
            let mut p = [0.0; 3];
            predict_proba(&nb, &class_of, Weights::Uniform, &mut p);
            assert_eq!(p, [1.0 / 3.0, 0.0, 2.0 / 3.0]);
            predict_proba(&nb, &class_of, Weights::Distance, &mut p);
            // Weights 1, 0.5, 0.25: class 2 gets 1.25 of 1.75.
            assert_eq!(p, [0.5 / 1.75, 0.0, 1.25 / 1.75]);
            // A zero distance: only the exact matches vote.
            let nb = Neighbors { indices: vec![1, 0, 2], distances: vec![0.0, 1.0, 4.0] };
            predict_proba(&nb, &class_of, Weights::Distance, &mut p);
            assert_eq!(p, [1.0, 0.0, 0.0]);
        }
    }
}
