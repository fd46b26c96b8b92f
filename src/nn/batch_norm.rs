//! `BatchNormalization(momentum=0.99, epsilon=0.001)` over the last (channel) axis, as
//! Keras defines it.
//!
//! Training: per channel, `μ` and the biased variance `σ²` over the batch (and the spatial
//! positions), `x̂ = (x − μ)/√(σ² + ε)`, `y = γ·x̂ + β`; moving statistics are updated as
//! `m ← m·momentum + μ·(1 − momentum)` (same for the variance). Inference uses the moving
//! statistics. Backward (training): `dx = (1/m)·(1/√(σ²+ε))·(m·dx̂ − Σdx̂ − x̂·Σ(dx̂·x̂))`
//! with `dx̂ = dy·γ`, `dγ = Σ dy·x̂`, `dβ = Σ dy`.

use super::{ensure_len, Layer, Param, Shape};

/// Keras' default momentum of the moving statistics.
pub const MOMENTUM: f32 = 0.99;
/// Keras' default epsilon.
pub const EPSILON: f32 = 1e-3;

/// A batch-normalization layer.
pub struct BatchNormalization {
    shape: Shape,
    params: [Param; 2],
    /// Moving mean per channel (not trained; used at inference).
    pub moving_mean: Vec<f32>,
    /// Moving variance per channel.
    pub moving_variance: Vec<f32>,
    training: bool,
    trainable: bool,
    xhat: Vec<f32>,
    inv_std: Vec<f32>,
}

impl BatchNormalization {
    /// A layer for inputs of shape `shape`: γ = 1, β = 0, moving mean 0, variance 1.
    pub fn new(name: &str, shape: Shape) -> Self {
        let c = shape[2];
        BatchNormalization {
            shape,
            params: [
                Param::new(format!("{name}/gamma"), vec![c], vec![1.0; c]),
                Param::new(format!("{name}/beta"), vec![c], vec![0.0; c]),
            ],
            moving_mean: vec![0.0; c],
            moving_variance: vec![1.0; c],
            training: false,
            trainable: true,
            xhat: Vec::new(),
            inv_std: vec![0.0; c],
        }
    }
}

impl Layer for BatchNormalization {
    fn kind(&self) -> &'static str {
        "BatchNormalization"
    }

    fn output_shape(&self) -> Shape {
        self.shape
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    /// Frozen, the layer normalises with its moving statistics even while the model trains
    /// and leaves them and γ, β unchanged (Keras 3's rule for a non-trainable
    /// BatchNormalization, what fine-tuning a pretrained base needs).
    fn set_trainable(&mut self, trainable: bool) {
        self.trainable = trainable;
    }

    fn trainable(&self) -> bool {
        self.trainable
    }

    fn forward(&mut self, x: &[f32], batch: usize, y: &mut Vec<f32>) {
        let c = self.shape[2];
        let n = batch * super::numel(self.shape);
        let rows = n / c;
        ensure_len(y, n);
        let [gamma, beta] = &self.params;
        if !self.training || !self.trainable {
            for (yr, xr) in y.chunks_exact_mut(c).zip(x.chunks_exact(c)) {
                for ch in 0..c {
                    let inv = 1.0 / f32::sqrt(self.moving_variance[ch] + EPSILON);
                    yr[ch] =
                        gamma.value[ch] * (xr[ch] - self.moving_mean[ch]) * inv + beta.value[ch];
                }
            }
            return;
        }
        let mut mean = vec![0.0f32; c];
        for xr in x[..n].chunks_exact(c) {
            for (m, &v) in mean.iter_mut().zip(xr) {
                *m += v;
            }
        }
        mean.iter_mut().for_each(|m| *m /= rows as f32);
        let mut var = vec![0.0f32; c];
        for xr in x[..n].chunks_exact(c) {
            for ((s, &v), &m) in var.iter_mut().zip(xr).zip(&mean) {
                *s += (v - m) * (v - m);
            }
        }
        var.iter_mut().for_each(|s| *s /= rows as f32);
        for ch in 0..c {
            self.inv_std[ch] = 1.0 / f32::sqrt(var[ch] + EPSILON);
            self.moving_mean[ch] = self.moving_mean[ch] * MOMENTUM + mean[ch] * (1.0 - MOMENTUM);
            self.moving_variance[ch] =
                self.moving_variance[ch] * MOMENTUM + var[ch] * (1.0 - MOMENTUM);
        }
        ensure_len(&mut self.xhat, n);
        for ((hr, yr), xr) in self
            .xhat
            .chunks_exact_mut(c)
            .zip(y.chunks_exact_mut(c))
            .zip(x.chunks_exact(c))
        {
            for ch in 0..c {
                hr[ch] = (xr[ch] - mean[ch]) * self.inv_std[ch];
                yr[ch] = gamma.value[ch] * hr[ch] + beta.value[ch];
            }
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
        let c = self.shape[2];
        let n = batch * super::numel(self.shape);
        let rows = (n / c) as f32;
        let [gamma, beta] = &mut self.params;
        if !self.trainable {
            // Inference mode: y = γ·(x − m)/√(v + ε) + β with constants, so dx = dy·γ/√(v + ε).
            if let Some(dx) = dx {
                ensure_len(dx, n);
                for (dxr, dr) in dx.chunks_exact_mut(c).zip(dy[..n].chunks_exact(c)) {
                    for ch in 0..c {
                        let inv = 1.0 / f32::sqrt(self.moving_variance[ch] + EPSILON);
                        dxr[ch] = dr[ch] * gamma.value[ch] * inv;
                    }
                }
            }
            return;
        }
        gamma.grad.fill(0.0);
        beta.grad.fill(0.0);
        for (dr, hr) in dy[..n].chunks_exact(c).zip(self.xhat.chunks_exact(c)) {
            for ch in 0..c {
                gamma.grad[ch] += dr[ch] * hr[ch];
                beta.grad[ch] += dr[ch];
            }
        }
        if let Some(dx) = dx {
            ensure_len(dx, n);
            // Σdx̂ = γ·dβ and Σ(dx̂·x̂) = γ·dγ, so the sums above serve both.
            for ((dxr, dr), hr) in dx
                .chunks_exact_mut(c)
                .zip(dy[..n].chunks_exact(c))
                .zip(self.xhat.chunks_exact(c))
            {
                for ch in 0..c {
                    let g = gamma.value[ch];
                    let dxhat = dr[ch] * g;
                    dxr[ch] = self.inv_std[ch] / rows
                        * (rows * dxhat - g * beta.grad[ch] - hr[ch] * g * gamma.grad[ch]);
                }
            }
        }
    }

    fn params(&self) -> &[Param] {
        &self.params
    }

    fn params_mut(&mut self) -> &mut [Param] {
        &mut self.params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn training_normalizes_and_inference_uses_moving_statistics() {
            let mut bn = BatchNormalization::new("bn", [1, 1, 2]);
            // Channel 0: 1, 3 (mean 2, var 1); channel 1: 10, 10 (mean 10, var 0).
            let x = [1.0f32, 10.0, 3.0, 10.0];
            let mut y = Vec::new();
            bn.set_training(true);
            bn.forward(&x, 2, &mut y);
            let s = 1.0 / (1.0f32 + EPSILON).sqrt();
            assert!((y[0] + s).abs() < 1e-6 && (y[2] - s).abs() < 1e-6, "{y:?}");
            assert_eq!((y[1], y[3]), (0.0, 0.0));
            assert!((bn.moving_mean[0] - 0.02).abs() < 1e-6 && (bn.moving_mean[1] - 0.1).abs() < 1e-6);
            assert!((bn.moving_variance[0] - 1.0).abs() < 1e-6 && (bn.moving_variance[1] - 0.99).abs() < 1e-6);
            bn.set_training(false);
            bn.forward(&x, 2, &mut y);
            let want = (1.0 - 0.02) / (1.0f32 + EPSILON).sqrt();
            assert!((y[0] - want).abs() < 1e-5, "{} vs {want}", y[0]);
        }
    }
}
