//! `Conv2D`: valid padding, stride 1, NHWC input `batch × H × W × C`, HWIO kernel
//! `KH × KW × C × F`, output `batch × (H−KH+1) × (W−KW+1) × F`.
//!
//! Computed as GEMMs over the im2col patch matrix `P` (`batch·OH·OW × KH·KW·C`):
//! `y = f(P · K + b)`; backward `dK = Pᵀ · dz`, `db = Σ dz`, `dP = dz · Kᵀ`, `dx = col2im(dP)`.
//! The patch buffer from the forward pass is reused by the backward pass.

use super::dense::{add_bias, column_sums};
use super::{ensure_len, init, Activation, KernelOptions, Layer, Param, Shape};
use crate::kernels::gemm::{gemm, Mat};
use crate::kernels::im2col::{col2im, im2col, ConvGeom};
use crate::rng::Rng;

/// A 2-D convolution layer.
pub struct Conv2D {
    geom: ConvGeom,
    filters: usize,
    activation: Activation,
    params: [Param; 2],
    patches: Vec<f32>,
    dpatches: Vec<f32>,
    trainable: bool,
}

impl Conv2D {
    /// `Conv2D(filters, (kh, kw), activation)` on inputs of shape `input`.
    pub fn new(
        name: &str,
        input: Shape,
        filters: usize,
        kernel: (usize, usize),
        activation: Activation,
        options: KernelOptions,
        rng: &mut Rng,
    ) -> Self {
        let geom = ConvGeom {
            h: input[0],
            w: input[1],
            c: input[2],
            kh: kernel.0,
            kw: kernel.1,
        };
        let receptive = kernel.0 * kernel.1;
        let len = geom.patch_len() * filters;
        let k = options
            .initializer
            .fill(rng, receptive * geom.c, receptive * filters, len);
        Conv2D {
            geom,
            filters,
            activation,
            params: [
                Param {
                    regularizer: options.regularizer,
                    ..Param::new(
                        format!("{name}/kernel"),
                        vec![kernel.0, kernel.1, geom.c, filters],
                        k,
                    )
                },
                Param::new(format!("{name}/bias"), vec![filters], init::zeros(filters)),
            ],
            patches: Vec::new(),
            dpatches: Vec::new(),
            trainable: true,
        }
    }
}

impl Layer for Conv2D {
    fn kind(&self) -> &'static str {
        "Conv2D"
    }

    fn output_shape(&self) -> Shape {
        [self.geom.oh(), self.geom.ow(), self.filters]
    }

    fn flops(&self) -> usize {
        2 * self.geom.oh() * self.geom.ow() * self.geom.patch_len() * self.filters
    }

    fn forward(&mut self, x: &[f32], batch: usize, y: &mut Vec<f32>) {
        let g = self.geom;
        let rows = batch * g.oh() * g.ow();
        ensure_len(&mut self.patches, rows * g.patch_len());
        im2col(g, batch, x, &mut self.patches);
        ensure_len(y, rows * self.filters);
        let k = Mat::rows(&self.params[0].value, self.filters);
        gemm(
            rows,
            self.filters,
            g.patch_len(),
            Mat::rows(&self.patches, g.patch_len()),
            k,
            y,
            false,
        );
        add_bias(y, &self.params[1].value);
        self.activation.apply(y);
    }

    fn backward(
        &mut self,
        _x: &[f32],
        y: &[f32],
        dy: &mut [f32],
        batch: usize,
        dx: Option<&mut Vec<f32>>,
    ) {
        let g = self.geom;
        let (rows, pl, f) = (batch * g.oh() * g.ow(), g.patch_len(), self.filters);
        self.activation.backward(y, dy);
        let [kernel, bias] = &mut self.params;
        if self.trainable {
            gemm(
                pl,
                f,
                rows,
                Mat::transposed(&self.patches, pl),
                Mat::rows(dy, f),
                &mut kernel.grad,
                false,
            );
            column_sums(dy, &mut bias.grad);
        }
        if let Some(dx) = dx {
            ensure_len(&mut self.dpatches, rows * pl);
            gemm(
                rows,
                pl,
                f,
                Mat::rows(dy, f),
                Mat::transposed(&kernel.value, f),
                &mut self.dpatches,
                false,
            );
            ensure_len(dx, batch * g.h * g.w * g.c);
            col2im(g, batch, &self.dpatches, dx);
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
