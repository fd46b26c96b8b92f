//! Weight penalties as Keras' `kernel_regularizer`: `l1`: λ₁·Σ|w|, `l2`: λ₂·Σw²,
//! `l1_l2`: both. The penalty is added to the loss; its gradient (λ₁·sign(w) + 2λ₂·w)
//! is added to the kernel's gradient.

use serde::{Deserialize, Serialize};

/// A kernel penalty with Keras' names (`keras.regularizers.L1`, `L2`, `L1L2`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum Regularizer {
    /// λ₁·Σ|w|.
    L1 {
        /// λ₁ (Keras default 0.01).
        l1: f32,
    },
    /// λ₂·Σw².
    L2 {
        /// λ₂ (Keras default 0.01).
        l2: f32,
    },
    /// λ₁·Σ|w| + λ₂·Σw².
    L1L2 {
        /// λ₁.
        l1: f32,
        /// λ₂.
        l2: f32,
    },
}

impl Regularizer {
    fn strengths(self) -> (f32, f32) {
        match self {
            Regularizer::L1 { l1 } => (l1, 0.0),
            Regularizer::L2 { l2 } => (0.0, l2),
            Regularizer::L1L2 { l1, l2 } => (l1, l2),
        }
    }

    /// The penalty for weights `w`.
    pub fn penalty(self, w: &[f32]) -> f32 {
        let (l1, l2) = self.strengths();
        let (mut abs, mut sq) = (0.0f32, 0.0f32);
        for &v in w {
            abs += v.abs();
            sq += v * v;
        }
        l1 * abs + l2 * sq
    }

    /// Adds the penalty's gradient to `grad`.
    pub fn add_grad(self, w: &[f32], grad: &mut [f32]) {
        let (l1, l2) = self.strengths();
        for (g, &v) in grad.iter_mut().zip(w) {
            // sign(0) = 0, as Keras' `ops.sign` (the subgradient at the kink).
            let sign = if v > 0.0 {
                1.0
            } else if v < 0.0 {
                -1.0
            } else {
                0.0
            };
            *g += l1 * sign + 2.0 * l2 * v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn penalties_and_gradients_by_hand() {
            let w = [1.0f32, -2.0, 0.0];
            assert_eq!(Regularizer::L1 { l1: 0.1 }.penalty(&w), 0.3);
            assert_eq!(Regularizer::L2 { l2: 0.5 }.penalty(&w), 2.5);
            assert!((Regularizer::L1L2 { l1: 0.1, l2: 0.5 }.penalty(&w) - 2.8).abs() < 1e-6);
            let mut g = [0.0f32; 3];
            Regularizer::L1L2 { l1: 0.1, l2: 0.5 }.add_grad(&w, &mut g);
            assert_eq!(g, [1.1, -2.1, 0.0]);
        }
    }
}
