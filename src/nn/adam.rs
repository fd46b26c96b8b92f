//! `Adam` exactly as Keras 3 writes its update (defaults 0.001, 0.9, 0.999, 1e-7):
//! `α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ)`, `m += (g−m)(1−β₁)`, `v += (g²−v)(1−β₂)`, `w −= α·m/(√v + ε)`.

use super::Param;
use crate::simd::F32x4;

/// Adam's hyperparameters (Keras names and defaults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Step size.
    pub learning_rate: f32,
    /// Decay of the first moment.
    pub beta_1: f32,
    /// Decay of the second moment.
    pub beta_2: f32,
    /// Added to the denominator.
    pub epsilon: f32,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            learning_rate: 0.001,
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-7,
        }
    }
}

/// Adam's state: moments per parameter tensor and the step count.
pub struct Adam {
    cfg: AdamConfig,
    t: u32,
    m: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
}

impl Adam {
    /// A fresh optimizer.
    pub fn new(cfg: AdamConfig) -> Self {
        Adam {
            cfg,
            t: 0,
            m: Vec::new(),
            v: Vec::new(),
        }
    }

    /// Applies one update to `params` (always the same tensors, in the same order).
    pub fn step<'a>(&mut self, params: impl Iterator<Item = &'a mut Param>) {
        self.t += 1;
        let c = self.cfg;
        let b1t = libm::powf(c.beta_1, self.t as f32);
        let b2t = libm::powf(c.beta_2, self.t as f32);
        let alpha = c.learning_rate * f32::sqrt(1.0 - b2t) / (1.0 - b1t);
        for (i, p) in params.enumerate() {
            if self.m.len() <= i {
                self.m.push(vec![0.0; p.value.len()]);
                self.v.push(vec![0.0; p.value.len()]);
            }
            update(c, alpha, p, &mut self.m[i], &mut self.v[i]);
        }
    }
}

/// Keras' update of one tensor, four lanes at a time with the same IEEE operations in the
/// same order as the scalar tail (so both give the same bits).
fn update(c: AdamConfig, alpha: f32, p: &mut Param, m: &mut [f32], v: &mut [f32]) {
    let (s1, s2) = (1.0 - c.beta_1, 1.0 - c.beta_2);
    let n4 = p.value.len() / 4 * 4;
    let (w, g) = (&mut p.value[..], &p.grad[..]);
    let (vs1, vs2, va, ve) = (
        F32x4::splat(s1),
        F32x4::splat(s2),
        F32x4::splat(alpha),
        F32x4::splat(c.epsilon),
    );
    for i in (0..n4).step_by(4) {
        let gi = F32x4::load(&g[i..]);
        let mi = F32x4::load(&m[i..]);
        let mi = mi + (gi - mi) * vs1;
        let vi = F32x4::load(&v[i..]);
        let vi = vi + (gi * gi - vi) * vs2;
        let wi = F32x4::load(&w[i..]) - mi * va / (vi.sqrt() + ve);
        mi.store(&mut m[i..]);
        vi.store(&mut v[i..]);
        wi.store(&mut w[i..]);
    }
    for i in n4..w.len() {
        m[i] += (g[i] - m[i]) * s1;
        v[i] += (g[i] * g[i] - v[i]) * s2;
        w[i] -= m[i] * alpha / (f32::sqrt(v[i]) + c.epsilon);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn first_steps_move_by_learning_rate() {
            // With a constant gradient, Adam's bias-corrected step is ≈ lr·sign(g).
            let mut p = Param::new("w".into(), vec![2], vec![1.0, -1.0]);
            p.grad = vec![0.5, -3.0];
            let mut opt = Adam::new(AdamConfig::default());
            opt.step(std::iter::once(&mut p));
            assert!((p.value[0] - 0.999).abs() < 1e-6, "{:?}", p.value);
            assert!((p.value[1] + 0.999).abs() < 1e-6);
            opt.step(std::iter::once(&mut p));
            assert!((p.value[0] - 0.998).abs() < 1e-6);
        }
    }
}
