//! Element-wise activations, applied in place and differentiated from their *output*
//! (so layers need not keep the pre-activation): relu′ = [y > 0].
//!
//! `softmax` is only allowed on the last layer: the model keeps logits there and the loss
//! applies softmax stably (see `loss.rs`), as Keras does with `from_logits` internally.

use serde::{Deserialize, Serialize};

/// A Keras activation name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// Identity.
    Linear,
    /// `max(0, x)`.
    Relu,
    /// Only as the last layer; handled by the loss and `Sequential::predict`.
    Softmax,
}

impl Activation {
    /// Applies the activation to `z` in place (softmax and linear leave logits as they are).
    pub fn apply(self, z: &mut [f32]) {
        if self == Activation::Relu {
            for v in z {
                // `max` would keep NaN as 0; keep NaN visible so divergence is detected.
                if *v < 0.0 {
                    *v = 0.0;
                }
            }
        }
    }

    /// Turns `dy` into `dz = dy · f′(z)` in place, using the activation's output `y`.
    pub fn backward(self, y: &[f32], dy: &mut [f32]) {
        if self == Activation::Relu {
            for (d, &o) in dy.iter_mut().zip(y) {
                if o <= 0.0 {
                    *d = 0.0;
                }
            }
        }
    }
}
