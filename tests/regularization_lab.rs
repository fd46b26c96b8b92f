//! The regularization lab on real MNIST: the runs overfit a small training set, L1 zeroes
//! out most first-layer weights, and the penalty is reported apart from the data loss.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use mlpad::labs::regularization::{
    kernel_histogram, Penalties, Regularization, TrainVsTest, NEAR_ZERO,
};
use mlpad::labs::training::{EpochRecord, TrainPayload, Training};
use mlpad::labs::Progress;

type RegularizationLab = Training<Regularization>;
type Step = Progress<TrainPayload<Penalties, TrainVsTest>>;

fn run(variant: &str) -> (RegularizationLab, Vec<Step>) {
    common::run_typed::<RegularizationLab>(
        &format!("#lab=regularization&variant={variant}&epochs=6"),
        100,
    )
}

fn last_epoch(lab: &RegularizationLab) -> &EpochRecord<TrainVsTest> {
    let records = lab.epoch_records();
    assert_eq!(records.len(), 6, "one record per epoch");
    records.last().unwrap()
}

#[test]
fn l1_makes_the_first_layer_sparse_and_penalties_are_reported() {
    let (none_lab, none) = run("none");
    let (l1_lab, l1) = run("l1");
    let (l2_lab, l2) = run("l2");
    let (n, a, b) = (
        last_epoch(&none_lab),
        last_epoch(&l1_lab),
        last_epoch(&l2_lab),
    );
    let sparsity = |r: &EpochRecord<TrainVsTest>| r.extra.near_zero;
    assert!(sparsity(n) < 0.05, "no penalty: {}", sparsity(n));
    assert!(sparsity(a) > 0.5, "L1: {}", sparsity(a));
    assert!(sparsity(b) > sparsity(n) && sparsity(b) < sparsity(a));
    // Overfitting is visible: the small training set is fitted better than the test set.
    assert!(n.extra.train_accuracy > n.test_accuracy + 0.05);

    // Penalties: none without a regularizer; one positive value per step with one.
    assert!(none.iter().all(|s| s.payload.steps.penalties.is_empty()));
    for steps in [&l1, &l2] {
        for s in steps.iter() {
            let p = &s.payload.steps.penalties;
            assert_eq!(p.len(), s.payload.losses.len());
            assert!(p.iter().all(|&p| p > 0.0), "{p:?}");
        }
    }
    let steps = l2_lab.trainer().total_steps();
    assert_eq!(
        l2.iter().map(|s| s.payload.losses.len()).sum::<usize>(),
        steps
    );

    // The histogram and sparsity describe the trained first kernel, every weight counted.
    for lab in [&none_lab, &l1_lab, &l2_lab] {
        let kernel = lab.trainer().model().params().next().unwrap();
        assert_eq!(kernel.shape, [784, 64]);
        let r = last_epoch(lab);
        let near = kernel.value.iter().filter(|w| w.abs() < NEAR_ZERO).count();
        assert_eq!(r.extra.near_zero, near as f64 / kernel.value.len() as f64);
        let counts: u32 = r.extra.kernel_histogram.counts.iter().sum();
        assert_eq!(counts as usize, kernel.value.len());
        let bins = r.extra.kernel_histogram.counts.len();
        let range = r.extra.kernel_histogram.hi;
        assert_eq!(
            kernel_histogram(&kernel.value, bins, range).0,
            r.extra.kernel_histogram
        );
    }
}
