//! The seeded random number generator used for every random draw in mlpad.
//!
//! PCG32 (`rand_pcg::Pcg32`, stream fixed) has a documented, stable output sequence, so
//! a seed in a link gives the same draws in every browser and natively.

use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg32;

/// A seeded generator; pass it explicitly wherever randomness is needed.
#[derive(Clone, Debug)]
pub struct Rng(Pcg32);

impl Rng {
    /// A generator for `seed` (the same seed always gives the same sequence).
    pub fn new(seed: u64) -> Self {
        Rng(Pcg32::seed_from_u64(seed))
    }

    /// A uniformly distributed `u32`.
    pub fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }

    /// Uniform in `[0, 1)` with 24 bits of precision (exact in f32).
    pub fn uniform(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform_range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform integer in `0..n` without modulo bias (Lemire's method).
    pub fn below(&mut self, n: u32) -> u32 {
        assert!(n > 0, "below(0)");
        let mut m = self.next_u32() as u64 * n as u64;
        if (m as u32) < n {
            let t = n.wrapping_neg() % n;
            while (m as u32) < t {
                m = self.next_u32() as u64 * n as u64;
            }
        }
        (m >> 32) as u32
    }

    /// Fisher–Yates shuffle in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u32 + 1) as usize;
            items.swap(i, j);
        }
    }

    /// Box–Muller's radius and angle from two uniform draws.
    fn polar(&mut self) -> (f64, f64) {
        let u1 = 1.0 - self.uniform() as f64; // (0, 1]
        let u2 = self.uniform() as f64;
        (
            f64::sqrt(-2.0 * libm::log(u1)),
            2.0 * std::f64::consts::PI * u2,
        )
    }

    /// A standard normal draw (Box–Muller with `libm`, so it is identical on every target).
    pub fn normal(&mut self) -> f32 {
        let (r, angle) = self.polar();
        (r * libm::cos(angle)) as f32
    }

    /// Fills `out` with standard normal draws, both values of each Box–Muller pair used (half
    /// the transcendentals of [`Rng::normal`], a different sequence; for bulk noise such as a
    /// GAN's latent vectors).
    pub fn fill_normal(&mut self, out: &mut [f32]) {
        for pair in out.chunks_mut(2) {
            let (r, angle) = self.polar();
            let (s, c) = libm::sincos(angle);
            pair[0] = (r * c) as f32;
            if let Some(second) = pair.get_mut(1) {
                *second = (r * s) as f32;
            }
        }
    }

    /// A normal draw truncated to two standard deviations, as Keras' `truncated_normal`.
    pub fn truncated_normal(&mut self) -> f32 {
        loop {
            let x = self.normal();
            if x.abs() <= 2.0 {
                return x;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn fill_normal_has_unit_moments() {
            let mut v = vec![0.0f32; 100_001];
            Rng::new(3).fill_normal(&mut v);
            let n = v.len() as f64;
            let mean = v.iter().map(|&x| x as f64).sum::<f64>() / n;
            let var = v.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n;
            assert!(mean.abs() < 0.01 && (var - 1.0).abs() < 0.02, "{mean} {var}");
            assert!(v.iter().all(|x| x.is_finite()) && v[100_000] != 0.0);
        }
    }

    crate::both_targets_test! {
        fn same_seed_same_sequence() {
            let mut a = Rng::new(42);
            let mut b = Rng::new(42);
            let mut c = Rng::new(43);
            let xs: Vec<u32> = (0..8).map(|_| a.next_u32()).collect();
            let ys: Vec<u32> = (0..8).map(|_| b.next_u32()).collect();
            let zs: Vec<u32> = (0..8).map(|_| c.next_u32()).collect();
            assert_eq!(xs, ys);
            assert_ne!(xs, zs);
        }
    }

    crate::both_targets_test! {
        fn below_is_in_range_and_covers() {
            let mut r = Rng::new(1);
            let mut seen = [0u32; 7];
            for _ in 0..7000 {
                seen[r.below(7) as usize] += 1;
            }
            assert!(seen.iter().all(|&c| c > 800 && c < 1200), "{seen:?}");
        }
    }

    crate::both_targets_test! {
        fn uniform_and_normal_moments() {
            let mut r = Rng::new(3);
            let n = 20000;
            let (mut s, mut s2) = (0.0f64, 0.0f64);
            for _ in 0..n {
                let x = r.normal() as f64;
                s += x;
                s2 += x * x;
            }
            let mean = s / n as f64;
            let var = s2 / n as f64 - mean * mean;
            assert!(mean.abs() < 0.03, "{mean}");
            assert!((var - 1.0).abs() < 0.05, "{var}");
            let u: f32 = (0..1000).map(|_| r.uniform()).fold(0.0, f32::max);
            assert!(u < 1.0 && u > 0.99);
        }
    }
}
