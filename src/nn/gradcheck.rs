//! Finite-difference gradient checks for every layer, the loss and the whole model.
//!
//! Each layer is checked inside a small `Sequential` ending in `Dense(softmax)` + the
//! cross-entropy loss, so both its parameter gradients and its input gradient (which
//! feeds the layers before it) are exercised. Central differences in f32 with
//! `eps = 1e-3`; the forward pass is f32, so a gradient passes when
//! `|numeric − analytic| ≤ 2e-3 + 3e-2·|analytic|`. ReLU and max-pooling have kinks; a
//! point where the one-sided differences disagree straddles one and is skipped (at most
//! a quarter of the points may be).

use super::{Activation, LayerSpec, Sequential};
use crate::rng::Rng;

const EPS: f32 = 1e-3;

fn check_model(input: [usize; 3], specs: &[LayerSpec], batch: usize, seed: u64) {
    let mut rng = Rng::new(seed);
    let mut model = Sequential::new(input, specs, &mut rng).expect("valid spec");
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
    let analytic: Vec<Vec<f32>> = model.params().map(|p| p.grad.clone()).collect();
    let (mut checked, mut skipped) = (0, 0);
    for (t, grads) in analytic.iter().enumerate() {
        let len = grads.len();
        for _ in 0..12.min(len) {
            let i = rng.below(len as u32) as usize;
            let orig = model.params().nth(t).unwrap().value[i];
            let mut loss_at = |v: f32| {
                model.params_mut().nth(t).unwrap().value[i] = v;
                model.loss_and_grads(&x, &labels).total()
            };
            let (up, down, mid) = (loss_at(orig + EPS), loss_at(orig - EPS), loss_at(orig));
            let numeric = (up - down) / (2.0 * EPS);
            let a = grads[i];
            let (fwd, bwd) = ((up - mid) / EPS, (mid - down) / EPS);
            if (fwd - bwd).abs() > 2e-3 + 3e-2 * fwd.abs().max(bwd.abs()) {
                skipped += 1;
                continue;
            }
            let name = model.params().nth(t).unwrap().name.clone();
            assert!(
                (numeric - a).abs() <= 2e-3 + 3e-2 * a.abs(),
                "{name}[{i}]: numeric {numeric} vs analytic {a}"
            );
            checked += 1;
        }
    }
    assert!(
        checked > 0 && skipped * 3 <= checked,
        "{skipped} kinks skipped, {checked} checked"
    );
}

fn dense(units: usize, activation: Activation) -> LayerSpec {
    LayerSpec::dense(units, activation)
}

fn conv(filters: usize, k: usize) -> LayerSpec {
    LayerSpec::conv2d(filters, k, Activation::Relu)
}

crate::both_targets_test! {
    fn dense_relu_and_linear() {
        check_model([1, 1, 7], &[dense(6, Activation::Relu), dense(5, Activation::Linear), dense(3, Activation::Softmax)], 4, 1);
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
