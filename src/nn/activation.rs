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

impl Activation {
    /// Applies the activation to `z` in place (softmax and linear leave logits as they are).
    pub fn apply(self, z: &mut [f32]) {
        match self {
            Activation::Linear | Activation::Softmax => {}
            Activation::Relu => {
                for v in z {
                    // `max` would turn NaN into 0; keep NaN visible so divergence is detected.
                    if *v < 0.0 {
                        *v = 0.0;
                    }
                }
            }
            Activation::LeakyRelu => {
                for v in z {
                    if *v < 0.0 {
                        *v *= LEAKY_SLOPE;
                    }
                }
            }
            Activation::Sigmoid => {
                for v in z {
                    *v = 1.0 / (1.0 + libm::expf(-*v));
                }
            }
            Activation::Tanh => {
                for v in z {
                    *v = libm::tanhf(*v);
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
                    if o <= 0.0 {
                        *d = 0.0;
                    }
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
