//! `SGD` exactly as Keras 3 writes its update (defaults learning_rate 0.01, momentum 0):
//! without momentum `w −= lr·g`; with momentum `v = μ·v − lr·g`, then `w += v`, or with
//! Nesterov `w += μ·v − lr·g`.

use super::Param;

/// SGD's hyperparameters (Keras names and defaults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdConfig {
    /// Step size.
    pub learning_rate: f32,
    /// Momentum μ (0 = plain gradient descent).
    pub momentum: f32,
    /// Nesterov's look-ahead form of momentum.
    pub nesterov: bool,
}

impl Default for SgdConfig {
    fn default() -> Self {
        SgdConfig {
            learning_rate: 0.01,
            momentum: 0.0,
            nesterov: false,
        }
    }
}

/// SGD's state: one velocity per parameter tensor.
pub struct Sgd {
    cfg: SgdConfig,
    velocity: Vec<Vec<f32>>,
}

impl Sgd {
    /// A fresh optimizer.
    pub fn new(cfg: SgdConfig) -> Self {
        Sgd {
            cfg,
            velocity: Vec::new(),
        }
    }

    /// Applies one update to `params` (always the same tensors, in the same order).
    pub fn step<'a>(&mut self, params: impl Iterator<Item = &'a mut Param>) {
        let SgdConfig {
            learning_rate: lr,
            momentum: mu,
            nesterov,
        } = self.cfg;
        for (i, p) in params.enumerate() {
            if mu == 0.0 {
                for (w, &g) in p.value.iter_mut().zip(&p.grad) {
                    *w -= lr * g;
                }
                continue;
            }
            if self.velocity.len() <= i {
                self.velocity.push(vec![0.0; p.value.len()]);
            }
            for ((w, &g), v) in p
                .value
                .iter_mut()
                .zip(&p.grad)
                .zip(self.velocity[i].iter_mut())
            {
                *v = mu * *v - lr * g;
                *w += if nesterov { mu * *v - lr * g } else { *v };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn plain_momentum_and_nesterov_by_hand() {
            let run = |cfg: SgdConfig| {
                let mut p = Param::new("w".into(), vec![1], vec![1.0]);
                let mut opt = Sgd::new(cfg);
                let mut out = Vec::new();
                for _ in 0..2 {
                    p.grad = vec![0.5];
                    opt.step(std::iter::once(&mut p));
                    out.push(p.value[0]);
                }
                out
            };
            // w: 1 − 0.1·0.5 = 0.95, then 0.90.
            assert_eq!(run(SgdConfig { learning_rate: 0.1, ..Default::default() }), [0.95, 0.9]);
            // v1 = −0.05, w = 0.95; v2 = 0.9·(−0.05) − 0.05 = −0.095, w = 0.855.
            let m = run(SgdConfig { learning_rate: 0.1, momentum: 0.9, nesterov: false });
            assert!((m[0] - 0.95).abs() < 1e-7 && (m[1] - 0.855).abs() < 1e-6, "{m:?}");
            // Nesterov: w1 = 1 + 0.9·(−0.05) − 0.05 = 0.905; v2 = −0.095, w2 = 0.905 − 0.0855 − 0.05.
            let n = run(SgdConfig { learning_rate: 0.1, momentum: 0.9, nesterov: true });
            assert!((n[0] - 0.905).abs() < 1e-6 && (n[1] - 0.7695).abs() < 1e-6, "{n:?}");
        }
    }
}
