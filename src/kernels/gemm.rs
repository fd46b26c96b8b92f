//! Packed GEMM: `C[m×n] (+)= A[m×k] · B[k×n]` on [`F32x4`], with any strides for A and B
//! (so transposed operands cost only the packing).
//!
//! Design: C is computed in column blocks of `NC` and k blocks of `KC`. Each block of B is
//! packed into panels of `NR = 8` columns (`kc × 8`, zero-padded); full 4-row strips of a
//! row-major A are read in place, other strips are packed `kc × 4`. The micro-kernel keeps a 4×8 tile
//! of C in eight `F32x4` accumulators; a later k block starts from the partial sums the
//! previous one stored in C. So each C element is still summed over `p = 0..k` in order
//! from zero and then stored or added to C, exactly as [`gemm_ref`] does, and the SIMD
//! kernel is bit-identical to the scalar reference on every target. Packing buffers are
//! reused. (A 4×12 tile measured no better in Chromium and pads more.)

use crate::simd::F32x4;
use std::cell::RefCell;

const MR: usize = 4;
const NR: usize = 8;
/// Vectors per row of a tile.
const NV: usize = NR / 4;
/// Depth of one k block: a packed B panel (`KC × NR`, 12 KB) and an A strip stay in L1
/// while a strip sweeps the panels, and the packed B block stays in L2.
const KC: usize = 384;
/// Width of one column block: the packed B block (`KC × NC`, 384 KB) stays in L2 while every
/// strip of A sweeps it (wide products such as KNN's 8,000 training columns).
const NC: usize = 256;

/// A read-only matrix view: element `(i, j)` is `data[i * rs + j * cs]`.
#[derive(Clone, Copy, Debug)]
pub struct Mat<'a> {
    /// The backing storage.
    pub data: &'a [f32],
    /// Distance between rows.
    pub rs: usize,
    /// Distance between columns.
    pub cs: usize,
}

impl<'a> Mat<'a> {
    /// A row-major `rows × cols` matrix.
    pub fn rows(data: &'a [f32], cols: usize) -> Self {
        Mat {
            data,
            rs: cols,
            cs: 1,
        }
    }
    /// The transpose of a row-major `rows × cols` matrix (so it is `cols × rows`).
    pub fn transposed(data: &'a [f32], cols: usize) -> Self {
        Mat {
            data,
            rs: 1,
            cs: cols,
        }
    }
    /// The view starting at element `(i, j)`.
    fn from(self, i: usize, j: usize) -> Self {
        Mat {
            data: &self.data[i * self.rs + j * self.cs..],
            ..self
        }
    }
    #[inline(always)]
    fn at(&self, i: usize, j: usize) -> f32 {
        self.data[i * self.rs + j * self.cs]
    }
}

thread_local! {
    static SCRATCH: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// `C = A·B` (or `C += A·B` when `accumulate`), C row-major with `n` columns.
pub fn gemm(m: usize, n: usize, k: usize, a: Mat, b: Mat, c: &mut [f32], accumulate: bool) {
    assert!(c.len() >= m * n, "gemm: C too small");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            c[..m * n].fill(0.0);
        }
        return;
    }
    // With `accumulate` the old C is added to the complete sum, so partial sums cannot be
    // parked in C between k blocks: such calls (rare) run as one block.
    let kc_max = if accumulate { k } else { KC };
    SCRATCH.with(|s| {
        let (apack, bpack) = &mut *s.borrow_mut();
        for jb in (0..n).step_by(NC) {
            let nb = NC.min(n - jb);
            let mut k0 = 0;
            while k0 < k {
                let kc = kc_max.min(k - k0);
                block(m, n, (jb, nb), (k0, kc), a, b, c, accumulate, apack, bpack);
                k0 += kc;
            }
        }
    });
}

/// One block of the product: columns `jb..jb + nb` of C, summing over `k0..k0 + kc`.
/// B's block is packed once into panels of `NR` columns; each 4-row strip of A then
/// sweeps those panels.
#[allow(clippy::too_many_arguments)]
fn block(
    m: usize,
    n: usize,
    (jb, nb): (usize, usize),
    (k0, kc): (usize, usize),
    a: Mat,
    b: Mat,
    c: &mut [f32],
    accumulate: bool,
    apack: &mut Vec<f32>,
    bpack: &mut Vec<f32>,
) {
    let n_panels = nb.div_ceil(NR);
    let a_blk = a.from(0, k0);
    bpack.resize(n_panels * kc * NR, 0.0);
    pack_b(nb, kc, b.from(k0, jb), bpack);
    apack.resize(kc * MR, 0.0);
    let mut i0 = 0;
    while i0 < m {
        let rows = MR.min(m - i0);
        // Row-major A needs no packing: the kernel reads its four rows in place.
        let direct = a.cs == 1 && rows == MR;
        if !direct {
            pack_a(i0, rows, kc, a_blk, apack);
        }
        for jp in 0..n_panels {
            let j0 = jp * NR;
            let cols = NR.min(nb - j0);
            let bp = &bpack[jp * kc * NR..(jp + 1) * kc * NR];
            let c_tile = &mut c[i0 * n + jb + j0..];
            // Later k blocks carry on from the partial sums parked in C, so each element
            // is still one sum over p = 0..k in order.
            let init = if k0 == 0 {
                [[F32x4::zero(); NV]; MR]
            } else {
                load_tile(c_tile, n, rows, cols)
            };
            let acc = if direct {
                let rows: [&[f32]; MR] = std::array::from_fn(|r| {
                    let start = (i0 + r) * a.rs + k0;
                    &a.data[start..start + kc]
                });
                kernel_rows(init, rows, bp)
            } else {
                kernel_packed(init, kc, apack, bp)
            };
            store_tile(acc, c_tile, n, rows, cols, accumulate);
        }
        i0 += MR;
    }
}

fn pack_b(n: usize, k: usize, b: Mat, out: &mut [f32]) {
    for (jp, panel) in out.chunks_exact_mut(k * NR).enumerate() {
        let j0 = jp * NR;
        let cols = NR.min(n - j0);
        if b.cs == 1 && cols == NR {
            // Full panels: fixed-length copies compile to two vector moves, not a call.
            for (p, dst) in panel.chunks_exact_mut(NR).enumerate() {
                dst.copy_from_slice(&b.data[p * b.rs + j0..][..NR]);
            }
        } else if b.cs == 1 {
            for p in 0..k {
                let src = p * b.rs + j0;
                panel[p * NR..p * NR + cols].copy_from_slice(&b.data[src..src + cols]);
                panel[p * NR + cols..(p + 1) * NR].fill(0.0);
            }
        } else {
            // Column-major source (a transposed operand): walk each column contiguously.
            for j in 0..NR {
                if j < cols {
                    let col = (j0 + j) * b.cs;
                    for p in 0..k {
                        panel[p * NR + j] = b.data[col + p * b.rs];
                    }
                } else {
                    for p in 0..k {
                        panel[p * NR + j] = 0.0;
                    }
                }
            }
        }
    }
}

fn pack_a(i0: usize, rows: usize, k: usize, a: Mat, out: &mut [f32]) {
    if a.rs == 1 && rows == MR {
        // Column-major source (a transposed operand): each k step is 4 contiguous floats.
        for p in 0..k {
            let src = i0 + p * a.cs;
            out[p * MR..p * MR + MR].copy_from_slice(&a.data[src..src + MR]);
        }
        return;
    }
    for r in 0..MR {
        if r < rows {
            let base = (i0 + r) * a.rs;
            for p in 0..k {
                out[p * MR + r] = a.data[base + p * a.cs];
            }
        } else {
            for p in 0..k {
                out[p * MR + r] = 0.0;
            }
        }
    }
}

/// The micro-kernel's accumulators: an `MR × NR` tile of C as `NV` vectors per row.
type Acc = [[F32x4; NV]; MR];

/// The micro-kernel: an `MR`-row A panel times an `NR`-column B panel, both packed
/// `k`-major, added to `acc`.
#[inline(always)]
fn kernel_packed(mut acc: Acc, k: usize, ap: &[f32], bp: &[f32]) -> Acc {
    for (ak, bk) in ap[..k * MR]
        .chunks_exact(MR)
        .zip(bp[..k * NR].chunks_exact(NR))
    {
        let b: [F32x4; NV] = std::array::from_fn(|v| F32x4::load(&bk[4 * v..]));
        for (row, &x) in acc.iter_mut().zip(ak) {
            let av = F32x4::splat(x);
            for (c, bv) in row.iter_mut().zip(b) {
                *c = c.mul_add(av, bv);
            }
        }
    }
    acc
}

/// The micro-kernel reading A from `MR` row slices of equal length (row-major A, no
/// packing); the same arithmetic in the same order as [`kernel_packed`].
#[inline(always)]
fn kernel_rows(mut acc: Acc, a: [&[f32]; MR], bp: &[f32]) -> Acc {
    let k = a[0].len();
    assert!(a.iter().all(|r| r.len() == k) && bp.len() >= k * NR);
    for (p, bk) in bp[..k * NR].chunks_exact(NR).enumerate() {
        let b: [F32x4; NV] = std::array::from_fn(|v| F32x4::load(&bk[4 * v..]));
        for (row, ar) in acc.iter_mut().zip(a) {
            let av = F32x4::splat(ar[p]);
            for (c, bv) in row.iter_mut().zip(b) {
                *c = c.mul_add(av, bv);
            }
        }
    }
    acc
}

/// Writes (or adds) a tile into C, whose rows are `n` apart: `C = t` or `C = C + t`, the
/// reference's arithmetic. Full-width tiles go straight from the accumulators.
#[inline(always)]
fn store_tile(acc: Acc, c: &mut [f32], n: usize, rows: usize, cols: usize, accumulate: bool) {
    if cols < NR {
        let tile = tile(acc);
        for (r, t) in tile.iter().enumerate().take(rows) {
            let row = &mut c[r * n..r * n + cols];
            for (x, &t) in row.iter_mut().zip(&t[..cols]) {
                *x = if accumulate { *x + t } else { t };
            }
        }
        return;
    }
    for (r, row) in acc.iter().enumerate().take(rows) {
        let out = &mut c[r * n..r * n + NR];
        for (dst, v) in out.chunks_exact_mut(4).zip(row) {
            let v = if accumulate {
                F32x4::load(dst) + *v
            } else {
                *v
            };
            v.store(dst);
        }
    }
}

/// The partial sums a previous k block left in a tile of C, as accumulators (zero where
/// the tile is past C's edge).
#[inline(always)]
fn load_tile(c: &[f32], n: usize, rows: usize, cols: usize) -> Acc {
    let mut acc = [[F32x4::zero(); NV]; MR];
    for (r, row) in acc.iter_mut().enumerate().take(rows) {
        let mut t = [0.0; NR];
        t[..cols].copy_from_slice(&c[r * n..r * n + cols]);
        *row = std::array::from_fn(|v| F32x4::load(&t[4 * v..]));
    }
    acc
}

/// The accumulators of a micro-kernel as an `MR × NR` tile of C.
#[inline(always)]
fn tile(acc: Acc) -> [[f32; NR]; MR] {
    let mut out = [[0.0; NR]; MR];
    for (o, row) in out.iter_mut().zip(acc) {
        for (dst, v) in o.chunks_exact_mut(4).zip(row) {
            dst.copy_from_slice(&v.to_array());
        }
    }
    out
}

/// Scalar reference for [`gemm`], summing in the same order.
pub fn gemm_ref(m: usize, n: usize, k: usize, a: Mat, b: Mat, c: &mut [f32], accumulate: bool) {
    for i in 0..m {
        for j in 0..n {
            let mut s = 0.0f32;
            for p in 0..k {
                s += a.at(i, p) * b.at(p, j);
            }
            let x = &mut c[i * n + j];
            *x = if accumulate { *x + s } else { s };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn random(rng: &mut Rng, len: usize) -> Vec<f32> {
        (0..len).map(|_| rng.uniform_range(-1.0, 1.0)).collect()
    }

    /// Runs the SIMD kernel and the reference on one shape and layout; they must agree
    /// bit for bit.
    fn check(rng: &mut Rng, m: usize, n: usize, k: usize, ta: bool, tb: bool, acc: bool) {
        let a = random(rng, m * k);
        let b = random(rng, k * n);
        let am = if ta {
            Mat::transposed(&a, m)
        } else {
            Mat::rows(&a, k)
        };
        let bm = if tb {
            Mat::transposed(&b, k)
        } else {
            Mat::rows(&b, n)
        };
        let c0 = random(rng, m * n);
        let (mut c1, mut c2) = (c0.clone(), c0.clone());
        gemm(m, n, k, am, bm, &mut c1, acc);
        gemm_ref(m, n, k, am, bm, &mut c2, acc);
        let same = c1.iter().zip(&c2).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "m={m} n={n} k={k} ta={ta} tb={tb} acc={acc}");
    }

    crate::both_targets_test! {
        fn random_shapes_match_reference_bitwise() {
            let mut rng = Rng::new(11);
            for _ in 0..60 {
                let m = 1 + rng.below(19) as usize;
                let n = 1 + rng.below(21) as usize;
                let k = 1 + rng.below(40) as usize;
                let ta = rng.below(2) == 1;
                let tb = rng.below(2) == 1;
                let acc = rng.below(2) == 1;
                check(&mut rng, m, n, k, ta, tb, acc);
            }
        }
    }

    crate::both_targets_test! {
        fn edge_tiles_and_layer_shapes() {
            let mut rng = Rng::new(5);
            // Exact tiles, one past, one short, and the seed CNN's shapes.
            // k past one block (KC) and not a multiple of it exercises the parked partial sums;
            // n past NC the column blocks.
            // Every layout (in-place or packed A, either B) and both write modes on each.
            for &(m, n, k) in &[(4, 8, 1), (5, 9, 3), (3, 7, 2), (1, 1, 1), (64, 32, 9), (32, 64, 288), (32, 10, 64), (6, 11, KC + 1), (9, 8, 2 * KC + 17), (5, NC + 13, 7), (3, 2 * NC + 9, KC + 2), (8, NC + 9, KC + 5)] {
                for mode in 0..8 {
                    check(&mut rng, m, n, k, mode & 1 == 1, mode & 2 == 2, mode & 4 == 4);
                }
            }
        }
    }

    crate::both_targets_test! {
        fn known_small_product() {
            // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]]
            let a = [1.0, 2.0, 3.0, 4.0];
            let b = [5.0, 6.0, 7.0, 8.0];
            let mut c = [0.0; 4];
            gemm(2, 2, 2, Mat::rows(&a, 2), Mat::rows(&b, 2), &mut c, false);
            assert_eq!(c, [19.0, 22.0, 43.0, 50.0]);
            gemm(2, 2, 0, Mat::rows(&a, 2), Mat::rows(&b, 2), &mut c, false);
            assert_eq!(c, [0.0; 4]);
        }
    }
}
