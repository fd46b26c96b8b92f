//! Neural-network building blocks with Keras semantics: one file per layer, plus the loss,
//! the optimizer, initializers and the `Sequential` model.
//!
//! Tensors are plain `f32` slices in NHWC order; a layer sees a batch as
//! `batch × (its per-sample shape)`.

pub mod activation;
pub mod adam;
pub mod batch_norm;
pub mod checkpoint;
pub mod conv2d;
pub mod dense;
pub mod dropout;
pub mod flatten;
#[cfg(test)]
mod gradcheck;
pub mod init;
pub mod loss;
pub mod maxpool2d;
pub mod model;
pub mod optimizer;
pub mod regularizer;
pub mod sgd;

pub use activation::Activation;
pub use init::Initializer;
pub use model::{LayerSpec, LayerStats, Sequential};
pub use optimizer::{Clip, Optimizer};
pub use regularizer::Regularizer;

/// Per-sample shape `[height, width, channels]`; dense features are `[1, 1, n]`.
pub type Shape = [usize; 3];

/// Number of values in one sample of `s`.
pub fn numel(s: Shape) -> usize {
    s[0] * s[1] * s[2]
}

/// A trainable tensor and its gradient (same length; Keras' shape kept for export).
#[derive(Clone, Debug)]
pub struct Param {
    /// Keras-style name, e.g. `conv2d/kernel`.
    pub name: String,
    /// Keras shape (HWIO for conv kernels, `[in, out]` for dense kernels).
    pub shape: Vec<usize>,
    /// Current values.
    pub value: Vec<f32>,
    /// Gradient of the loss from the latest backward pass.
    pub grad: Vec<f32>,
    /// Penalty on this tensor (`kernel_regularizer`), if any.
    pub regularizer: Option<Regularizer>,
}

/// How a layer's kernel is initialised and penalised (Keras' `kernel_initializer`,
/// `kernel_regularizer`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct KernelOptions {
    /// Initial values.
    pub initializer: Initializer,
    /// Penalty, if any.
    pub regularizer: Option<Regularizer>,
}

impl Param {
    /// A parameter with the given values and a zero gradient.
    pub fn new(name: String, shape: Vec<usize>, value: Vec<f32>) -> Self {
        let grad = vec![0.0; value.len()];
        Param {
            name,
            shape,
            value,
            grad,
            regularizer: None,
        }
    }
}

/// One layer: forward and backward side by side, buffers owned by the caller.
pub trait Layer {
    /// Keras class name, e.g. `Conv2D`.
    fn kind(&self) -> &'static str;
    /// Per-sample output shape.
    fn output_shape(&self) -> Shape;
    /// Computes `y` (resized as needed) from `x` for `batch` samples.
    fn forward(&mut self, x: &[f32], batch: usize, y: &mut Vec<f32>);
    /// Given `x`, this layer's output `y` and `dy = ∂L/∂y`, stores parameter gradients and,
    /// when `dx` is given, writes `∂L/∂x` into it (resized as needed).
    fn backward(
        &mut self,
        x: &[f32],
        y: &[f32],
        dy: &mut [f32],
        batch: usize,
        dx: Option<&mut Vec<f32>>,
    );
    /// Floating-point operations of one sample's forward pass (multiplies and adds of the
    /// layer's GEMM; cheap elementwise work counts as zero).
    fn flops(&self) -> usize {
        0
    }
    /// With `false`, backward passes stop computing this layer's parameter gradients (input
    /// gradients still flow) and the optimizer leaves its weights alone, like Keras'
    /// `layer.trainable = False`; a frozen BatchNormalization also runs in inference mode.
    fn set_trainable(&mut self, _trainable: bool) {}
    /// Whether the layer's weights are trained (see [`Layer::set_trainable`]).
    fn trainable(&self) -> bool {
        true
    }
    /// Switches between training and inference behaviour (Dropout, BatchNormalization).
    fn set_training(&mut self, _training: bool) {}
    /// The trainable parameters (empty for parameter-free layers).
    fn params(&self) -> &[Param] {
        &[]
    }
    /// Mutable access to the trainable parameters.
    fn params_mut(&mut self) -> &mut [Param] {
        &mut []
    }
}

/// Grows `v` to `len` without shrinking its capacity (buffers are reused across steps).
pub(crate) fn ensure_len(v: &mut Vec<f32>, len: usize) {
    if v.len() != len {
        v.resize(len, 0.0);
    }
}
