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
    use crate::rng::Rng;

    /// Where a reference puts ε.
    #[derive(Clone, Copy)]
    enum Epsilon {
        /// Keras 3: `w −= α·m / (√v + ε)` with `α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ)`.
        Keras,
        /// The paper / textbook: `w −= lr·m̂ / (√v̂ + ε)`, `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`.
        Textbook,
    }

    /// Adam in f64 (hyperparameters widened from their f32 values) over the given steps.
    fn reference(c: AdamConfig, w0: &[f32], grads: &[Vec<f32>], eps_at: Epsilon) -> Vec<f64> {
        let (lr, b1, b2, eps) = (
            c.learning_rate as f64,
            c.beta_1 as f64,
            c.beta_2 as f64,
            c.epsilon as f64,
        );
        let mut w: Vec<f64> = w0.iter().map(|&x| x as f64).collect();
        let (mut m, mut v) = (vec![0.0f64; w.len()], vec![0.0f64; w.len()]);
        for (t, g) in grads.iter().enumerate() {
            let t = t as i32 + 1;
            let (c1, c2) = (1.0 - b1.powi(t), 1.0 - b2.powi(t));
            for i in 0..w.len() {
                let g = g[i] as f64;
                m[i] += (g - m[i]) * (1.0 - b1);
                v[i] += (g * g - v[i]) * (1.0 - b2);
                w[i] -= match eps_at {
                    Epsilon::Keras => lr * c2.sqrt() / c1 * m[i] / (v[i].sqrt() + eps),
                    Epsilon::Textbook => lr * (m[i] / c1) / ((v[i] / c2).sqrt() + eps),
                };
            }
        }
        w
    }

    /// The f32 optimizer over the same steps.
    fn run(c: AdamConfig, w0: &[f32], grads: &[Vec<f32>]) -> Vec<f32> {
        let mut p = Param::new("w".into(), vec![w0.len()], w0.to_vec());
        let mut opt = Adam::new(c);
        for g in grads {
            p.grad.copy_from_slice(g);
            opt.step(std::iter::once(&mut p));
        }
        p.value
    }

    /// Gradients for `steps` steps of `n` entries: magnitudes uniform in `[lo, hi)`, each
    /// entry with a fixed sign except the last, whose sign alternates.
    fn gradients(rng: &mut Rng, n: usize, steps: usize, lo: f32, hi: f32) -> Vec<Vec<f32>> {
        (0..steps)
            .map(|t| {
                (0..n)
                    .map(|i| {
                        let sign = if i == n - 1 {
                            [1.0, -1.0][t % 2]
                        } else {
                            [1.0, -1.0][i % 2]
                        };
                        sign * rng.uniform_range(lo, hi)
                    })
                    .collect()
            })
            .collect()
    }

    crate::both_targets_test! {
        fn tiny_gradients_tell_where_epsilon_goes() {
            // With |g| in [1e-7, 1e-6], √v is 3e-9 to 3e-8 after one step and up to about
            // ε = 1e-7 after eight, so ε dominates or matches the denominator. Keras' ε
            // then acts as ε/√(1−β₂ᵗ) (10–30ε) in the textbook formula, so Keras moves each
            // weight several times less than the textbook does.
            // Six entries: four go through F32x4, two through the scalar tail.
            let c = AdamConfig::default();
            let w0 = [0.0, 1e-3, -2e-3, 0.0, 5e-4, -1e-4];
            let grads = gradients(&mut Rng::new(21), w0.len(), 8, 1e-7, 1e-6);
            let got = run(c, &w0, &grads);
            let keras = reference(c, &w0, &grads, Epsilon::Keras);
            let textbook = reference(c, &w0, &grads, Epsilon::Textbook);
            for i in 0..w0.len() {
                // Within 1e-5 of the distance moved: the f32 run measured ≤ 1.3e-6 of it
                // (most of it from f32's 1 − β₂ᵗ losing digits to cancellation). The
                // textbook weights land 100–300% of that distance away.
                let moved = (keras[i] - w0[i] as f64).abs();
                let tol = 1e-5 * moved;
                let err = (got[i] as f64 - keras[i]).abs();
                let (w, k) = (got[i], keras[i]);
                assert!(err <= tol, "w[{i}]: f32 {w} vs Keras {k} (error {err:e}, tol {tol:e})");
                let apart = (textbook[i] - keras[i]).abs();
                assert!(apart > 1000.0 * tol, "w[{i}]: textbook {} vs Keras {k}", textbook[i]);
            }
        }
    }

    crate::both_targets_test! {
        fn ordinary_gradients_follow_the_keras_formula() {
            // Gradients far above ε (where ε's placement is invisible), other
            // hyperparameters and a sign-flipping entry: the whole update, step by step.
            let c = AdamConfig {
                learning_rate: 0.01,
                beta_1: 0.8,
                beta_2: 0.99,
                epsilon: 1e-7,
            };
            let w0 = [0.5, -1.0, 2.0, 0.25, -0.75];
            let grads = gradients(&mut Rng::new(22), w0.len(), 12, 0.01, 3.0);
            let got = run(c, &w0, &grads);
            let keras = reference(c, &w0, &grads, Epsilon::Keras);
            for i in 0..w0.len() {
                let moved = (keras[i] - w0[i] as f64).abs();
                let err = (got[i] as f64 - keras[i]).abs();
                // Measured ≤ 1e-7 (about an ulp of w); 1e-6 allows rounding w at every step.
                let (w, k) = (got[i], keras[i]);
                assert!(err <= 1e-5 * moved + 1e-6, "w[{i}]: f32 {w} vs Keras {k}");
            }
        }
    }
}
