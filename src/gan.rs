//! The classic fully connected MNIST GAN from Keras blog posts, and the settings the GAN
//! lab varies.
//!
//! Generator: noise(`latent`) → Dense(`hidden`, act) → Dense(784, tanh), images in [−1, 1].
//! Discriminator: 784 → Dense(`hidden`, act) → Dense(1, sigmoid). The defaults are the seed
//! GAN of `cargo xtask bench`: latent 100, hidden 128, LeakyReLU 0.2, Adam(2e-4, β₁ 0.5) for
//! both. One step does what the Keras loop does: generate a batch of fakes, one
//! discriminator update on the real batch and the fakes together (labels 1 − smoothing and
//! 0), then one generator update on fresh noise through the discriminator with labels 1.
//!
//! Two switches reproduce the classic snippet's bugs where a working model can express
//! them: `freeze_discriminator = false` lets the combined model's optimizer update the
//! discriminator too during the generator step (teaching it to call fakes real), and
//! `train_generator = false` gives the generator no update at all (the snippet's combined
//! model fed the noise straight to the discriminator, so no gradient reached the generator).
//!
//! The discriminator's sigmoid is folded into the loss (binary cross-entropy from logits,
//! what Keras does for a sigmoid output), which is stable where the sigmoid saturates.

use crate::nn::adam::AdamConfig;
use crate::nn::{Activation, LayerSpec, Optimizer, Sequential};
use crate::rng::Rng;

/// Length of the seed GAN's noise vector.
pub const LATENT: usize = 100;
/// Pixels of one generated image (28 × 28).
pub const IMAGE: usize = 784;

/// The networks' shape and how they train.
#[derive(Clone, Debug, PartialEq)]
pub struct GanConfig {
    /// Length of the noise vector.
    pub latent: usize,
    /// Units of each network's hidden layer.
    pub hidden: usize,
    /// Activation of the hidden layers (ReLU or LeakyReLU 0.2).
    pub activation: Activation,
    /// The generator's (combined model's) Adam.
    pub g_adam: AdamConfig,
    /// The discriminator's Adam.
    pub d_adam: AdamConfig,
    /// One-sided label smoothing: real images are labelled `1 − label_smoothing`.
    pub label_smoothing: f32,
    /// Whether the discriminator is frozen inside the combined model.
    pub freeze_discriminator: bool,
    /// Whether the generator step updates the generator.
    pub train_generator: bool,
}

impl Default for GanConfig {
    fn default() -> Self {
        let adam = AdamConfig {
            learning_rate: 2e-4,
            beta_1: 0.5,
            ..AdamConfig::default()
        };
        GanConfig {
            latent: LATENT,
            hidden: 128,
            activation: Activation::LeakyRelu,
            g_adam: adam,
            d_adam: adam,
            label_smoothing: 0.0,
            freeze_discriminator: true,
            train_generator: true,
        }
    }
}

impl GanConfig {
    /// The generator's layers.
    pub fn generator_spec(&self) -> Vec<LayerSpec> {
        vec![
            LayerSpec::dense(self.hidden, self.activation),
            LayerSpec::dense(IMAGE, Activation::Tanh),
        ]
    }

    /// The discriminator's layers; its output is a logit (the sigmoid lives in the loss).
    pub fn discriminator_spec(&self) -> Vec<LayerSpec> {
        vec![
            LayerSpec::dense(self.hidden, self.activation),
            LayerSpec::dense(1, Activation::Linear),
        ]
    }
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

/// The logistic function, stable for large |z|.
pub fn sigmoid(z: f32) -> f32 {
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

/// What one discriminator update saw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiscriminatorStep {
    /// Its loss on the real and fake batch together.
    pub loss: f32,
    /// Mean D(x) over the real images: how real it found them.
    pub d_real: f32,
    /// Mean D(G(z)) over the fakes.
    pub d_fake: f32,
}

/// A generator, a discriminator, their optimizers and reused buffers.
pub struct Gan {
    config: GanConfig,
    g: Sequential,
    d: Sequential,
    /// The combined model's optimizer: the generator's weights, and the discriminator's
    /// too when it is not frozen (one optimizer over both, as Keras compiles it).
    g_opt: Optimizer,
    d_opt: Optimizer,
    rng: Rng,
    noise: Vec<f32>,
    d_input: Vec<f32>,
    dlogits: Vec<f32>,
}

impl Gan {
    /// The seed GAN (default settings), built from `seed`.
    pub fn new(seed: u64) -> Self {
        Gan::with_config(seed, GanConfig::default())
    }

    /// Builds both models from `seed` (generator first, then discriminator).
    pub fn with_config(seed: u64, config: GanConfig) -> Self {
        let mut rng = Rng::new(seed);
        let g = Sequential::new([1, 1, config.latent], &config.generator_spec(), &mut rng)
            .expect("valid generator");
        let d = Sequential::new([1, 1, IMAGE], &config.discriminator_spec(), &mut rng)
            .expect("valid discriminator");
        Gan {
            g_opt: Optimizer::adam(config.g_adam),
            d_opt: Optimizer::adam(config.d_adam),
            config,
            g,
            d,
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

    /// The settings.
    pub fn config(&self) -> &GanConfig {
        &self.config
    }

    fn draw_noise(&mut self, n: usize) {
        self.noise.resize(n * self.config.latent, 0.0);
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

    /// Images from the given noise (`n × latent`), pixels in [−1, 1]; the generator's
    /// random state is untouched, so showing samples never changes training.
    pub fn generate(&mut self, noise: &[f32]) -> &[f32] {
        let n = noise.len() / self.config.latent;
        self.g.forward(noise, n)
    }

    /// One training step on `real` (`batch × 784`, scaled to [−1, 1]): a discriminator
    /// update, then a generator update.
    pub fn step(&mut self, real: &[f32]) -> GanLosses {
        let d = self.train_discriminator(real);
        let g_loss = self.train_generator(real.len() / IMAGE);
        GanLosses {
            d_loss: d.loss,
            g_loss,
        }
    }

    /// One discriminator update on `real` and as many fresh fakes.
    pub fn train_discriminator(&mut self, real: &[f32]) -> DiscriminatorStep {
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
        let step = self.discriminator_grads(batch);
        self.d_opt.step(self.d.params_mut().collect());
        step
    }

    /// One generator update on `batch` fresh noise vectors (the combined model's step);
    /// returns its loss.
    pub fn train_generator(&mut self, batch: usize) -> f32 {
        self.draw_noise(batch);
        let loss = self.generator_grads(batch);
        let mut params: Vec<&mut crate::nn::Param> = Vec::new();
        if self.config.train_generator {
            params.extend(self.g.params_mut());
        }
        if !self.config.freeze_discriminator {
            params.extend(self.d.params_mut());
        }
        if !params.is_empty() {
            self.g_opt.step(params);
        }
        loss
    }

    /// Discriminator loss and gradients on `d_input` (real rows then fake rows, labels
    /// 1 − smoothing then 0, one batch as the Keras loop feeds them).
    fn discriminator_grads(&mut self, batch: usize) -> DiscriminatorStep {
        self.dlogits.resize(2 * batch, 0.0);
        let scale = 1.0 / (2 * batch) as f32;
        let real_label = 1.0 - self.config.label_smoothing;
        let logits = self.d.forward_train(&self.d_input, 2 * batch);
        let (real_z, fake_z) = logits.split_at(batch);
        let mean_sigmoid = |z: &[f32]| z.iter().map(|&v| sigmoid(v)).sum::<f32>() / batch as f32;
        let (d_real, d_fake) = (mean_sigmoid(real_z), mean_sigmoid(fake_z));
        let (d_real_grad, d_fake_grad) = self.dlogits.split_at_mut(batch);
        let total = bce_with_logits(real_z, real_label, scale, d_real_grad)
            + bce_with_logits(fake_z, 0.0, scale, d_fake_grad);
        self.d.backward(&self.d_input, &self.dlogits, false);
        DiscriminatorStep {
            loss: (total * scale as f64) as f32,
            d_real,
            d_fake,
        }
    }

    /// Generator loss and gradients for the noise in `noise`: its fakes labelled real,
    /// backpropagated through the discriminator (input gradients only when it is frozen,
    /// as Keras' combined model with `discriminator.trainable = False`; its weight
    /// gradients too when it is not).
    fn generator_grads(&mut self, batch: usize) -> f32 {
        self.dlogits.resize(batch, 0.0);
        let scale = 1.0 / batch as f32;
        let fake = self.g.forward_train(&self.noise, batch);
        let logits = self.d.forward_train(fake, batch);
        let total = bce_with_logits(logits, 1.0, scale, &mut self.dlogits);
        self.d.set_trainable(!self.config.freeze_discriminator);
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
        check(&mut gan_with_batch(), false, |g| {
            g.discriminator_grads(4).loss
        });
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

    /// A GAN small enough to follow by hand: latent 1, hidden 1, ReLU; the generator
    /// starts at zero (its images are tanh(0) = 0), the discriminator's hidden unit adds
    /// 0.001 per pixel, and its output is 2·h + 0.5.
    fn tiny() -> Gan {
        let config = GanConfig {
            latent: 1,
            hidden: 1,
            activation: Activation::Relu,
            ..GanConfig::default()
        };
        let mut gan = Gan::with_config(1, config);
        for p in gan.g.params_mut() {
            p.value.fill(0.0);
        }
        let values = [0.001, 0.0, 2.0, 0.5]; // hidden kernel, bias; output kernel, bias
        for (p, v) in gan.d.params_mut().zip(values) {
            p.value.fill(v);
        }
        gan
    }

    #[test]
    fn one_step_of_a_tiny_gan_matches_the_hand_computed_losses_and_gradients() {
        let softplus = |x: f64| (1.0 + x.exp()).ln();
        let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
        // A real image of ones: h = relu(784 · 0.001) = 0.784, z = 2·0.784 + 0.5 = 2.068.
        // The fake is all zeros: h = 0, z = 0.5. Batch 1, so the loss is the mean of two.
        let (z_real, z_fake) = (2.0 * 0.784 + 0.5, 0.5);
        // The network computes in f32 (the hidden sum alone adds 784 rounded terms), so
        // values near 1 agree with these f64 formulas to a few parts in a million.
        const TOL: f64 = 5e-6;
        let mut gan = tiny();
        gan.d_input = [vec![1.0f32; IMAGE], vec![0.0f32; IMAGE]].concat();
        let d = gan.discriminator_grads(1);
        let want_loss = (softplus(-z_real) + softplus(z_fake)) / 2.0;
        assert!(
            (d.loss as f64 - want_loss).abs() < TOL,
            "{} vs {want_loss}",
            d.loss
        );
        assert!(
            (d.d_real as f64 - sig(z_real)).abs() < TOL,
            "{} vs {}",
            d.d_real,
            sig(z_real)
        );
        assert!((d.d_fake as f64 - sig(z_fake)).abs() < TOL);
        // ∂L/∂z = (σ(z) − y) / 2 per row; the output bias sums them, its kernel weighs them
        // by h (0 for the fake), the hidden kernel gets 2·∂L/∂z_real per lit pixel.
        let (g_real, g_fake) = ((sig(z_real) - 1.0) / 2.0, sig(z_fake) / 2.0);
        let grads: Vec<&[f32]> = gan.d.params().map(|p| p.grad.as_slice()).collect();
        let close = |a: f32, b: f64| (a as f64 - b).abs() < TOL;
        assert!(
            close(grads[3][0], g_real + g_fake),
            "output bias {}",
            grads[3][0]
        );
        assert!(
            close(grads[2][0], g_real * 0.784),
            "output kernel {}",
            grads[2][0]
        );
        assert!(
            close(grads[1][0], 2.0 * g_real),
            "hidden bias {}",
            grads[1][0]
        );
        assert!(
            grads[0].iter().all(|&g| close(g, 2.0 * g_real)),
            "hidden kernel"
        );
        // The generator step: its fake (z = 0.5) labelled real, so g_loss = softplus(−0.5).
        let mut gan = tiny();
        let g_loss = gan.train_generator(1);
        assert!((g_loss as f64 - softplus(-0.5)).abs() < TOL, "{g_loss}");
    }

    #[test]
    fn the_generator_step_leaves_a_frozen_discriminator_alone_and_the_snippets_bugs_do_not() {
        let real = vec![0.5f32; 2 * IMAGE];
        let run = |config: GanConfig| {
            let mut gan = Gan::with_config(9, config);
            gan.train_discriminator(&real);
            let (g0, d0) = (gan.g.weights_sha256(), gan.d.weights_sha256());
            gan.train_generator(2);
            (g0 != gan.g.weights_sha256(), d0 != gan.d.weights_sha256())
        };
        // Frozen (the fix): the generator learns, the discriminator's weights stay.
        assert_eq!(run(GanConfig::default()), (true, false));
        // Not frozen: the combined model's optimizer also moves the discriminator.
        let open = GanConfig {
            freeze_discriminator: false,
            ..GanConfig::default()
        };
        assert_eq!(run(open.clone()), (true, true));
        // Generator bypassed: it never changes, whatever happens to the discriminator.
        assert_eq!(
            run(GanConfig {
                train_generator: false,
                ..open
            }),
            (false, true)
        );
    }
}
