//! Weight initializers with Keras' definitions.

use crate::rng::Rng;

/// Keras `glorot_uniform`: U(−l, l) with `l = sqrt(6 / (fan_in + fan_out))`.
pub fn glorot_uniform(rng: &mut Rng, fan_in: usize, fan_out: usize, len: usize) -> Vec<f32> {
    let limit = libm::sqrtf(6.0 / (fan_in + fan_out) as f32);
    (0..len).map(|_| rng.uniform_range(-limit, limit)).collect()
}

/// Keras `zeros`.
pub fn zeros(len: usize) -> Vec<f32> {
    vec![0.0; len]
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn glorot_uniform_stays_in_limit_and_fills_it() {
            let mut rng = Rng::new(0);
            let w = glorot_uniform(&mut rng, 9, 32, 9 * 32 * 100);
            let limit = (6.0f32 / 41.0).sqrt();
            assert!(w.iter().all(|x| x.abs() <= limit));
            let max = w.iter().fold(0.0f32, |m, x| m.max(x.abs()));
            assert!(max > 0.95 * limit);
            let mean: f32 = w.iter().sum::<f32>() / w.len() as f32;
            assert!(mean.abs() < 0.02);
        }
    }
}
