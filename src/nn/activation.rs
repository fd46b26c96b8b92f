//! Element-wise activations, applied in place and differentiated from their *output*
//! (so layers need not keep the pre-activation):
//! relu′ = [y > 0], leaky_relu′ = 1 or α, sigmoid′ = y(1 − y), tanh′ = 1 − y².
//!
//! `softmax` is only allowed on the last layer: the model keeps logits there and the loss
//! applies softmax stably (see `loss.rs`), as Keras does with `from_logits` internally.

use serde::{Deserialize, Serialize};

/// Keras' default slope of `leaky_relu` for negative inputs.
pub const LEAKY_SLOPE: f32 = 0.2;

/// A Keras activation name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// Identity.
    Linear,
    /// `max(0, x)`.
    Relu,
    /// `x` for `x > 0`, else `0.2·x` (Keras' `negative_slope` default).
    LeakyRelu,
    /// `1 / (1 + e^−x)`.
    Sigmoid,
    /// `tanh(x)`.
    Tanh,
    /// Only as the last layer; handled by the loss and `Sequential::predict`.
    Softmax,
}

/// Where `tanh` rounds to ±1 in f32; the rational form is only used inside.
const TANH_CLAMP: f32 = 7.905_311;

/// `tanh` by the rational approximation TensorFlow's CPU kernels use (Eigen's
/// `generic_fast_tanh_float` coefficients; Eigen also special-cases tiny inputs and may
/// fuse multiply-adds, so its last bits can differ): an odd degree-13 over even degree-6
/// polynomial on the input clamped to ±7.905, within 5e-7 of the true value everywhere. Plain multiplies, adds and one divide, so it is
/// bit-identical on every target, and about four times faster than `libm::tanhf`, which
/// mattered for the GAN's 784-wide tanh output. NaN stays NaN.
pub fn tanh(x: f32) -> f32 {
    const ALPHA: [f32; 7] = [
        4.893_524_6e-3,
        6.372_619_3e-4,
        1.485_722_4e-5,
        5.122_297e-8,
        -8.604_672e-11,
        2.000_188e-13,
        -2.760_768_5e-16,
    ];
    const BETA: [f32; 4] = [4.893_525e-3, 2.268_434_6e-3, 1.185_347_1e-4, 1.198_258_4e-6];
    // `clamp` keeps NaN as NaN.
    let x = x.clamp(-TANH_CLAMP, TANH_CLAMP);
    let x2 = x * x;
    let mut p = ALPHA[6];
    for &a in ALPHA[..6].iter().rev() {
        p = p * x2 + a;
    }
    let mut q = BETA[3];
    for &b in BETA[..3].iter().rev() {
        q = q * x2 + b;
    }
    x * p / q
}

impl Activation {
    /// Applies the activation to `z` in place (softmax and linear leave logits as they are).
    pub fn apply(self, z: &mut [f32]) {
        match self {
            Activation::Linear | Activation::Softmax => {}
            Activation::Relu => {
                for v in z {
                    // `max` would turn NaN into 0; keep NaN visible so divergence is detected.
                    // (An unconditional store lets the loop vectorize as compare + select.)
                    *v = if *v < 0.0 { 0.0 } else { *v };
                }
            }
            Activation::LeakyRelu => {
                for v in z {
                    *v = if *v < 0.0 { *v * LEAKY_SLOPE } else { *v };
                }
            }
            Activation::Sigmoid => {
                for v in z {
                    *v = 1.0 / (1.0 + libm::expf(-*v));
                }
            }
            Activation::Tanh => {
                for v in z {
                    *v = tanh(*v);
                }
            }
        }
    }

    /// Turns `dy` into `dz = dy · f′(z)` in place, using the activation's output `y`.
    pub fn backward(self, y: &[f32], dy: &mut [f32]) {
        let each = |f: &dyn Fn(f32) -> f32, dy: &mut [f32]| {
            for (d, &o) in dy.iter_mut().zip(y) {
                *d *= f(o);
            }
        };
        match self {
            Activation::Linear | Activation::Softmax => {}
            Activation::Relu => {
                for (d, &o) in dy.iter_mut().zip(y) {
                    *d = if o <= 0.0 { 0.0 } else { *d };
                }
            }
            Activation::LeakyRelu => each(&|o| if o > 0.0 { 1.0 } else { LEAKY_SLOPE }, dy),
            Activation::Sigmoid => each(&|o| o * (1.0 - o), dy),
            Activation::Tanh => each(&|o| 1.0 - o * o, dy),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tanh_is_within_5e7_of_the_true_value_and_keeps_nan() {
        let mut worst = 0.0f64;
        for i in -1_000_000..=1_000_000 {
            let x = i as f32 * 1e-5;
            let err = (tanh(x) as f64 - (x as f64).tanh()).abs();
            worst = worst.max(err);
        }
        assert!(worst < 5e-7, "worst error {worst}");
        assert_eq!(tanh(0.0), 0.0);
        assert_eq!(tanh(-3.0), -tanh(3.0));
        assert_eq!((tanh(50.0), tanh(-50.0)), (1.0, -1.0));
        assert!(tanh(f32::NAN).is_nan());
    }

    crate::both_targets_test! {
        fn derivatives_from_output_match_finite_differences() {
            let xs = [-3.0f32, -0.7, -0.01, 0.02, 0.5, 2.5];
            for act in [Activation::Relu, Activation::LeakyRelu, Activation::Sigmoid, Activation::Tanh, Activation::Linear] {
                let mut y = xs;
                act.apply(&mut y);
                let mut d = [1.0f32; 6];
                act.backward(&y, &mut d);
                for (i, &x) in xs.iter().enumerate() {
                    let h = 1e-3;
                    let (mut a, mut b) = ([x + h], [x - h]);
                    act.apply(&mut a);
                    act.apply(&mut b);
                    let numeric = (a[0] - b[0]) / (2.0 * h);
                    assert!((numeric - d[i]).abs() < 2e-3, "{act:?} at {x}: {numeric} vs {}", d[i]);
                }
            }
        }
    }

    crate::both_targets_test! {
        fn known_values_and_saturation() {
            let mut z = [0.0f32, 100.0, -100.0];
            Activation::Sigmoid.apply(&mut z);
            assert_eq!(z, [0.5, 1.0, 0.0]);
            let mut z = [-1.0f32, f32::NAN];
            Activation::Relu.apply(&mut z);
            assert_eq!(z[0], 0.0);
            assert!(z[1].is_nan(), "NaN must survive so a diverged run is noticed");
            let mut z = [-1.0f32, 1.0];
            Activation::LeakyRelu.apply(&mut z);
            assert_eq!(z, [-0.2, 1.0]);
        }
    }
}
