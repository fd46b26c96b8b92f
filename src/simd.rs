//! `F32x4`: the one 4-lane f32 vector type every kernel is written against.
//!
//! On wasm32 it wraps a SIMD128 `v128`; on x86-64 an SSE `__m128` (SSE2 is part of the
//! x86-64 baseline, so no runtime detection); elsewhere a `[f32; 4]` with lane-wise loops.
//! All do plain IEEE-754 single-precision lane operations with no fused multiply-add, and
//! the horizontal sum has one fixed order, so every kernel gives bit-identical results in
//! the browser and natively.

#[cfg(target_arch = "wasm32")]
use core::arch::wasm32::*;
#[cfg(target_arch = "x86_64")]
use core::arch::x86_64::*;

/// Four f32 lanes.
#[derive(Clone, Copy, Debug)]
#[cfg(target_arch = "wasm32")]
pub struct F32x4(v128);

/// Four f32 lanes.
#[derive(Clone, Copy, Debug)]
#[cfg(target_arch = "x86_64")]
pub struct F32x4(__m128);

/// Four f32 lanes.
#[derive(Clone, Copy, Debug)]
#[cfg(not(any(target_arch = "wasm32", target_arch = "x86_64")))]
pub struct F32x4([f32; 4]);

#[cfg(target_arch = "wasm32")]
impl F32x4 {
    /// All lanes zero.
    #[inline(always)]
    pub fn zero() -> Self {
        F32x4(f32x4_splat(0.0))
    }
    /// All lanes `x`.
    #[inline(always)]
    pub fn splat(x: f32) -> Self {
        F32x4(f32x4_splat(x))
    }
    /// Loads `s[0..4]`.
    #[inline(always)]
    pub fn load(s: &[f32]) -> Self {
        assert!(s.len() >= 4);
        // SAFETY: the slice holds at least 4 floats; v128_load allows unaligned access.
        F32x4(unsafe { v128_load(s.as_ptr() as *const v128) })
    }
    /// Stores into `s[0..4]`.
    #[inline(always)]
    pub fn store(self, s: &mut [f32]) {
        assert!(s.len() >= 4);
        // SAFETY: the slice holds at least 4 floats; v128_store allows unaligned access.
        unsafe { v128_store(s.as_mut_ptr() as *mut v128, self.0) }
    }
    /// Lane-wise absolute value (clears the sign bit).
    #[inline(always)]
    pub fn abs(self) -> Self {
        F32x4(f32x4_abs(self.0))
    }
    /// Lane-wise square root (correctly rounded, like `f32::sqrt`).
    #[inline(always)]
    pub fn sqrt(self) -> Self {
        F32x4(f32x4_sqrt(self.0))
    }
    /// Lane-wise running maximum in scan order: `v` replaces `self` when `v > self`, or when
    /// `v` is NaN and `self` is not (the first NaN wins and stays), as max-pooling needs.
    #[inline(always)]
    pub fn max_keep_nan(self, v: Self) -> Self {
        let (s, v) = (self.0, v.0);
        let take = v128_or(f32x4_gt(v, s), v128_andnot(f32x4_ne(v, v), f32x4_ne(s, s)));
        F32x4(v128_bitselect(v, s, take))
    }
    /// All bits set in lanes where `self` equals `o` (NaN counts as equal to NaN), else 0.
    #[inline(always)]
    pub fn same_mask(self, o: Self) -> Self {
        let (a, b) = (self.0, o.0);
        F32x4(v128_or(
            f32x4_eq(a, b),
            v128_and(f32x4_ne(a, a), f32x4_ne(b, b)),
        ))
    }
    /// Bitwise `self & o` (with a mask: keeps the lanes it selects, zeroes the rest).
    #[inline(always)]
    pub fn and(self, o: Self) -> Self {
        F32x4(v128_and(self.0, o.0))
    }
    /// Bitwise `self & !o`.
    #[inline(always)]
    pub fn and_not(self, o: Self) -> Self {
        F32x4(v128_andnot(self.0, o.0))
    }
    /// The lanes as an array.
    #[inline(always)]
    pub fn to_array(self) -> [f32; 4] {
        [
            f32x4_extract_lane::<0>(self.0),
            f32x4_extract_lane::<1>(self.0),
            f32x4_extract_lane::<2>(self.0),
            f32x4_extract_lane::<3>(self.0),
        ]
    }
}

// SAFETY (whole block): SSE and SSE2 are always present on x86-64; loads and stores are
// the unaligned forms on slices checked to hold four floats.
#[cfg(target_arch = "x86_64")]
impl F32x4 {
    /// All lanes zero.
    #[inline(always)]
    pub fn zero() -> Self {
        F32x4(unsafe { _mm_setzero_ps() })
    }
    /// All lanes `x`.
    #[inline(always)]
    pub fn splat(x: f32) -> Self {
        F32x4(unsafe { _mm_set1_ps(x) })
    }
    /// Loads `s[0..4]`.
    #[inline(always)]
    pub fn load(s: &[f32]) -> Self {
        assert!(s.len() >= 4);
        F32x4(unsafe { _mm_loadu_ps(s.as_ptr()) })
    }
    /// Stores into `s[0..4]`.
    #[inline(always)]
    pub fn store(self, s: &mut [f32]) {
        assert!(s.len() >= 4);
        unsafe { _mm_storeu_ps(s.as_mut_ptr(), self.0) }
    }
    /// Lane-wise absolute value (clears the sign bit, like wasm's `f32x4.abs`).
    #[inline(always)]
    pub fn abs(self) -> Self {
        F32x4(unsafe { _mm_andnot_ps(_mm_set1_ps(-0.0), self.0) })
    }
    /// Lane-wise square root (correctly rounded, like `f32::sqrt`).
    #[inline(always)]
    pub fn sqrt(self) -> Self {
        F32x4(unsafe { _mm_sqrt_ps(self.0) })
    }
    /// Lane-wise running maximum in scan order: `v` replaces `self` when `v > self`, or when
    /// `v` is NaN and `self` is not (the first NaN wins and stays), as max-pooling needs.
    #[inline(always)]
    pub fn max_keep_nan(self, v: Self) -> Self {
        let (s, v) = (self.0, v.0);
        unsafe {
            let gt = _mm_cmpgt_ps(v, s);
            let nan_over_number = _mm_andnot_ps(_mm_cmpunord_ps(s, s), _mm_cmpunord_ps(v, v));
            let take = _mm_or_ps(gt, nan_over_number);
            F32x4(_mm_or_ps(_mm_and_ps(take, v), _mm_andnot_ps(take, s)))
        }
    }
    /// All bits set in lanes where `self` equals `o` (NaN counts as equal to NaN), else 0.
    #[inline(always)]
    pub fn same_mask(self, o: Self) -> Self {
        let (a, b) = (self.0, o.0);
        unsafe {
            let both_nan = _mm_and_ps(_mm_cmpunord_ps(a, a), _mm_cmpunord_ps(b, b));
            F32x4(_mm_or_ps(_mm_cmpeq_ps(a, b), both_nan))
        }
    }
    /// Bitwise `self & o` (with a mask: keeps the lanes it selects, zeroes the rest).
    #[inline(always)]
    pub fn and(self, o: Self) -> Self {
        F32x4(unsafe { _mm_and_ps(self.0, o.0) })
    }
    /// Bitwise `self & !o`.
    #[inline(always)]
    pub fn and_not(self, o: Self) -> Self {
        F32x4(unsafe { _mm_andnot_ps(o.0, self.0) })
    }
    /// The lanes as an array.
    #[inline(always)]
    pub fn to_array(self) -> [f32; 4] {
        let mut out = [0.0; 4];
        self.store(&mut out);
        out
    }
}

#[cfg(not(any(target_arch = "wasm32", target_arch = "x86_64")))]
impl F32x4 {
    /// All lanes zero.
    #[inline(always)]
    pub fn zero() -> Self {
        F32x4([0.0; 4])
    }
    /// All lanes `x`.
    #[inline(always)]
    pub fn splat(x: f32) -> Self {
        F32x4([x; 4])
    }
    /// Loads `s[0..4]`.
    #[inline(always)]
    pub fn load(s: &[f32]) -> Self {
        F32x4([s[0], s[1], s[2], s[3]])
    }
    /// Stores into `s[0..4]`.
    #[inline(always)]
    pub fn store(self, s: &mut [f32]) {
        s[..4].copy_from_slice(&self.0);
    }
    /// Lane-wise absolute value (clears the sign bit, like wasm's `f32x4.abs`).
    #[inline(always)]
    pub fn abs(self) -> Self {
        F32x4(std::array::from_fn(|i| self.0[i].abs()))
    }
    /// Lane-wise square root (correctly rounded, like `f32::sqrt`).
    #[inline(always)]
    pub fn sqrt(self) -> Self {
        F32x4(std::array::from_fn(|i| self.0[i].sqrt()))
    }
    /// Lane-wise running maximum in scan order: `v` replaces `self` when `v > self`, or when
    /// `v` is NaN and `self` is not (the first NaN wins and stays), as max-pooling needs.
    #[inline(always)]
    pub fn max_keep_nan(self, v: Self) -> Self {
        F32x4(std::array::from_fn(|i| {
            let (s, v) = (self.0[i], v.0[i]);
            if v > s || (v.is_nan() && !s.is_nan()) {
                v
            } else {
                s
            }
        }))
    }
    /// All bits set in lanes where `self` equals `o` (NaN counts as equal to NaN), else 0.
    #[inline(always)]
    pub fn same_mask(self, o: Self) -> Self {
        F32x4(std::array::from_fn(|i| {
            let (a, b) = (self.0[i], o.0[i]);
            let same = a == b || (a.is_nan() && b.is_nan());
            f32::from_bits(if same { u32::MAX } else { 0 })
        }))
    }
    /// Bitwise `self & o` (with a mask: keeps the lanes it selects, zeroes the rest).
    #[inline(always)]
    pub fn and(self, o: Self) -> Self {
        F32x4(std::array::from_fn(|i| {
            f32::from_bits(self.0[i].to_bits() & o.0[i].to_bits())
        }))
    }
    /// Bitwise `self & !o`.
    #[inline(always)]
    pub fn and_not(self, o: Self) -> Self {
        F32x4(std::array::from_fn(|i| {
            f32::from_bits(self.0[i].to_bits() & !o.0[i].to_bits())
        }))
    }
    /// The lanes as an array.
    #[inline(always)]
    pub fn to_array(self) -> [f32; 4] {
        self.0
    }
}

/// Lane-wise arithmetic operators, one per target.
macro_rules! lane_op {
    ($trait:ident, $method:ident, $wasm:ident, $sse:ident, $op:tt) => {
        impl core::ops::$trait for F32x4 {
            type Output = F32x4;
            #[cfg(target_arch = "wasm32")]
            #[inline(always)]
            fn $method(self, o: Self) -> Self {
                F32x4($wasm(self.0, o.0))
            }
            #[cfg(target_arch = "x86_64")]
            #[inline(always)]
            fn $method(self, o: Self) -> Self {
                // SAFETY: SSE is part of the x86-64 baseline.
                F32x4(unsafe { $sse(self.0, o.0) })
            }
            #[cfg(not(any(target_arch = "wasm32", target_arch = "x86_64")))]
            #[inline(always)]
            fn $method(self, o: Self) -> Self {
                F32x4(std::array::from_fn(|i| self.0[i] $op o.0[i]))
            }
        }
    };
}
lane_op!(Add, add, f32x4_add, _mm_add_ps, +);
lane_op!(Sub, sub, f32x4_sub, _mm_sub_ps, -);
lane_op!(Mul, mul, f32x4_mul, _mm_mul_ps, *);
lane_op!(Div, div, f32x4_div, _mm_div_ps, /);

impl F32x4 {
    /// `self + a * b` as a separate multiply then add (never fused, for determinism).
    #[inline(always)]
    pub fn mul_add(self, a: Self, b: Self) -> Self {
        self + a * b
    }
    /// Horizontal sum in the fixed order `(l0 + l1) + (l2 + l3)`.
    #[inline(always)]
    pub fn sum(self) -> f32 {
        let a = self.to_array();
        (a[0] + a[1]) + (a[2] + a[3])
    }
}

/// Dot product of two equal-length slices with 4 lanes, then a fixed-order tail.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    let n4 = a.len() / 4 * 4;
    let mut acc = F32x4::zero();
    let mut i = 0;
    while i < n4 {
        acc = acc.mul_add(F32x4::load(&a[i..]), F32x4::load(&b[i..]));
        i += 4;
    }
    let mut s = acc.sum();
    for j in n4..a.len() {
        s += a[j] * b[j];
    }
    s
}

/// `y += alpha * x` over equal-length slices.
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    assert_eq!(x.len(), y.len());
    let n4 = x.len() / 4 * 4;
    let va = F32x4::splat(alpha);
    let mut i = 0;
    while i < n4 {
        F32x4::load(&y[i..])
            .mul_add(va, F32x4::load(&x[i..]))
            .store(&mut y[i..]);
        i += 4;
    }
    for j in n4..x.len() {
        y[j] += alpha * x[j];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::both_targets_test! {
        fn lane_ops_match_scalar() {
            let a = [1.5f32, -2.0, 3.25, f32::MIN_POSITIVE];
            let b = [0.1f32, 4.0, -3.25, 2.0];
            let (va, vb) = (F32x4::load(&a), F32x4::load(&b));
            for i in 0..4 {
                assert_eq!((va + vb).to_array()[i], a[i] + b[i]);
                assert_eq!((va * vb).to_array()[i], a[i] * b[i]);
                assert_eq!((va - vb).to_array()[i], a[i] - b[i]);
                assert_eq!((va / vb).to_array()[i].to_bits(), (a[i] / b[i]).to_bits());
                assert_eq!(va.abs().sqrt().to_array()[i].to_bits(), a[i].abs().sqrt().to_bits());
            }
            assert_eq!(va.sum(), (a[0] + a[1]) + (a[2] + a[3]));
        }
    }

    crate::both_targets_test! {
        fn abs_agrees_bitwise_on_every_target() {
            let x = [-0.0f32, -3.5, f32::NEG_INFINITY, 2.0];
            let abs = F32x4::load(&x).abs().to_array();
            for i in 0..4 {
                assert_eq!(abs[i].to_bits(), x[i].abs().to_bits(), "lane {i}");
            }
        }
    }

    crate::both_targets_test! {
        fn max_keep_nan_is_the_scalar_pooling_rule() {
            let vals = [1.0f32, -1.0, 0.0, -0.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY];
            for &s in &vals {
                for &v in &vals {
                    let got = F32x4::splat(s).max_keep_nan(F32x4::splat(v)).to_array()[0];
                    let want = if v > s || (v.is_nan() && !s.is_nan()) { v } else { s };
                    assert_eq!(got.to_bits(), want.to_bits(), "{s} then {v}");
                }
            }
        }
    }

    crate::both_targets_test! {
        fn masks_select_equal_lanes_bitwise() {
            let a = F32x4::load(&[1.0, f32::NAN, 0.0, 2.0]);
            let b = F32x4::load(&[1.0, f32::NAN, -0.0, 3.0]);
            let m = a.same_mask(b).to_array().map(f32::to_bits);
            assert_eq!(m, [u32::MAX, u32::MAX, u32::MAX, 0]);
            let d = F32x4::load(&[-5.0, 6.0, -0.0, 7.0]);
            let kept = d.and(a.same_mask(b)).to_array();
            assert_eq!(kept.map(f32::to_bits), [-5.0f32, 6.0, -0.0, 0.0].map(f32::to_bits));
            let rest = d.and_not(a.same_mask(b)).to_array();
            assert_eq!(rest.map(f32::to_bits), [0.0f32, 0.0, 0.0, 7.0].map(f32::to_bits));
        }
    }

    crate::both_targets_test! {
        fn dot_and_axpy_handle_tails() {
            for n in 0..11 {
                let a: Vec<f32> = (0..n).map(|i| i as f32 * 0.5 - 1.0).collect();
                let b: Vec<f32> = (0..n).map(|i| 2.0 - i as f32).collect();
                let exact: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
                assert!((dot(&a, &b) as f64 - exact).abs() < 1e-4);
                let mut y = b.clone();
                axpy(2.0, &a, &mut y);
                for i in 0..n {
                    assert_eq!(y[i], b[i] + 2.0 * a[i]);
                }
            }
        }
    }
}
