//! The regularization lab on real MNIST: the runs overfit a small training set, L1 zeroes
//! out most first-layer weights, and the penalty is reported apart from the data loss.
#![cfg(not(target_arch = "wasm32"))]

use mlpad::data::dataset::bundled_dir;
use mlpad::data::Dataset;
use mlpad::labs::{build, Snapshot};
use mlpad::link;
use std::rc::Rc;

fn epochs(variant: &str) -> Vec<Snapshot> {
    let parsed =
        link::parse_strict(&format!("#lab=regularization&variant={variant}&epochs=6")).unwrap();
    let data = Rc::new(Dataset::load_dir("mnist", &bundled_dir()).unwrap());
    let mut run = build(parsed.config, data).unwrap();
    let mut out = Vec::new();
    loop {
        let s = run.step(100);
        let done = s.done;
        out.push(s);
        if done {
            return out;
        }
    }
}

#[test]
fn l1_makes_the_first_layer_sparse_and_penalties_are_reported() {
    let none = epochs("none");
    let l1 = epochs("l1");
    let l2 = epochs("l2");
    let last = |runs: &[Snapshot]| {
        runs.iter()
            .rev()
            .find(|s| s.train_accuracy.is_some())
            .cloned()
            .unwrap()
    };
    let (n, a, b) = (last(&none), last(&l1), last(&l2));
    let sparsity = |s: &Snapshot| s.kernel_histogram.as_ref().unwrap().near_zero;
    assert!(sparsity(&n) < 0.05, "no penalty: {}", sparsity(&n));
    assert!(sparsity(&a) > 0.5, "L1: {}", sparsity(&a));
    assert!(sparsity(&b) > sparsity(&n) && sparsity(&b) < sparsity(&a));
    // Overfitting is visible: the small training set is fitted better than the test set.
    assert!(n.train_accuracy.unwrap() > n.test_accuracy.unwrap() + 0.05);
    // Penalties: none without a regularizer, positive with one.
    assert!(none.iter().all(|s| s.penalties.is_empty()));
    assert!(l2.iter().flat_map(|s| &s.penalties).all(|&p| p > 0.0));
    let counts: u32 = n.kernel_histogram.as_ref().unwrap().counts.iter().sum();
    assert_eq!(counts, 784 * 64);
}
