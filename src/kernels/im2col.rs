//! im2col / col2im for valid, stride-1 2-D convolutions on NHWC tensors.
//!
//! `patches[(b·OH + oh)·OW + ow][(kh·KW + kw)·C + c] = x[b][oh + kh][ow + kw][c]`, where
//! `OH = H − KH + 1`, `OW = W − KW + 1`. The column order matches a Keras HWIO kernel
//! flattened to `(KH·KW·C) × F`, so a convolution is one GEMM: `patches · kernel`.

/// The geometry of one valid, stride-1 convolution.
use crate::simd::F32x4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvGeom {
    /// Input height, width, channels.
    pub h: usize,
    /// Input width.
    pub w: usize,
    /// Input channels.
    pub c: usize,
    /// Kernel height.
    pub kh: usize,
    /// Kernel width.
    pub kw: usize,
}

impl ConvGeom {
    /// Output height.
    pub fn oh(&self) -> usize {
        self.h + 1 - self.kh
    }
    /// Output width.
    pub fn ow(&self) -> usize {
        self.w + 1 - self.kw
    }
    /// Columns of the patch matrix (`KH·KW·C`).
    pub fn patch_len(&self) -> usize {
        self.kh * self.kw * self.c
    }
}

/// Fills `patches` (`batch·OH·OW × KH·KW·C`) from `x` (`batch × H × W × C`).
pub fn im2col(g: ConvGeom, batch: usize, x: &[f32], patches: &mut [f32]) {
    let (oh, ow, pl) = (g.oh(), g.ow(), g.patch_len());
    let run = g.kw * g.c; // one kernel row of a patch is contiguous in NHWC
    for b in 0..batch {
        let img = &x[b * g.h * g.w * g.c..(b + 1) * g.h * g.w * g.c];
        for y in 0..oh {
            for xo in 0..ow {
                let row = ((b * oh + y) * ow + xo) * pl;
                for kh in 0..g.kh {
                    let src = ((y + kh) * g.w + xo) * g.c;
                    copy_run(
                        &img[src..src + run],
                        &mut patches[row + kh * run..row + (kh + 1) * run],
                    );
                }
            }
        }
    }
}

/// Copies one short run (a kernel row: `KW·C` floats, 3 for the first MNIST layer) with
/// plain moves; `copy_from_slice` would call `memmove` (or a bulk `memory.copy` in wasm)
/// for every few floats.
#[inline(always)]
fn copy_run(src: &[f32], dst: &mut [f32]) {
    if src.len().is_multiple_of(4) {
        for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
            F32x4::load(s).store(d);
        }
    } else {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *s;
        }
    }
}

/// Adds the patch gradients back into `dx` (`batch × H × W × C`, overwritten), the
/// adjoint of [`im2col`]. Overlapping patches are summed in patch order.
pub fn col2im(g: ConvGeom, batch: usize, dpatches: &[f32], dx: &mut [f32]) {
    let (oh, ow, pl) = (g.oh(), g.ow(), g.patch_len());
    let run = g.kw * g.c;
    dx[..batch * g.h * g.w * g.c].fill(0.0);
    for b in 0..batch {
        let img = &mut dx[b * g.h * g.w * g.c..(b + 1) * g.h * g.w * g.c];
        for y in 0..oh {
            for xo in 0..ow {
                let row = ((b * oh + y) * ow + xo) * pl;
                for kh in 0..g.kh {
                    let dst = ((y + kh) * g.w + xo) * g.c;
                    let src = &dpatches[row + kh * run..row + (kh + 1) * run];
                    for (d, s) in img[dst..dst + run].iter_mut().zip(src) {
                        *d += *s;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn patches_match_definition_and_col2im_is_adjoint() {
            let g = ConvGeom { h: 5, w: 4, c: 2, kh: 3, kw: 2 };
            let batch = 2;
            let x: Vec<f32> = (0..batch * g.h * g.w * g.c).map(|i| i as f32).collect();
            let mut p = vec![0.0; batch * g.oh() * g.ow() * g.patch_len()];
            im2col(g, batch, &x, &mut p);
            for b in 0..batch {
                for y in 0..g.oh() {
                    for xo in 0..g.ow() {
                        for kh in 0..g.kh {
                            for kw in 0..g.kw {
                                for c in 0..g.c {
                                    let row = (b * g.oh() + y) * g.ow() + xo;
                                    let col = (kh * g.kw + kw) * g.c + c;
                                    let want = x[((b * g.h + y + kh) * g.w + xo + kw) * g.c + c];
                                    assert_eq!(p[row * g.patch_len() + col], want);
                                }
                            }
                        }
                    }
                }
            }
            // <im2col(x), d> == <x, col2im(d)> for the adjoint.
            let d: Vec<f32> = (0..p.len()).map(|i| ((i * 7) % 5) as f32 - 2.0).collect();
            let mut dx = vec![1.0; x.len()];
            col2im(g, batch, &d, &mut dx);
            let lhs: f64 = p.iter().zip(&d).map(|(a, b)| (*a as f64) * (*b as f64)).sum();
            let rhs: f64 = x.iter().zip(&dx).map(|(a, b)| (*a as f64) * (*b as f64)).sum();
            assert_eq!(lhs, rhs);
        }
    }
}
