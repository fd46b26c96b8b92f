//! `MaxPooling2D(pool_size=p)`: stride `p`, valid padding (Keras' default), NHWC.
//! Output `batch × ⌊H/p⌋ × ⌊W/p⌋ × C`. Each window's winner is its first maximum in scan
//! order, and a NaN beats any number (so divergence reaches the loss). The forward pass
//! runs four channels at a time; the backward pass finds each winner again as the first
//! input equal to the output (windows do not overlap), which is the same input.

use super::{ensure_len, Layer, Shape};
use crate::simd::F32x4;

/// A max-pooling layer.
pub struct MaxPooling2D {
    input: Shape,
    pool: usize,
    /// Offsets (relative to a window's corner) of the window's pixels, in scan order.
    window: Vec<usize>,
}

impl MaxPooling2D {
    /// `MaxPooling2D(pool)` on inputs of shape `input`.
    pub fn new(input: Shape, pool: usize) -> Self {
        let (w, c) = (input[1], input[2]);
        let window = (0..pool)
            .flat_map(|di| (0..pool).map(move |dj| (di * w + dj) * c))
            .collect();
        MaxPooling2D {
            input,
            pool,
            window,
        }
    }

    /// Calls `f(out, corner)` for every output pixel: the index of its first channel in
    /// the output and of its window's corner in the input.
    fn for_each_pixel(&self, batch: usize, mut f: impl FnMut(usize, usize)) {
        let [h, w, c] = self.input;
        let [oh, ow, _] = self.output_shape();
        let p = self.pool;
        for b in 0..batch {
            for i in 0..oh {
                for j in 0..ow {
                    f(
                        ((b * oh + i) * ow + j) * c,
                        ((b * h + i * p) * w + j * p) * c,
                    );
                }
            }
        }
    }
}

/// The pooling rule for one value: does `v`, met after `best`, replace it?
fn wins(v: f32, best: f32) -> bool {
    v > best || (v.is_nan() && !best.is_nan())
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
        let c = self.input[2];
        ensure_len(y, batch * super::numel(self.output_shape()));
        let offsets = &self.window[1..];
        let vector_channels = c / 4 * 4;
        self.for_each_pixel(batch, |out, corner| {
            for ch in (0..vector_channels).step_by(4) {
                let mut best = F32x4::load(&x[corner + ch..]);
                for &o in offsets {
                    best = best.max_keep_nan(F32x4::load(&x[corner + o + ch..]));
                }
                best.store(&mut y[out + ch..]);
            }
            for ch in vector_channels..c {
                let mut best = x[corner + ch];
                for &o in offsets {
                    let v = x[corner + o + ch];
                    if wins(v, best) {
                        best = v;
                    }
                }
                y[out + ch] = best;
            }
        });
    }

    fn backward(
        &mut self,
        x: &[f32],
        y: &[f32],
        dy: &mut [f32],
        batch: usize,
        dx: Option<&mut Vec<f32>>,
    ) {
        let Some(dx) = dx else { return };
        let c = self.input[2];
        ensure_len(dx, batch * super::numel(self.input));
        dx.fill(0.0);
        let offsets = &self.window;
        let vector_channels = c / 4 * 4;
        let all = F32x4::splat(f32::from_bits(u32::MAX));
        self.for_each_pixel(batch, |out, corner| {
            for ch in (0..vector_channels).step_by(4) {
                let (best, grad) = (F32x4::load(&y[out + ch..]), F32x4::load(&dy[out + ch..]));
                // Per lane, the first input equal to the maximum takes the gradient.
                let mut pending = all;
                for &o in offsets {
                    let i = corner + o + ch;
                    let hit = F32x4::load(&x[i..]).same_mask(best).and(pending);
                    // 0 + g, as the scalar path's `+=` into zeros (turns −0 into +0).
                    (F32x4::zero() + grad.and(hit)).store(&mut dx[i..]);
                    pending = pending.and_not(hit);
                }
                debug_assert!(
                    pending.to_array().iter().all(|p| p.to_bits() == 0),
                    "y must be this layer's forward output on x"
                );
            }
            for ch in vector_channels..c {
                let best = y[out + ch];
                // The first input equal to the maximum (or the first NaN) won the window.
                let won = offsets
                    .iter()
                    .map(|&o| corner + o + ch)
                    .find(|&i| x[i] == best || (best.is_nan() && x[i].is_nan()))
                    .expect("the maximum is one of the window's inputs");
                dx[won] += dy[out + ch];
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// The rule written plainly: scan each window, keep the first winner's value and index.
    fn reference(x: &[f32], [h, w, c]: Shape, p: usize, batch: usize) -> (Vec<f32>, Vec<usize>) {
        let (oh, ow) = (h / p, w / p);
        let (mut y, mut arg) = (Vec::new(), Vec::new());
        for b in 0..batch {
            for i in 0..oh {
                for j in 0..ow {
                    for ch in 0..c {
                        let mut best = (f32::NAN, usize::MAX);
                        for di in 0..p {
                            for dj in 0..p {
                                let k = ((b * h + i * p + di) * w + j * p + dj) * c + ch;
                                if best.1 == usize::MAX || wins(x[k], best.0) {
                                    best = (x[k], k);
                                }
                            }
                        }
                        y.push(best.0);
                        arg.push(best.1);
                    }
                }
            }
        }
        (y, arg)
    }

    crate::both_targets_test! {
        fn forward_and_backward_follow_the_first_winner() {
            let mut rng = Rng::new(4);
            for (shape, p) in [([5, 4, 8], 2), ([6, 6, 3], 3), ([4, 5, 6], 2)] {
                let batch = 2;
                // Few distinct values, signed zeros and NaNs: ties everywhere.
                let pool = [0.0f32, -0.0, 1.0, -1.0, 2.0, f32::NAN];
                let n = batch * super::super::numel(shape);
                let x: Vec<f32> = (0..n).map(|_| pool[rng.below(6) as usize]).collect();
                let (want_y, want_arg) = reference(&x, shape, p, batch);
                let mut layer = MaxPooling2D::new(shape, p);
                let mut y = Vec::new();
                layer.forward(&x, batch, &mut y);
                let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&y), bits(&want_y), "{shape:?}");
                // Signed gradients, −0 included: routing must turn −0 into +0 like `0 + g`.
                let grad = |i: usize| if i.is_multiple_of(5) { -0.0 } else { i as f32 - 7.5 };
                let mut dy: Vec<f32> = (0..y.len()).map(grad).collect();
                let mut dx = Vec::new();
                layer.backward(&x, &y, &mut dy, batch, Some(&mut dx));
                let mut want_dx = vec![0.0; n];
                for (o, &k) in want_arg.iter().enumerate() {
                    want_dx[k] += grad(o);
                }
                assert_eq!(bits(&dx), bits(&want_dx), "{shape:?}");
            }
        }
    }
}
