//! The optimizer a model trains with: Adam or SGD, plus Keras' gradient clipping, applied
//! before the update in Keras' order: `clipnorm` (each tensor's L2 norm capped),
//! `global_clipnorm` (all tensors scaled together so their joint norm is capped),
//! `clipvalue` (each element clamped to ±v).

use super::adam::{Adam, AdamConfig};
use super::sgd::{Sgd, SgdConfig};
use super::Param;

/// Gradient clipping settings (Keras' optimizer arguments); `None` = off.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Clip {
    /// Cap on each tensor's gradient L2 norm.
    pub clipnorm: Option<f32>,
    /// Cap on the L2 norm of all gradients together.
    pub global_clipnorm: Option<f32>,
    /// Cap on each gradient element's magnitude.
    pub clipvalue: Option<f32>,
}

fn l2(v: &[f32]) -> f32 {
    f32::sqrt(v.iter().map(|x| x * x).sum::<f32>())
}

impl Clip {
    /// Clips the gradients of `params` in place.
    pub fn apply(&self, params: &mut [&mut Param]) {
        if let Some(c) = self.clipnorm {
            for p in params.iter_mut() {
                let n = l2(&p.grad);
                if n > c {
                    p.grad.iter_mut().for_each(|g| *g = *g * c / n);
                }
            }
        }
        if let Some(c) = self.global_clipnorm {
            let n = f32::sqrt(
                params
                    .iter()
                    .map(|p| p.grad.iter().map(|x| x * x).sum::<f32>())
                    .sum::<f32>(),
            );
            if n > c {
                for p in params.iter_mut() {
                    p.grad.iter_mut().for_each(|g| *g = *g * c / n);
                }
            }
        }
        if let Some(v) = self.clipvalue {
            for p in params.iter_mut() {
                p.grad.iter_mut().for_each(|g| *g = g.clamp(-v, v));
            }
        }
    }
}

/// An optimizer with its clipping.
pub enum Optimizer {
    /// Adam.
    Adam(Adam, Clip),
    /// SGD (with optional momentum / Nesterov).
    Sgd(Sgd, Clip),
}

impl Optimizer {
    /// Adam with these settings and no clipping.
    pub fn adam(cfg: AdamConfig) -> Self {
        Optimizer::Adam(Adam::new(cfg), Clip::default())
    }

    /// SGD with these settings and no clipping.
    pub fn sgd(cfg: SgdConfig) -> Self {
        Optimizer::Sgd(Sgd::new(cfg), Clip::default())
    }

    /// The same optimizer with clipping.
    pub fn with_clip(self, clip: Clip) -> Self {
        match self {
            Optimizer::Adam(a, _) => Optimizer::Adam(a, clip),
            Optimizer::Sgd(s, _) => Optimizer::Sgd(s, clip),
        }
    }

    /// Clips the gradients, then updates the parameters.
    pub fn step(&mut self, mut params: Vec<&mut Param>) {
        match self {
            Optimizer::Adam(a, clip) => {
                clip.apply(&mut params);
                a.step(params.into_iter());
            }
            Optimizer::Sgd(s, clip) => {
                clip.apply(&mut params);
                s.step(params.into_iter());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> (Param, Param) {
        let mut a = Param::new("a".into(), vec![2], vec![0.0; 2]);
        let mut b = Param::new("b".into(), vec![1], vec![0.0]);
        a.grad = vec![3.0, 4.0]; // norm 5
        b.grad = vec![-12.0]; // norm 12; together 13
        (a, b)
    }

    crate::both_targets_test! {
        fn clipping_follows_keras_definitions() {
            let (mut a, mut b) = params();
            Clip { clipnorm: Some(1.0), ..Default::default() }.apply(&mut [&mut a, &mut b]);
            assert_eq!(a.grad, [0.6, 0.8]);
            assert_eq!(b.grad, [-1.0]);

            let (mut a, mut b) = params();
            Clip { global_clipnorm: Some(6.5), ..Default::default() }.apply(&mut [&mut a, &mut b]);
            assert_eq!(a.grad, [1.5, 2.0]);
            assert_eq!(b.grad, [-6.0]);

            let (mut a, mut b) = params();
            Clip { clipvalue: Some(3.5), ..Default::default() }.apply(&mut [&mut a, &mut b]);
            assert_eq!(a.grad, [3.0, 3.5]);
            assert_eq!(b.grad, [-3.5]);

            // Below the caps nothing changes.
            let (mut a, mut b) = params();
            Clip { clipnorm: Some(100.0), global_clipnorm: Some(100.0), clipvalue: Some(100.0) }.apply(&mut [&mut a, &mut b]);
            assert_eq!((a.grad, b.grad), (vec![3.0, 4.0], vec![-12.0]));
        }
    }
}
