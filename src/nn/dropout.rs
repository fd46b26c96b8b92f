//! `Dropout(rate)`, inverted as in Keras: while training each value is kept with
//! probability `1 − rate` and scaled by `1 / (1 − rate)`, so inference is the identity.
//! The mask comes from the layer's own seeded generator; backward routes `dy` through it.

use super::{ensure_len, Layer, Shape};
use crate::rng::Rng;

/// A dropout layer.
pub struct Dropout {
    shape: Shape,
    rate: f32,
    rng: Rng,
    mask: Vec<f32>,
    training: bool,
}

impl Dropout {
    /// `Dropout(rate)` on inputs of shape `shape`, drawing masks from `seed`.
    pub fn new(shape: Shape, rate: f32, seed: u64) -> Self {
        Dropout {
            shape,
            rate,
            rng: Rng::new(seed),
            mask: Vec::new(),
            training: false,
        }
    }
}

impl Layer for Dropout {
    fn kind(&self) -> &'static str {
        "Dropout"
    }

    fn output_shape(&self) -> Shape {
        self.shape
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    fn forward(&mut self, x: &[f32], batch: usize, y: &mut Vec<f32>) {
        let n = batch * super::numel(self.shape);
        ensure_len(y, n);
        if !self.training || self.rate == 0.0 {
            y.copy_from_slice(&x[..n]);
            return;
        }
        let keep = 1.0 - self.rate;
        let scale = 1.0 / keep;
        ensure_len(&mut self.mask, n);
        for m in self.mask.iter_mut() {
            *m = if self.rng.uniform() < keep {
                scale
            } else {
                0.0
            };
        }
        for ((o, &v), &m) in y.iter_mut().zip(x).zip(&self.mask) {
            *o = v * m;
        }
    }

    fn backward(
        &mut self,
        _x: &[f32],
        _y: &[f32],
        dy: &mut [f32],
        batch: usize,
        dx: Option<&mut Vec<f32>>,
    ) {
        if let Some(dx) = dx {
            let n = batch * super::numel(self.shape);
            ensure_len(dx, n);
            if !self.training || self.rate == 0.0 {
                dx.copy_from_slice(&dy[..n]);
            } else {
                for ((d, &g), &m) in dx.iter_mut().zip(dy.iter()).zip(&self.mask) {
                    *d = g * m;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn drops_about_rate_scales_the_rest_and_backward_uses_the_same_mask() {
            let mut d = Dropout::new([1, 1, 1000], 0.3, 5);
            let x: Vec<f32> = (0..2000).map(|i| 1.0 + i as f32 * 0.001).collect();
            let mut y = Vec::new();
            d.set_training(true);
            d.forward(&x, 2, &mut y);
            let dropped = y.iter().filter(|&&v| v == 0.0).count();
            assert!((500..700).contains(&dropped), "{dropped}");
            for (a, b) in x.iter().zip(&y) {
                assert!(*b == 0.0 || (*b - a / 0.7).abs() < 1e-5);
            }
            // The op is linear with the mask as its diagonal: dx/dy must equal y/x.
            let mut dy = vec![2.0f32; 2000];
            let mut dx = Vec::new();
            d.backward(&x, &y, &mut dy, 2, Some(&mut dx));
            for i in 0..2000 {
                assert!((dx[i] / 2.0 - y[i] / x[i]).abs() < 1e-5);
            }
            d.set_training(false);
            d.forward(&x, 2, &mut y);
            assert_eq!(y, x, "inference is the identity");
        }
    }
}
