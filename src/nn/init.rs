//! Weight initializers with Keras' names, defaults and formulas.
//!
//! The variance-scaling family draws from N(0, σ²) truncated at 2σ, with σ corrected by
//! 0.87962566103423978 (the std of a unit normal truncated at ±2) exactly as Keras'
//! `VarianceScaling(distribution="truncated_normal")`, or from U(−l, l) with
//! `l = sqrt(3·scale/n)`, where `n` is fan_in, fan_out or their mean.

use crate::rng::Rng;

/// Standard deviation of a unit normal truncated at ±2 (Keras' correction constant).
const TRUNCATED_STD: f32 = 0.879_625_7;
use serde::{Deserialize, Serialize};

/// Keras initializer (name and parameters as in `keras.initializers`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum Initializer {
    /// N(mean, stddev²); Keras defaults mean 0, stddev 0.05.
    RandomNormal {
        /// Mean.
        mean: f32,
        /// Standard deviation.
        stddev: f32,
    },
    /// U(minval, maxval); Keras defaults −0.05, 0.05.
    RandomUniform {
        /// Lower bound.
        minval: f32,
        /// Upper bound.
        maxval: f32,
    },
    /// U(−l, l), l = sqrt(6 / (fan_in + fan_out)).
    #[default]
    GlorotUniform,
    /// Truncated N with σ² = 2 / (fan_in + fan_out).
    GlorotNormal,
    /// Truncated N with σ² = 2 / fan_in.
    HeNormal,
    /// U(−l, l), l = sqrt(6 / fan_in).
    HeUniform,
    /// Truncated N with σ² = 1 / fan_in.
    LecunNormal,
    /// All zeros.
    Zeros,
}

impl Initializer {
    /// `random_normal` with Keras' default stddev 0.05.
    pub const RANDOM_NORMAL: Initializer = Initializer::RandomNormal {
        mean: 0.0,
        stddev: 0.05,
    };

    /// `len` values for a tensor with the given fans.
    pub fn fill(self, rng: &mut Rng, fan_in: usize, fan_out: usize, len: usize) -> Vec<f32> {
        let truncated = |rng: &mut Rng, scale: f32, n: usize| -> Vec<f32> {
            let std = f32::sqrt(scale / n as f32) / TRUNCATED_STD;
            (0..len).map(|_| rng.truncated_normal() * std).collect()
        };
        let uniform = |rng: &mut Rng, limit: f32| -> Vec<f32> {
            (0..len).map(|_| rng.uniform_range(-limit, limit)).collect()
        };
        match self {
            Initializer::RandomNormal { mean, stddev } => {
                (0..len).map(|_| mean + stddev * rng.normal()).collect()
            }
            Initializer::RandomUniform { minval, maxval } => (0..len)
                .map(|_| rng.uniform_range(minval, maxval))
                .collect(),
            Initializer::GlorotUniform => uniform(rng, f32::sqrt(6.0 / (fan_in + fan_out) as f32)),
            Initializer::GlorotNormal => truncated(rng, 2.0, fan_in + fan_out),
            Initializer::HeNormal => truncated(rng, 2.0, fan_in),
            Initializer::HeUniform => uniform(rng, f32::sqrt(6.0 / fan_in as f32)),
            Initializer::LecunNormal => truncated(rng, 1.0, fan_in),
            Initializer::Zeros => zeros(len),
        }
    }
}

/// Keras `zeros`.
pub fn zeros(len: usize) -> Vec<f32> {
    vec![0.0; len]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(v: &[f32]) -> (f64, f64) {
        let n = v.len() as f64;
        let mean = v.iter().map(|&x| x as f64).sum::<f64>() / n;
        let var = v.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n;
        (mean, var.sqrt())
    }

    crate::both_targets_test! {
        fn glorot_uniform_stays_in_limit_and_fills_it() {
            let mut rng = Rng::new(0);
            let w = Initializer::GlorotUniform.fill(&mut rng, 9, 32, 9 * 32 * 100);
            let limit = (6.0f32 / 41.0).sqrt();
            assert!(w.iter().all(|x| x.abs() <= limit));
            let max = w.iter().fold(0.0f32, |m, x| m.max(x.abs()));
            assert!(max > 0.95 * limit);
            let mean: f32 = w.iter().sum::<f32>() / w.len() as f32;
            assert!(mean.abs() < 0.02);
        }
    }

    crate::both_targets_test! {
        fn every_initializer_has_its_keras_spread() {
            let (fan_in, fan_out, n) = (200, 50, 40_000);
            let cases = [
                (Initializer::HeNormal, (2.0f64 / 200.0).sqrt()),
                (Initializer::GlorotNormal, (2.0f64 / 250.0).sqrt()),
                (Initializer::LecunNormal, (1.0f64 / 200.0).sqrt()),
                (Initializer::HeUniform, (6.0f64 / 200.0).sqrt() / 3f64.sqrt()),
                (Initializer::GlorotUniform, (6.0f64 / 250.0).sqrt() / 3f64.sqrt()),
                (Initializer::RANDOM_NORMAL, 0.05),
                (Initializer::RandomUniform { minval: -0.05, maxval: 0.05 }, 0.05 / 3f64.sqrt()),
            ];
            for (init, want_std) in cases {
                let w = init.fill(&mut Rng::new(9), fan_in, fan_out, n);
                let (mean, std) = moments(&w);
                assert!(mean.abs() < 0.02 * want_std.max(0.05), "{init:?} mean {mean}");
                assert!((std / want_std - 1.0).abs() < 0.03, "{init:?}: std {std}, want {want_std}");
            }
            // Truncation at two standard deviations (before the 0.8796 correction).
            let w = Initializer::HeNormal.fill(&mut Rng::new(1), 100, 1, 10_000);
            let bound = 2.0 * (2.0f32 / 100.0).sqrt() / TRUNCATED_STD;
            assert!(w.iter().all(|x| x.abs() <= bound * 1.0001));
            assert!(Initializer::Zeros.fill(&mut Rng::new(1), 3, 3, 9).iter().all(|&x| x == 0.0));
        }
    }
}
