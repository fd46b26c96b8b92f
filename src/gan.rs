//! The seed GAN: the classic fully connected MNIST GAN from Keras blog posts.
//!
//! Generator: noise(100) → Dense(128, LeakyReLU 0.2) → Dense(784, tanh), images in [−1, 1].
//! Discriminator: 784 → Dense(128, LeakyReLU 0.2) → Dense(1, sigmoid). Both Adam(2e-4, β₁ 0.5).
//! One step does what the snippet's loop does: generate a batch of fakes, one discriminator
//! update on the real batch and the fakes together (labels 1 and 0), then one generator update
//! on fresh noise through the frozen discriminator with labels 1.
//!
//! The discriminator's sigmoid is folded into the loss (binary cross-entropy from logits,
//! what Keras does for a sigmoid output), which is stable where the sigmoid saturates.

use crate::nn::adam::AdamConfig;
use crate::nn::{Activation, LayerSpec, Optimizer, Sequential};
use crate::rng::Rng;

/// Length of the generator's noise vector.
pub const LATENT: usize = 100;
/// Pixels of one generated image (28 × 28).
pub const IMAGE: usize = 784;

/// The generator's layers.
pub fn generator_spec() -> Vec<LayerSpec> {
    vec![
        LayerSpec::dense(128, Activation::LeakyRelu),
        LayerSpec::dense(IMAGE, Activation::Tanh),
    ]
}

/// The discriminator's layers; its output is a logit (the sigmoid lives in the loss).
pub fn discriminator_spec() -> Vec<LayerSpec> {
    vec![
        LayerSpec::dense(128, Activation::LeakyRelu),
        LayerSpec::dense(1, Activation::Linear),
    ]
}

/// Summed binary cross-entropy of sigmoid(`logits`) against `target` (the same label for the
/// whole slice), written as `max(z,0) − z·y + log(1+e^−|z|)`; `dlogits` gets
/// `(sigmoid(z) − y) · scale`.
pub fn bce_with_logits(logits: &[f32], target: f32, scale: f32, dlogits: &mut [f32]) -> f64 {
    let mut total = 0.0f64;
    for (d, &z) in dlogits.iter_mut().zip(logits) {
        total += (z.max(0.0) - z * target + libm::log1pf(libm::expf(-z.abs()))) as f64;
        *d = (sigmoid(z) - target) * scale;
    }
    total
}

fn sigmoid(z: f32) -> f32 {
    if z >= 0.0 {
        1.0 / (1.0 + libm::expf(-z))
    } else {
        let e = libm::expf(z);
        e / (1.0 + e)
    }
}

/// Losses of one GAN step, as the Keras loop reports them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GanLosses {
    /// Discriminator loss on the real and fake batch together.
    pub d_loss: f32,
    /// Generator loss (the discriminator's loss on fakes labelled real).
    pub g_loss: f32,
}

/// A generator, a discriminator, their optimizers and reused buffers.
pub struct Gan {
    g: Sequential,
    d: Sequential,
    g_opt: Optimizer,
    d_opt: Optimizer,
    rng: Rng,
    noise: Vec<f32>,
    d_input: Vec<f32>,
    dlogits: Vec<f32>,
}

impl Gan {
    /// Builds both models from `seed` (generator first, then discriminator).
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let g = Sequential::new([1, 1, LATENT], &generator_spec(), &mut rng).expect("valid");
        let d = Sequential::new([1, 1, IMAGE], &discriminator_spec(), &mut rng).expect("valid");
        let adam = || {
            Optimizer::adam(AdamConfig {
                learning_rate: 2e-4,
                beta_1: 0.5,
                ..AdamConfig::default()
            })
        };
        Gan {
            g,
            d,
            g_opt: adam(),
            d_opt: adam(),
            rng,
            noise: Vec::new(),
            d_input: Vec::new(),
            dlogits: Vec::new(),
        }
    }

    /// The generator.
    pub fn generator(&self) -> &Sequential {
        &self.g
    }

    /// The discriminator.
    pub fn discriminator(&self) -> &Sequential {
        &self.d
    }

    fn draw_noise(&mut self, n: usize) {
        self.noise.resize(n * LATENT, 0.0);
        self.rng.fill_normal(&mut self.noise);
    }

    /// Floating-point operations of one [`Gan::step`] on `batch` real images: the fakes'
    /// forward pass, a discriminator step on `2·batch` rows, and a generator step whose
    /// backward pass runs through the frozen discriminator (its input gradients only).
    pub fn step_flops(&self, batch: usize) -> usize {
        let (gf, df) = (self.g.forward_flops(), self.d.forward_flops());
        batch * (gf + 2 * self.d.train_flops() + self.g.train_flops() + 2 * df)
    }

    /// `n` images from fresh noise, pixels in [−1, 1] (`n × 784`).
    pub fn sample(&mut self, n: usize) -> &[f32] {
        self.draw_noise(n);
        self.g.forward(&self.noise, n)
    }

    /// One training step on `real` (`batch × 784`, scaled to [−1, 1]).
    pub fn step(&mut self, real: &[f32]) -> GanLosses {
        assert_eq!(
            real.len() % IMAGE,
            0,
            "real images are rows of {IMAGE} pixels"
        );
        let batch = real.len() / IMAGE;
        self.draw_noise(batch);
        let fake = self.g.forward(&self.noise, batch);
        self.d_input.clear();
        self.d_input.extend_from_slice(real);
        self.d_input.extend_from_slice(fake);
        let d_loss = self.discriminator_grads(batch);
        self.d_opt.step(self.d.params_mut().collect());
        self.draw_noise(batch);
        let g_loss = self.generator_grads(batch);
        self.g_opt.step(self.g.params_mut().collect());
        GanLosses { d_loss, g_loss }
    }

    /// Discriminator loss and gradients on `d_input` (real rows then fake rows, labels 1
    /// then 0, one batch as the Keras loop feeds them).
    fn discriminator_grads(&mut self, batch: usize) -> f32 {
        self.dlogits.resize(2 * batch, 0.0);
        let scale = 1.0 / (2 * batch) as f32;
        let logits = self.d.forward_train(&self.d_input, 2 * batch);
        let (real_z, fake_z) = logits.split_at(batch);
        let (d_real, d_fake) = self.dlogits.split_at_mut(batch);
        let total = bce_with_logits(real_z, 1.0, scale, d_real)
            + bce_with_logits(fake_z, 0.0, scale, d_fake);
        self.d.backward(&self.d_input, &self.dlogits, false);
        (total * scale as f64) as f32
    }

    /// Generator loss and gradients for the noise in `noise`: its fakes labelled real,
    /// backpropagated through the frozen discriminator (input gradients only, as Keras'
    /// combined model with `discriminator.trainable = False`).
    fn generator_grads(&mut self, batch: usize) -> f32 {
        self.dlogits.resize(batch, 0.0);
        let scale = 1.0 / batch as f32;
        let fake = self.g.forward_train(&self.noise, batch);
        let logits = self.d.forward_train(fake, batch);
        let total = bce_with_logits(logits, 1.0, scale, &mut self.dlogits);
        self.d.set_trainable(false);
        let dfake = self
            .d
            .backward(fake, &self.dlogits, true)
            .expect("input gradient");
        self.g.backward(&self.noise, dfake, false);
        self.d.set_trainable(true);
        (total * scale as f64) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central differences on a few weights of each tensor of `which` model against the
    /// analytic gradient that `loss` leaves there.
    fn check(gan: &mut Gan, generator: bool, loss: fn(&mut Gan) -> f32) {
        fn model(gan: &mut Gan, generator: bool) -> &mut Sequential {
            if generator {
                &mut gan.g
            } else {
                &mut gan.d
            }
        }
        const EPS: f32 = 1e-3;
        loss(gan);
        let analytic: Vec<Vec<f32>> = model(gan, generator)
            .params()
            .map(|p| p.grad.clone())
            .collect();
        let mut rng = Rng::new(7);
        let mut checked = 0;
        for (t, grads) in analytic.iter().enumerate() {
            for _ in 0..8 {
                let i = rng.below(grads.len() as u32) as usize;
                let orig = model(gan, generator).params().nth(t).unwrap().value[i];
                let mut at = |v: f32| {
                    model(gan, generator).params_mut().nth(t).unwrap().value[i] = v;
                    loss(gan)
                };
                let numeric = (at(orig + EPS) - at(orig - EPS)) / (2.0 * EPS);
                at(orig);
                let a = grads[i];
                assert!(
                    (numeric - a).abs() <= 2e-3 + 3e-2 * a.abs(),
                    "tensor {t}[{i}]: numeric {numeric} vs analytic {a}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 16);
    }

    fn gan_with_batch() -> Gan {
        let mut gan = Gan::new(3);
        let mut rng = Rng::new(11);
        gan.noise = (0..4 * LATENT).map(|_| rng.normal()).collect();
        gan.d_input = (0..8 * IMAGE)
            .map(|_| rng.uniform_range(-1.0, 1.0))
            .collect();
        gan
    }

    #[test]
    fn generator_gradients_flow_through_the_discriminator() {
        check(&mut gan_with_batch(), true, |g| g.generator_grads(4));
    }

    #[test]
    fn discriminator_gradients_match_finite_differences() {
        check(&mut gan_with_batch(), false, |g| g.discriminator_grads(4));
    }

    #[test]
    fn bce_matches_the_textbook_formula() {
        let z = [-30.0f32, -2.0, 0.0, 0.5, 40.0];
        let mut d = [0.0f32; 5];
        for y in [0.0f32, 1.0] {
            let total = bce_with_logits(&z, y, 1.0, &mut d);
            let want: f64 = z
                .iter()
                .map(|&z| {
                    // −y·ln σ(z) − (1−y)·ln(1−σ(z)), with −ln σ(z) = ln(1 + e^−z).
                    let softplus = |x: f64| (1.0 + x.exp()).ln();
                    y as f64 * softplus(-z as f64) + (1.0 - y as f64) * softplus(z as f64)
                })
                .sum();
            assert!(
                (total - want).abs() < 1e-4 * want.max(1.0),
                "{total} vs {want}"
            );
            for (&g, &z) in d.iter().zip(&z) {
                assert!((g - (sigmoid(z) - y)).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn a_step_is_deterministic_and_moves_both_models() {
        let real: Vec<f32> = (0..16 * IMAGE)
            .map(|i| ((i % 7) as f32 / 3.0) - 1.0)
            .collect();
        let run = || {
            let mut gan = Gan::new(5);
            let g0 = gan.generator().weights_sha256();
            let d0 = gan.discriminator().weights_sha256();
            let losses: Vec<GanLosses> = (0..3).map(|_| gan.step(&real)).collect();
            assert_ne!(gan.generator().weights_sha256(), g0);
            assert_ne!(gan.discriminator().weights_sha256(), d0);
            assert!(losses
                .iter()
                .all(|l| l.d_loss.is_finite() && l.g_loss.is_finite()));
            (losses, gan.generator().weights_sha256())
        };
        assert_eq!(run(), run());
    }
}
