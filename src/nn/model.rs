//! `Sequential`: layers built from a spec, run forward and backward over reused buffers.
//!
//! If the last layer's activation is `softmax`, the model keeps its logits; the loss and
//! [`Sequential::predict_proba`] apply softmax (stable, and Keras' maths).

use super::batch_norm::BatchNormalization;
use super::conv2d::Conv2D;
use super::dense::Dense;
use super::dropout::Dropout;
use super::flatten::Flatten;
use super::loss::{softmax, softmax_cross_entropy, BatchLoss};
use super::maxpool2d::MaxPooling2D;
use super::optimizer::Optimizer;
use super::{numel, Activation, Initializer, KernelOptions, Layer, Param, Regularizer, Shape};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One layer of a `Sequential` spec, with Keras' names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "layer")]
pub enum LayerSpec {
    /// `Conv2D(filters, kernel_size, activation)`, valid padding, stride 1.
    Conv2D {
        /// Output channels.
        filters: usize,
        /// Kernel height and width.
        kernel_size: (usize, usize),
        /// Activation.
        activation: Activation,
        /// `kernel_initializer` (default glorot_uniform).
        #[serde(default)]
        kernel_initializer: Initializer,
        /// `kernel_regularizer` (default none).
        #[serde(default)]
        kernel_regularizer: Option<Regularizer>,
    },
    /// `MaxPooling2D(pool_size)`.
    MaxPooling2D {
        /// Window and stride.
        pool_size: usize,
    },
    /// `Flatten()`.
    Flatten,
    /// `Dropout(rate)`.
    Dropout {
        /// Fraction of values dropped while training.
        rate: f32,
    },
    /// `BatchNormalization()` with Keras' defaults (momentum 0.99, epsilon 0.001).
    BatchNormalization,
    /// `Dense(units, activation)`.
    Dense {
        /// Output features.
        units: usize,
        /// Activation.
        activation: Activation,
        /// `kernel_initializer` (default glorot_uniform).
        #[serde(default)]
        kernel_initializer: Initializer,
        /// `kernel_regularizer` (default none).
        #[serde(default)]
        kernel_regularizer: Option<Regularizer>,
    },
}

impl LayerSpec {
    /// `Dense(units, activation)` with Keras' default initializer and no penalty.
    pub fn dense(units: usize, activation: Activation) -> Self {
        LayerSpec::Dense {
            units,
            activation,
            kernel_initializer: Initializer::default(),
            kernel_regularizer: None,
        }
    }

    /// `Conv2D(filters, (k, k), activation)` with Keras' defaults.
    pub fn conv2d(filters: usize, k: usize, activation: Activation) -> Self {
        LayerSpec::Conv2D {
            filters,
            kernel_size: (k, k),
            activation,
            kernel_initializer: Initializer::default(),
            kernel_regularizer: None,
        }
    }
}

/// A stack of layers with its activation and gradient buffers.
pub struct Sequential {
    input: Shape,
    layers: Vec<Box<dyn Layer>>,
    acts: Vec<Vec<f32>>,
    grad: Vec<f32>,
    grad_next: Vec<f32>,
    /// Per-layer statistics of the latest training step, when recording is on.
    stats: Option<Vec<LayerStats>>,
    before: Vec<f32>,
}

/// Per-layer training statistics of one step (layers without trainable parameters are
/// skipped).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LayerStats {
    /// Index of the layer in the model.
    pub layer: usize,
    /// L2 norm of the layer's gradients (all its tensors), after any penalty, before clipping.
    pub grad_norm: f32,
    /// L2 norm of the layer's weights after the update.
    pub weight_norm: f32,
    /// ‖Δw‖ / ‖w‖ of the update (how fast the layer is changing).
    pub update_ratio: f32,
}

impl Sequential {
    /// Builds the layers of `specs` for inputs of shape `input`, drawing initial weights
    /// from `rng` layer by layer.
    pub fn new(input: Shape, specs: &[LayerSpec], rng: &mut Rng) -> Result<Self, String> {
        let mut layers: Vec<Box<dyn Layer>> = Vec::new();
        let mut shape = input;
        let mut count = std::collections::HashMap::<&str, usize>::new();
        for (i, spec) in specs.iter().enumerate() {
            let mut name = |base: &'static str| {
                let n = count.entry(base).or_insert(0);
                *n += 1;
                if *n == 1 {
                    base.to_string()
                } else {
                    format!("{base}_{}", *n - 1)
                }
            };
            let last = i + 1 == specs.len();
            let layer: Box<dyn Layer> = match *spec {
                LayerSpec::Conv2D {
                    filters,
                    kernel_size,
                    activation,
                    kernel_initializer,
                    kernel_regularizer,
                } => {
                    if kernel_size.0 > shape[0] || kernel_size.1 > shape[1] || filters == 0 {
                        return Err(format!(
                            "layer {i}: Conv2D kernel {kernel_size:?} does not fit input {shape:?}"
                        ));
                    }
                    check_softmax(activation, last, i)?;
                    Box::new(Conv2D::new(
                        &name("conv2d"),
                        shape,
                        filters,
                        kernel_size,
                        activation,
                        KernelOptions {
                            initializer: kernel_initializer,
                            regularizer: kernel_regularizer,
                        },
                        rng,
                    ))
                }
                LayerSpec::MaxPooling2D { pool_size } => {
                    if pool_size == 0 || pool_size > shape[0] || pool_size > shape[1] {
                        return Err(format!(
                            "layer {i}: MaxPooling2D({pool_size}) does not fit input {shape:?}"
                        ));
                    }
                    Box::new(MaxPooling2D::new(shape, pool_size))
                }
                LayerSpec::Flatten => Box::new(Flatten::new(shape)),
                LayerSpec::Dropout { rate } => {
                    if !(0.0..1.0).contains(&rate) {
                        return Err(format!("layer {i}: Dropout rate {rate} must be in [0, 1)"));
                    }
                    // The mask generator is seeded from the model's generator, in layer order.
                    Box::new(Dropout::new(shape, rate, rng.next_u32() as u64))
                }
                LayerSpec::BatchNormalization => {
                    Box::new(BatchNormalization::new(&name("batch_normalization"), shape))
                }
                LayerSpec::Dense {
                    units,
                    activation,
                    kernel_initializer,
                    kernel_regularizer,
                } => {
                    if shape[0] != 1 || shape[1] != 1 {
                        return Err(format!(
                            "layer {i}: Dense needs a flat input, got {shape:?}; add Flatten"
                        ));
                    }
                    check_softmax(activation, last, i)?;
                    let options = KernelOptions {
                        initializer: kernel_initializer,
                        regularizer: kernel_regularizer,
                    };
                    Box::new(Dense::new(
                        &name("dense"),
                        shape[2],
                        units,
                        activation,
                        options,
                        rng,
                    ))
                }
            };
            shape = layer.output_shape();
            layers.push(layer);
        }
        if layers.is_empty() {
            return Err("a model needs at least one layer".into());
        }
        let acts = vec![Vec::new(); layers.len()];
        Ok(Sequential {
            input,
            layers,
            acts,
            grad: Vec::new(),
            grad_next: Vec::new(),
            stats: None,
            before: Vec::new(),
        })
    }

    /// Turns per-layer statistics on (costs one copy of the weights per step) or off.
    pub fn record_stats(&mut self, on: bool) {
        self.stats = on.then(Vec::new);
    }

    /// Statistics of the latest training step, if recording is on.
    pub fn layer_stats(&self) -> Option<&[LayerStats]> {
        self.stats.as_deref()
    }

    /// Per-sample input shape.
    pub fn input_shape(&self) -> Shape {
        self.input
    }

    /// Number of outputs (classes).
    pub fn outputs(&self) -> usize {
        numel(self.layers.last().expect("non-empty").output_shape())
    }

    /// The layers, in order.
    pub fn layers(&self) -> &[Box<dyn Layer>] {
        &self.layers
    }

    /// Every trainable tensor, layer by layer (kernel before bias).
    pub fn params(&self) -> impl Iterator<Item = &Param> {
        self.layers.iter().flat_map(|l| l.params().iter())
    }

    /// Total number of trainable values.
    pub fn param_count(&self) -> usize {
        self.params().map(|p| p.value.len()).sum()
    }

    /// Freezes (`false`) or unfreezes every layer (Keras' `model.trainable`); see
    /// [`Sequential::set_layer_trainable`].
    pub fn set_trainable(&mut self, trainable: bool) {
        for l in self.layers.iter_mut() {
            l.set_trainable(trainable);
        }
    }

    /// Freezes (`false`) or unfreezes layer `index` (Keras' `layer.trainable`): a frozen
    /// layer still passes gradients to the layers before it, but computes none for its own
    /// weights, the optimizer skips them and their penalty no longer counts.
    pub fn set_layer_trainable(&mut self, index: usize, trainable: bool) -> Result<(), String> {
        let n = self.layers.len();
        let layer = self
            .layers
            .get_mut(index)
            .ok_or_else(|| format!("layer {index} does not exist (the model has {n})"))?;
        layer.set_trainable(trainable);
        Ok(())
    }

    /// Values the optimizer trains (Keras' "Trainable params").
    pub fn trainable_param_count(&self) -> usize {
        self.layers
            .iter()
            .filter(|l| l.trainable())
            .flat_map(|l| l.params())
            .map(|p| p.value.len())
            .sum()
    }

    /// The tensors of the trainable layers among `layers`, in model order: one parameter
    /// group, when parts of a model train with different optimizers (a base and a head).
    pub fn layer_params_mut(
        &mut self,
        layers: std::ops::Range<usize>,
    ) -> impl Iterator<Item = &mut Param> {
        self.layers[layers]
            .iter_mut()
            .filter(|l| l.trainable())
            .flat_map(|l| l.params_mut().iter_mut())
    }

    /// Every tensor of layers `layers`, trainable or not (loading weights).
    pub fn layer_params_all_mut(
        &mut self,
        layers: std::ops::Range<usize>,
    ) -> impl Iterator<Item = &mut Param> {
        self.layers[layers]
            .iter_mut()
            .flat_map(|l| l.params_mut().iter_mut())
    }

    /// The tensors of the trainable layers, in model order.
    fn trainable_params_mut(&mut self) -> impl Iterator<Item = &mut Param> {
        self.layers
            .iter_mut()
            .filter(|l| l.trainable())
            .flat_map(|l| l.params_mut().iter_mut())
    }

    /// Floating-point operations of one sample's forward pass.
    pub fn forward_flops(&self) -> usize {
        self.layers.iter().map(|l| l.flops()).sum()
    }

    /// Floating-point operations of one sample's training step: the forward pass, then per
    /// layer a kernel gradient and an input gradient as large as its forward GEMM, except
    /// that the first layer needs no input gradient.
    pub fn train_flops(&self) -> usize {
        3 * self.forward_flops() - self.layers.first().map_or(0, |l| l.flops())
    }

    /// Runs the model in inference mode on `batch` samples and returns the last layer's
    /// output (logits).
    pub fn forward(&mut self, x: &[f32], batch: usize) -> &[f32] {
        self.run(x, batch, false)
    }

    fn run(&mut self, x: &[f32], batch: usize, training: bool) -> &[f32] {
        assert_eq!(x.len(), batch * numel(self.input), "input size");
        for l in self.layers.iter_mut() {
            l.set_training(training);
        }
        for i in 0..self.layers.len() {
            let (done, rest) = self.acts.split_at_mut(i);
            let input: &[f32] = if i == 0 { x } else { &done[i - 1] };
            self.layers[i].forward(input, batch, &mut rest[0]);
        }
        self.acts.last().expect("non-empty")
    }

    /// Class probabilities for `batch` samples into `out` (`batch × classes`).
    pub fn predict_proba(&mut self, x: &[f32], batch: usize, out: &mut [f32]) {
        let classes = self.outputs();
        let logits = self.forward(x, batch);
        for (z, p) in logits
            .chunks_exact(classes)
            .zip(out.chunks_exact_mut(classes))
        {
            softmax(z, p);
        }
    }

    /// Computes the loss and all parameter gradients for one batch (no update).
    pub fn loss_and_grads(&mut self, x: &[f32], labels: &[u8]) -> BatchLoss {
        let batch = labels.len();
        let classes = self.outputs();
        self.run(x, batch, true);
        super::ensure_len(&mut self.grad, batch * classes);
        let out = softmax_cross_entropy(
            self.acts.last().expect("non-empty"),
            labels,
            classes,
            &mut self.grad,
        );
        self.backpropagate(x, batch, false);
        let mut out = out;
        for p in self.trainable_params_mut() {
            if let Some(r) = p.regularizer {
                out.penalty += r.penalty(&p.value);
                r.add_grad(&p.value, &mut p.grad);
            }
        }
        out
    }

    /// Runs the model in training mode (Dropout active, BatchNormalization on batch
    /// statistics) and returns the last layer's output (logits), for losses computed
    /// outside the model such as a GAN's.
    pub fn forward_train(&mut self, x: &[f32], batch: usize) -> &[f32] {
        self.run(x, batch, true)
    }

    /// Backpropagates `dout` (∂L/∂ the output of the latest [`Sequential::forward_train`]
    /// on `x`) into every parameter's gradient; with `input_grad` it also returns ∂L/∂x,
    /// which is how a generator learns through a discriminator. Penalties are not added.
    pub fn backward(&mut self, x: &[f32], dout: &[f32], input_grad: bool) -> Option<&[f32]> {
        let batch = x.len() / numel(self.input);
        assert_eq!(dout.len(), batch * self.outputs(), "output gradient size");
        super::ensure_len(&mut self.grad, dout.len());
        self.grad.copy_from_slice(dout);
        self.backpropagate(x, batch, input_grad);
        input_grad.then_some(self.grad.as_slice())
    }

    /// Walks the layers backwards from the output gradient in `self.grad`; afterwards
    /// `self.grad` holds ∂L/∂x when `input_grad` is set.
    fn backpropagate(&mut self, x: &[f32], batch: usize, input_grad: bool) {
        // Below the lowest trainable layer nothing needs a gradient (a frozen base under a
        // new head), unless the caller wants ∂L/∂x.
        let first = if input_grad {
            0
        } else {
            self.layers
                .iter()
                .position(|l| l.trainable() && !l.params().is_empty())
                .unwrap_or(self.layers.len())
        };
        for i in (first..self.layers.len()).rev() {
            let input: &[f32] = if i == 0 { x } else { &self.acts[i - 1] };
            let dx = if i > first || input_grad {
                Some(&mut self.grad_next)
            } else {
                None
            };
            self.layers[i].backward(input, &self.acts[i], &mut self.grad, batch, dx);
            std::mem::swap(&mut self.grad, &mut self.grad_next);
        }
    }

    /// One optimisation step on a batch: forward, loss, backward, clipping, update.
    pub fn train_step(&mut self, x: &[f32], labels: &[u8], opt: &mut Optimizer) -> BatchLoss {
        let out = self.loss_and_grads(x, labels);
        let Some(mut stats) = self.stats.take() else {
            opt.step(self.trainable_params_mut().collect());
            return out;
        };
        stats.clear();
        self.before.clear();
        for (layer, l) in self.layers.iter().enumerate() {
            if !l.params().is_empty() && l.trainable() {
                let g2: f32 = l.params().iter().flat_map(|p| &p.grad).map(|g| g * g).sum();
                stats.push(LayerStats {
                    layer,
                    grad_norm: f32::sqrt(g2),
                    ..LayerStats::default()
                });
                self.before
                    .extend(l.params().iter().flat_map(|p| p.value.iter().copied()));
            }
        }
        opt.step(self.trainable_params_mut().collect());
        let mut old = self.before.iter();
        for s in stats.iter_mut() {
            let (mut w2, mut d2) = (0.0f32, 0.0f32);
            for &w in self.layers[s.layer].params().iter().flat_map(|p| &p.value) {
                let d = w - old.next().expect("same shapes");
                w2 += w * w;
                d2 += d * d;
            }
            s.weight_norm = f32::sqrt(w2);
            s.update_ratio = if w2 > 0.0 { f32::sqrt(d2 / w2) } else { 0.0 };
        }
        self.stats = Some(stats);
        out
    }

    /// Mutable access to every trainable tensor (for tests and loading weights).
    pub fn params_mut(&mut self) -> impl Iterator<Item = &mut Param> {
        self.layers
            .iter_mut()
            .flat_map(|l| l.params_mut().iter_mut())
    }

    /// SHA-256 of all weights: each tensor in [`Sequential::params`] order (kernel, then
    /// bias, layer by layer), values as little-endian IEEE-754 f32 in Keras layout order.
    pub fn weights_sha256(&self) -> String {
        weights_sha256_of(&[self])
    }
}

/// SHA-256 of several models' weights, one after the other in the given order (each as
/// [`Sequential::weights_sha256`] reads it): one fingerprint for a GAN's two networks.
pub fn weights_sha256_of(models: &[&Sequential]) -> String {
    let mut h = Sha256::new();
    for p in models.iter().flat_map(|m| m.params()) {
        for v in &p.value {
            h.update(v.to_le_bytes());
        }
    }
    hex(&h.finalize())
}

fn check_softmax(a: Activation, last: bool, i: usize) -> Result<(), String> {
    if a == Activation::Softmax && !last {
        return Err(format!(
            "layer {i}: softmax is only supported on the last layer"
        ));
    }
    Ok(())
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frozen_model_keeps_its_gradients_but_passes_input_gradients() {
        let mut rng = Rng::new(1);
        let specs = [
            LayerSpec::conv2d(2, 2, Activation::Tanh),
            LayerSpec::Flatten,
            LayerSpec::dense(2, Activation::Linear),
        ];
        let mut m = Sequential::new([3, 3, 1], &specs, &mut rng).expect("valid");
        let x: Vec<f32> = (0..27).map(|_| rng.uniform_range(-1.0, 1.0)).collect();
        let dout: Vec<f32> = (0..6).map(|_| rng.uniform_range(-1.0, 1.0)).collect();
        m.forward_train(&x, 3);
        let dx = m.backward(&x, &dout, true).expect("asked").to_vec();
        assert!(m.params().all(|p| p.grad.iter().any(|&g| g != 0.0)));
        for p in m.params_mut() {
            p.grad.fill(7.0);
        }
        m.set_trainable(false);
        m.forward_train(&x, 3);
        let frozen_dx = m.backward(&x, &dout, true).expect("asked").to_vec();
        assert_eq!(dx, frozen_dx);
        assert!(m.params().all(|p| p.grad.iter().all(|&g| g == 7.0)));
    }

    #[test]
    fn frozen_layers_keep_their_weights_bit_for_bit_while_the_rest_trains() {
        let mut rng = Rng::new(7);
        let specs = [
            LayerSpec::conv2d(3, 2, Activation::Relu),
            LayerSpec::Flatten,
            LayerSpec::BatchNormalization,
            LayerSpec::Dense {
                units: 5,
                activation: Activation::Relu,
                kernel_initializer: Initializer::GlorotUniform,
                kernel_regularizer: Some(Regularizer::L2 { l2: 0.1 }),
            },
            LayerSpec::dense(3, Activation::Softmax),
        ];
        let mut m = Sequential::new([4, 4, 1], &specs, &mut rng).expect("valid");
        let all = m.param_count();
        for frozen in [0, 2, 3] {
            m.set_layer_trainable(frozen, false).unwrap();
        }
        assert!(m.set_layer_trainable(9, false).is_err());
        let frozen_count = 3 * 4 + 3 + 27 * 2 + 27 * 5 + 5;
        assert_eq!(m.trainable_param_count(), all - frozen_count);
        let weights = |m: &Sequential| -> Vec<Vec<u32>> {
            m.params()
                .map(|p| p.value.iter().map(|v| v.to_bits()).collect())
                .collect()
        };
        let before = weights(&m);
        let mut opt = Optimizer::adam(crate::nn::adam::AdamConfig::default());
        let x: Vec<f32> = (0..6 * 16).map(|_| rng.uniform_range(0.0, 1.0)).collect();
        let y = [0u8, 1, 2, 0, 1, 2];
        let first = m.train_step(&x, &y, &mut opt);
        for _ in 0..20 {
            m.train_step(&x, &y, &mut opt);
        }
        let last = m.loss_and_grads(&x, &y);
        let after = weights(&m);
        // Tensors in order: conv kernel, bias; bn gamma, beta; dense kernel, bias; output.
        for (i, (a, b)) in before.iter().zip(&after).enumerate() {
            if i < 6 {
                assert_eq!(a, b, "frozen tensor {i} changed");
            } else {
                assert_ne!(a, b, "trainable tensor {i} did not train");
            }
        }
        assert!(last.loss < first.loss, "{} -> {}", first.loss, last.loss);
        // The frozen Dense layer's L2 penalty no longer counts (Keras sums the penalties of
        // trainable weights only).
        assert_eq!(last.penalty, 0.0);
    }

    #[test]
    fn a_frozen_batch_norm_uses_and_keeps_its_moving_statistics() {
        let mut rng = Rng::new(3);
        let mut m = Sequential::new(
            [1, 1, 4],
            &[
                LayerSpec::BatchNormalization,
                LayerSpec::dense(2, Activation::Linear),
            ],
            &mut rng,
        )
        .expect("valid");
        let x: Vec<f32> = (0..8 * 4).map(|_| rng.uniform_range(-3.0, 3.0)).collect();
        let inference = m.forward(&x, 8).to_vec();
        m.set_layer_trainable(0, false).unwrap();
        let frozen_training = m.forward_train(&x, 8).to_vec();
        assert_eq!(
            inference, frozen_training,
            "frozen BN normalises with moving statistics"
        );
        m.forward_train(&x, 8);
        assert_eq!(
            m.forward(&x, 8),
            inference,
            "frozen BN left its moving statistics alone"
        );
        // Its input gradient is that of the affine map: dx = dy·γ/√(v + ε), here 1/√1.001.
        let dout = vec![1.0f32; 16];
        let dx = m.backward(&x, &dout, true).expect("asked").to_vec();
        m.set_layer_trainable(0, true).unwrap();
        let w = m.params().nth(2).unwrap().value.clone();
        for (r, row) in dx.chunks_exact(4).enumerate() {
            for (c, &g) in row.iter().enumerate() {
                let want = (w[c * 2] + w[c * 2 + 1]) / f32::sqrt(1.0 + 0.001);
                assert!(
                    (g - want).abs() <= 1e-6 * want.abs().max(1.0),
                    "row {r} col {c}: {g} vs {want}"
                );
            }
        }
    }
}
