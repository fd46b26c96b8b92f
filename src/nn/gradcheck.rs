//! Finite-difference gradient checks for every layer, the loss and the whole model.
//!
//! Each layer is checked inside a small `Sequential` ending in `Dense(softmax)` + the
//! cross-entropy loss, so both its parameter gradients and its input gradient (which
//! feeds the layers before it) are exercised.
//!
//! The numeric derivative is a central difference with step `H = 2⁻⁸` on the loss
//! evaluated in f64 from the model's f32 logits (the f32 loss alone rounds to ~1e-7, which
//! a difference quotient would divide by `2H`). It passes when
//! `|analytic − numeric| ≤ RTOL·max(|analytic|, |numeric|) + ATOL`. ReLU, max-pooling and
//! L1 penalties have kinks; a point whose stencil `±H, ±2H` is visibly not smooth (see
//! [`KINK`]) is skipped, and at most a quarter of the points may be.

use super::{Activation, LayerSpec, Sequential};
use crate::rng::Rng;

/// Step of the differences (a power of two, so `±H` and `±2H` are nearly exact in f32;
/// the quotients divide by the steps actually taken). Measured over every check below:
/// with f64 losses the central difference is within 9e-6 + 1e-3·|g| of the analytic
/// gradient at 2⁻⁸ (with the f32 loss, 4e-5); at 2⁻¹⁰ rounding in the f32 forward pass
/// (≈3–6e-8 in the loss) grows that to 4e-5, at 2⁻⁶ truncation to 1e-5, and three of the
/// tests below then skip more than a quarter of their points as kinks.
const H: f32 = 1.0 / 256.0;
/// Relative tolerance: truncation (`H²·f‴/6`) and f32 rounding of large gradients; the
/// worst relative error seen for gradients above 1e-2 is 7e-4, mostly absolute noise.
const RTOL: f64 = 1e-3;
/// Absolute tolerance: about 3× the worst error left after `RTOL` (9e-6). Typical gradients
/// here are 3e-3 to 3e-1 (median 6e-2), so a wrong entry above ~1e-4 is caught.
const ATOL: f64 = 3e-5;
/// Kink test: for a smooth loss, the central differences at `H` and `2H` differ by
/// `H²·f‴/2` and the one-sided ones match the curvature (`fwd − bwd` at `2H` is twice that
/// at `H` up to `H³`); both stay below 6e-5 at every smooth point here, while a slope jump
/// within `2H` of the point moves one of them by at least half the error it causes.
/// Points above this are skipped (14 of 387; the smallest such indicator seen is 2.2e-4).
/// A kink that slips under it can only fail a correct gradient (by up to 2·KINK), never
/// pass a wrong one, and the checks are seeded, so none does.
const KINK: f64 = 1.5e-4;

/// Loss (mean cross-entropy + penalties) in f64 from the model's f32 logits: the same
/// formula as [`super::loss::softmax_cross_entropy`] without rounding the result to f32.
fn loss_f64(model: &mut Sequential, x: &[f32], labels: &[u8]) -> f64 {
    let classes = model.outputs();
    let logits = model.forward_train(x, labels.len());
    let mut total = 0.0f64;
    for (z, &y) in logits.chunks_exact(classes).zip(labels) {
        let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
        let sum: f64 = z.iter().map(|&v| libm::exp(v as f64 - max)).sum();
        total += libm::log(sum) + max - z[y as usize] as f64;
    }
    let penalty: f64 = model
        .params()
        .filter_map(|p| p.regularizer.map(|r| r.penalty(&p.value) as f64))
        .sum();
    total / labels.len() as f64 + penalty
}

/// What [`compare`] found.
#[derive(Debug, Default)]
struct Report {
    /// Entries compared.
    checked: usize,
    /// Entries skipped as near a kink.
    skipped: usize,
    /// One line per entry outside the tolerance.
    failures: Vec<String>,
}

/// Compares `analytic[t][i]` with the numeric derivative of the loss for each `(t, i)` in
/// `picks` (tensor `t` of `model.params()`, element `i`).
fn compare(
    model: &mut Sequential,
    x: &[f32],
    labels: &[u8],
    analytic: &[Vec<f32>],
    picks: &[(usize, usize)],
) -> Report {
    let mut report = Report::default();
    for &(t, i) in picks {
        let orig = model.params().nth(t).unwrap().value[i];
        // (step actually taken, loss) at orig + k·H.
        let mut at = |k: f32| {
            let v = orig + k * H;
            model.params_mut().nth(t).unwrap().value[i] = v;
            let loss = loss_f64(model, x, labels);
            model.params_mut().nth(t).unwrap().value[i] = orig;
            (v as f64 - orig as f64, loss)
        };
        let f0 = at(0.0).1;
        let [(s1m, f1m), (s1p, f1p), (s2m, f2m), (s2p, f2p)] = [-1.0, 1.0, -2.0, 2.0].map(&mut at);
        let central = (f1p - f1m) / (s1p - s1m);
        let central2 = (f2p - f2m) / (s2p - s2m);
        let curvature = (f1p - f0) / s1p - (f0 - f1m) / -s1m;
        let curvature2 = (f2p - f0) / s2p - (f0 - f2m) / -s2m;
        if (central2 - central)
            .abs()
            .max((curvature - curvature2 / 2.0).abs())
            > KINK
        {
            report.skipped += 1;
            continue;
        }
        report.checked += 1;
        let a = analytic[t][i] as f64;
        if (a - central).abs() > RTOL * a.abs().max(central.abs()) + ATOL {
            let name = &model.params().nth(t).unwrap().name;
            report.failures.push(format!(
                "{name}[{i}]: numeric {central:e} vs analytic {a:e}"
            ));
        }
    }
    report
}

/// A model with random, non-zero parameters, a random batch and its analytic gradients.
fn setup(
    input: [usize; 3],
    specs: &[LayerSpec],
    batch: usize,
    rng: &mut Rng,
) -> (Sequential, Vec<f32>, Vec<u8>, Vec<Vec<f32>>) {
    let mut model = Sequential::new(input, specs, rng).expect("valid spec");
    let n = batch * input.iter().product::<usize>();
    let x: Vec<f32> = (0..n).map(|_| rng.uniform_range(-1.0, 1.0)).collect();
    let classes = model.outputs();
    let labels: Vec<u8> = (0..batch)
        .map(|_| rng.below(classes as u32) as u8)
        .collect();
    // Random, non-zero biases so ReLU units are not all at the same kink.
    for p in model.params_mut() {
        for v in p.value.iter_mut() {
            *v += rng.uniform_range(-0.1, 0.1);
        }
    }
    model.loss_and_grads(&x, &labels);
    let analytic = model.params().map(|p| p.grad.clone()).collect();
    (model, x, labels, analytic)
}

/// Checks up to 12 random entries of every parameter tensor.
fn check_model(input: [usize; 3], specs: &[LayerSpec], batch: usize, seed: u64) {
    let mut rng = Rng::new(seed);
    let (mut model, x, labels, analytic) = setup(input, specs, batch, &mut rng);
    let mut picks = Vec::new();
    for (t, grads) in analytic.iter().enumerate() {
        let len = grads.len();
        for _ in 0..12.min(len) {
            picks.push((t, rng.below(len as u32) as usize));
        }
    }
    let r = compare(&mut model, &x, &labels, &analytic, &picks);
    assert!(r.failures.is_empty(), "{}", r.failures.join("\n"));
    assert!(
        r.checked > 0 && r.skipped * 3 <= r.checked,
        "{} kinks skipped, {} checked",
        r.skipped,
        r.checked
    );
}

fn dense(units: usize, activation: Activation) -> LayerSpec {
    LayerSpec::dense(units, activation)
}

fn conv(filters: usize, k: usize) -> LayerSpec {
    LayerSpec::conv2d(filters, k, Activation::Relu)
}

fn dense_relu_and_linear_specs() -> [LayerSpec; 3] {
    [
        dense(6, Activation::Relu),
        dense(5, Activation::Linear),
        dense(3, Activation::Softmax),
    ]
}

crate::both_targets_test! {
    fn dense_relu_and_linear() {
        check_model([1, 1, 7], &dense_relu_and_linear_specs(), 4, 1);
    }
}

crate::both_targets_test! {
    fn a_wrong_gradient_entry_is_reported() {
        let mut rng = Rng::new(1);
        let specs = dense_relu_and_linear_specs();
        let (mut model, x, labels, analytic) = setup([1, 1, 7], &specs, 4, &mut rng);
        // The smallest gradient entry above 3e-4 that the check accepts as it is
        // (dense/kernel[5], 3.6e-4).
        let mut check_one = |t: usize, i: usize, grads: &[Vec<f32>]| {
            let r = compare(&mut model, &x, &labels, grads, &[(t, i)]);
            (r.checked, r.failures.len())
        };
        let mut entries: Vec<(usize, usize)> = analytic
            .iter()
            .enumerate()
            .flat_map(|(t, g)| (0..g.len()).map(move |i| (t, i)))
            .filter(|&(t, i)| analytic[t][i].abs() > 3e-4)
            .collect();
        let magnitude = |&(t, i): &(usize, usize)| analytic[t][i].abs();
        entries.sort_by(|a, b| magnitude(a).total_cmp(&magnitude(b)));
        let &(t, i) = entries
            .iter()
            .find(|&&(t, i)| check_one(t, i, &analytic) == (1, 0))
            .expect("a checkable entry");
        let g = analytic[t][i];
        for wrong in [1.5 * g, -g] {
            // The old slack (2e-3 + 3e-2·|analytic|) let both through for |g| < 1e-3.
            assert!((wrong - g).abs() <= 2e-3 + 3e-2 * wrong.abs(), "{g}");
            let mut bad = analytic.clone();
            bad[t][i] = wrong;
            assert_eq!(check_one(t, i, &bad), (1, 1), "{wrong} instead of {g} passed");
        }
    }
}

crate::both_targets_test! {
    fn conv2d_stack_with_input_gradient() {
        // The second conv receives the first's output, so conv dx is checked via the first.
        let specs = [conv(3, 3), conv(4, 2), LayerSpec::Flatten, dense(3, Activation::Softmax)];
        check_model([6, 5, 2], &specs, 3, 2);
    }
}

crate::both_targets_test! {
    fn maxpool_and_flatten_route_gradients() {
        let specs = [conv(3, 2), LayerSpec::MaxPooling2D { pool_size: 2 }, LayerSpec::Flatten, dense(4, Activation::Softmax)];
        check_model([7, 7, 1], &specs, 2, 3);
    }
}

crate::both_targets_test! {
    fn loss_alone() {
        check_model([1, 1, 5], &[dense(4, Activation::Softmax)], 6, 4);
    }
}

crate::both_targets_test! {
    fn small_version_of_the_seed_cnn() {
        let specs = [
            conv(4, 3),
            LayerSpec::MaxPooling2D { pool_size: 2 },
            conv(5, 3),
            LayerSpec::MaxPooling2D { pool_size: 2 },
            conv(5, 2),
            LayerSpec::Flatten,
            dense(6, Activation::Relu),
            dense(10, Activation::Softmax),
        ];
        check_model([14, 14, 1], &specs, 2, 5);
    }
}

crate::both_targets_test! {
    fn other_activations_and_regularized_kernels() {
        use super::{Initializer, Regularizer};
        let specs = [
            LayerSpec::Conv2D {
                filters: 3,
                kernel_size: (2, 2),
                activation: Activation::Tanh,
                kernel_initializer: Initializer::HeNormal,
                kernel_regularizer: Some(Regularizer::L1L2 { l1: 0.01, l2: 0.02 }),
            },
            LayerSpec::Flatten,
            LayerSpec::Dense {
                units: 5,
                activation: Activation::Sigmoid,
                kernel_initializer: Initializer::GlorotNormal,
                kernel_regularizer: Some(Regularizer::L2 { l2: 0.05 }),
            },
            LayerSpec::Dense {
                units: 4,
                activation: Activation::LeakyRelu,
                kernel_initializer: Initializer::LecunNormal,
                kernel_regularizer: Some(Regularizer::L1 { l1: 0.03 }),
            },
            dense(3, Activation::Softmax),
        ];
        check_model([4, 4, 2], &specs, 3, 6);
    }
}

crate::both_targets_test! {
    fn batch_normalization_dense_and_conv() {
        // Batch statistics couple the samples, so a batch of 5 exercises the full formula.
        let dense_bn = [dense(6, Activation::Linear), LayerSpec::BatchNormalization, dense(5, Activation::Tanh), dense(3, Activation::Softmax)];
        check_model([1, 1, 4], &dense_bn, 5, 7);
        let conv_bn = [conv(3, 2), LayerSpec::BatchNormalization, LayerSpec::Flatten, dense(3, Activation::Softmax)];
        check_model([4, 4, 1], &conv_bn, 4, 8);
    }
}

crate::both_targets_test! {
    fn layer_statistics_match_a_direct_computation() {
        use super::optimizer::Optimizer;
        let mut rng = Rng::new(3);
        let specs = [dense(4, Activation::Sigmoid), LayerSpec::Dropout { rate: 0.5 }, dense(3, Activation::Softmax)];
        let mut model = Sequential::new([1, 1, 5], &specs, &mut rng).unwrap();
        model.record_stats(true);
        let x: Vec<f32> = (0..10).map(|i| i as f32 * 0.1).collect();
        let before: Vec<Vec<f32>> = model.params().map(|p| p.value.clone()).collect();
        let mut opt = Optimizer::sgd(super::sgd::SgdConfig { learning_rate: 0.5, ..Default::default() });
        model.train_step(&x, &[0, 2], &mut opt);
        let stats = model.layer_stats().unwrap().to_vec();
        assert_eq!(stats.iter().map(|s| s.layer).collect::<Vec<_>>(), [0, 2]);
        // With SGD, Δw = −lr·g, so ‖Δw‖ = lr·‖g‖ exactly up to rounding.
        for (s, tensors) in stats.iter().zip([[0usize, 1], [2, 3]]) {
            let w2: f32 = tensors.iter().flat_map(|&t| model.params().nth(t).unwrap().value.clone()).map(|v| v * v).sum();
            let d2: f32 = tensors
                .iter()
                .flat_map(|&t| model.params().nth(t).unwrap().value.iter().zip(&before[t]).map(|(a, b)| (a - b) * (a - b)).collect::<Vec<_>>())
                .sum();
            assert!((s.weight_norm - w2.sqrt()).abs() < 1e-6);
            assert!((s.update_ratio - (d2 / w2).sqrt()).abs() < 1e-6);
            assert!((d2.sqrt() - 0.5 * s.grad_norm).abs() < 1e-5, "{} vs {}", d2.sqrt(), s.grad_norm);
        }
    }
}
