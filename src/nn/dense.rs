//! `Dense`: `y = f(x · W + b)` with `x: batch × in`, kernel `W: in × out` (Keras layout),
//! bias `b: out`. Backward: `dz = dy · f′`, `dW = xᵀ · dz`, `db = Σ_rows dz`, `dx = dz · Wᵀ`.

use super::{ensure_len, init, Activation, KernelOptions, Layer, Param, Shape};
use crate::kernels::gemm::{gemm, Mat};
use crate::rng::Rng;

/// A fully connected layer.
pub struct Dense {
    inputs: usize,
    units: usize,
    activation: Activation,
    params: [Param; 2],
    trainable: bool,
}

impl Dense {
    /// `Dense(units, activation)` on `inputs` features; zero bias.
    pub fn new(
        name: &str,
        inputs: usize,
        units: usize,
        activation: Activation,
        kernel: KernelOptions,
        rng: &mut Rng,
    ) -> Self {
        let values = kernel.initializer.fill(rng, inputs, units, inputs * units);
        let mut k = Param::new(format!("{name}/kernel"), vec![inputs, units], values);
        k.regularizer = kernel.regularizer;
        Dense {
            inputs,
            units,
            activation,
            params: [
                k,
                Param::new(format!("{name}/bias"), vec![units], init::zeros(units)),
            ],
            trainable: true,
        }
    }
}

/// Adds `bias` to every row of the row-major `rows` matrix.
pub(crate) fn add_bias(y: &mut [f32], bias: &[f32]) {
    for row in y.chunks_exact_mut(bias.len()) {
        for (v, b) in row.iter_mut().zip(bias) {
            *v += *b;
        }
    }
}

/// Column sums of a row-major matrix with `cols` columns, summed top to bottom.
pub(crate) fn column_sums(m: &[f32], out: &mut [f32]) {
    out.fill(0.0);
    for row in m.chunks_exact(out.len()) {
        for (o, v) in out.iter_mut().zip(row) {
            *o += *v;
        }
    }
}

impl Layer for Dense {
    fn kind(&self) -> &'static str {
        "Dense"
    }

    fn output_shape(&self) -> Shape {
        [1, 1, self.units]
    }

    fn flops(&self) -> usize {
        2 * self.inputs * self.units
    }

    fn forward(&mut self, x: &[f32], batch: usize, y: &mut Vec<f32>) {
        let (i, o) = (self.inputs, self.units);
        ensure_len(y, batch * o);
        gemm(
            batch,
            o,
            i,
            Mat::rows(x, i),
            Mat::rows(&self.params[0].value, o),
            y,
            false,
        );
        add_bias(y, &self.params[1].value);
        self.activation.apply(y);
    }

    fn backward(
        &mut self,
        x: &[f32],
        y: &[f32],
        dy: &mut [f32],
        batch: usize,
        dx: Option<&mut Vec<f32>>,
    ) {
        let (i, o) = (self.inputs, self.units);
        self.activation.backward(y, dy);
        let [kernel, bias] = &mut self.params;
        if self.trainable {
            gemm(
                i,
                o,
                batch,
                Mat::transposed(x, i),
                Mat::rows(dy, o),
                &mut kernel.grad,
                false,
            );
            column_sums(dy, &mut bias.grad);
        }
        if let Some(dx) = dx {
            ensure_len(dx, batch * i);
            gemm(
                batch,
                i,
                o,
                Mat::rows(dy, o),
                Mat::transposed(&kernel.value, o),
                dx,
                false,
            );
        }
    }

    fn set_trainable(&mut self, trainable: bool) {
        self.trainable = trainable;
    }

    fn trainable(&self) -> bool {
        self.trainable
    }

    fn params(&self) -> &[Param] {
        &self.params
    }

    fn params_mut(&mut self) -> &mut [Param] {
        &mut self.params
    }
}
