//! `MaxPooling2D(pool_size=p)`: stride `p`, valid padding (Keras' default), NHWC.
//! Output `batch × ⌊H/p⌋ × ⌊W/p⌋ × C`. The forward pass records which input won each
//! window (the first maximum in scan order) so the backward pass routes `dy` there.

use super::{ensure_len, Layer, Shape};

/// A max-pooling layer.
pub struct MaxPooling2D {
    input: Shape,
    pool: usize,
    argmax: Vec<u32>,
}

impl MaxPooling2D {
    /// `MaxPooling2D(pool)` on inputs of shape `input`.
    pub fn new(input: Shape, pool: usize) -> Self {
        MaxPooling2D {
            input,
            pool,
            argmax: Vec::new(),
        }
    }
}

impl Layer for MaxPooling2D {
    fn kind(&self) -> &'static str {
        "MaxPooling2D"
    }

    fn output_shape(&self) -> Shape {
        [
            self.input[0] / self.pool,
            self.input[1] / self.pool,
            self.input[2],
        ]
    }

    fn forward(&mut self, x: &[f32], batch: usize, y: &mut Vec<f32>) {
        let [h, w, c] = self.input;
        let [oh, ow, _] = self.output_shape();
        let p = self.pool;
        let n = batch * oh * ow * c;
        ensure_len(y, n);
        if self.argmax.len() != n {
            self.argmax.resize(n, 0);
        }
        for b in 0..batch {
            for i in 0..oh {
                for j in 0..ow {
                    let out = ((b * oh + i) * ow + j) * c;
                    let corner = ((b * h + i * p) * w + j * p) * c;
                    // Seed each channel with the window's first pixel, then scan the rest.
                    y[out..out + c].copy_from_slice(&x[corner..corner + c]);
                    for (ch, a) in self.argmax[out..out + c].iter_mut().enumerate() {
                        *a = (corner + ch) as u32;
                    }
                    for di in 0..p {
                        for dj in 0..p {
                            if di == 0 && dj == 0 {
                                continue;
                            }
                            let row = corner + (di * w + dj) * c;
                            for ch in 0..c {
                                let v = x[row + ch];
                                let best = y[out + ch];
                                // A NaN wins too (and then stays), so divergence reaches the loss.
                                if (v > best || v.is_nan()) && !best.is_nan() {
                                    y[out + ch] = v;
                                    self.argmax[out + ch] = (row + ch) as u32;
                                }
                            }
                        }
                    }
                }
            }
        }
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
            ensure_len(dx, batch * super::numel(self.input));
            dx.fill(0.0);
            for (g, &i) in dy.iter().zip(&self.argmax) {
                dx[i as usize] += *g;
            }
        }
    }
}
