//! `Flatten`: `batch × H × W × C` → `batch × (H·W·C)`, keeping NHWC order (as Keras does
//! with `channels_last`). A copy forward and backward; the data do not change.

use super::{ensure_len, numel, Layer, Shape};

/// A flatten layer.
pub struct Flatten {
    input: Shape,
}

impl Flatten {
    /// `Flatten()` on inputs of shape `input`.
    pub fn new(input: Shape) -> Self {
        Flatten { input }
    }
}

impl Layer for Flatten {
    fn kind(&self) -> &'static str {
        "Flatten"
    }

    fn output_shape(&self) -> Shape {
        [1, 1, numel(self.input)]
    }

    fn forward(&mut self, x: &[f32], batch: usize, y: &mut Vec<f32>) {
        let n = batch * numel(self.input);
        ensure_len(y, n);
        y.copy_from_slice(&x[..n]);
    }

    fn backward(
        &mut self,
        _x: &[f32],
        _y: &[f32],
        dy: &mut [f32],
        batch: usize,
        dx: Option<&mut Vec<f32>>,
    ) {
        if let Some(dx) = dx {
            let n = batch * numel(self.input);
            ensure_len(dx, n);
            dx.copy_from_slice(&dy[..n]);
        }
    }
}
