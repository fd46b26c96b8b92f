//! Image augmentation with Keras' `ImageDataGenerator` parameters and transform order.
//!
//! A random transform is drawn per image: rotation θ ∈ U(−rotation_range, rotation_range)
//! degrees, shifts tx (rows, from `height_shift_range`) and ty (columns, from
//! `width_shift_range`; fractions of the size when < 1, pixels otherwise), shear ∈
//! U(−shear_range, shear_range) degrees, zoom zx, zy ∈ U(1 − zoom_range, 1 + zoom_range)
//! each, and 50 % flips. As in Keras' `apply_affine_transform`, the matrix
//! `rotation · shift · shear · zoom` acts on (row, col) coordinates about the image centre
//! and maps each *output* pixel to the input point it samples; sampling is bilinear
//! (`interpolation_order=1`), points outside the image follow `fill_mode`, and flips are
//! applied afterwards. Geometry uses f64 and `libm`, so results are identical on every
//! target.

use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// How points outside the image are filled (Keras' `fill_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FillMode {
    /// The nearest edge pixel (`aaaa|abcd|dddd`).
    Nearest,
    /// The constant `cval` (`kkkk|abcd|kkkk`).
    Constant,
    /// Mirrored about the edge (`dcba|abcd|dcba`).
    Reflect,
    /// Repeated (`abcd|abcd|abcd`).
    Wrap,
}

/// `ImageDataGenerator`'s transform parameters (Keras names; 0 / false = off).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Augment {
    /// Degrees.
    pub rotation_range: f64,
    /// Fraction of the width (< 1) or pixels (≥ 1).
    pub width_shift_range: f64,
    /// Fraction of the height (< 1) or pixels (≥ 1).
    pub height_shift_range: f64,
    /// Degrees.
    pub shear_range: f64,
    /// Zoom factors are drawn from [1 − zoom_range, 1 + zoom_range].
    pub zoom_range: f64,
    /// Flip left-right half of the time.
    pub horizontal_flip: bool,
    /// Flip upside-down half of the time.
    pub vertical_flip: bool,
    /// Outside points.
    pub fill_mode: FillMode,
    /// Value for `FillMode::Constant`.
    pub cval: f32,
}

impl Default for Augment {
    fn default() -> Self {
        Augment {
            rotation_range: 0.0,
            width_shift_range: 0.0,
            height_shift_range: 0.0,
            shear_range: 0.0,
            zoom_range: 0.0,
            horizontal_flip: false,
            vertical_flip: false,
            fill_mode: FillMode::Nearest,
            cval: 0.0,
        }
    }
}

/// One drawn transform.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Transform {
    /// Rotation in degrees.
    pub theta: f64,
    /// Shift along rows (pixels).
    pub tx: f64,
    /// Shift along columns (pixels).
    pub ty: f64,
    /// Shear in degrees.
    pub shear: f64,
    /// Zoom along rows.
    pub zx: f64,
    /// Zoom along columns.
    pub zy: f64,
    /// Left-right flip.
    pub flip_horizontal: bool,
    /// Upside-down flip.
    pub flip_vertical: bool,
}

impl Transform {
    /// The identity.
    pub fn identity() -> Self {
        Transform {
            zx: 1.0,
            zy: 1.0,
            ..Default::default()
        }
    }
}

impl Augment {
    /// Draws a transform for an `h × w` image, in Keras' order of draws.
    pub fn random_transform(&self, rng: &mut Rng, h: usize, w: usize) -> Transform {
        let sym = |rng: &mut Rng, r: f64| {
            if r > 0.0 {
                (rng.uniform() as f64 * 2.0 - 1.0) * r
            } else {
                0.0
            }
        };
        let theta = sym(rng, self.rotation_range);
        let shift = |rng: &mut Rng, r: f64, size: usize| {
            let t = sym(rng, r);
            if r < 1.0 {
                t * size as f64
            } else {
                t
            }
        };
        let tx = shift(rng, self.height_shift_range, h);
        let ty = shift(rng, self.width_shift_range, w);
        let shear = sym(rng, self.shear_range);
        let (zx, zy) = if self.zoom_range > 0.0 {
            let z = |rng: &mut Rng| {
                1.0 - self.zoom_range + rng.uniform() as f64 * 2.0 * self.zoom_range
            };
            (z(rng), z(rng))
        } else {
            (1.0, 1.0)
        };
        let flip_horizontal = self.horizontal_flip && rng.uniform() < 0.5;
        let flip_vertical = self.vertical_flip && rng.uniform() < 0.5;
        Transform {
            theta,
            tx,
            ty,
            shear,
            zx,
            zy,
            flip_horizontal,
            flip_vertical,
        }
    }

    /// Writes `t` applied to the `h × w` single-channel image `img` into `out`.
    pub fn apply(&self, t: &Transform, img: &[f32], h: usize, w: usize, out: &mut [f32]) {
        let m = matrix(t, h, w);
        for r in 0..h {
            for c in 0..w {
                let (rf, cf) = (r as f64, c as f64);
                let ir = m[0][0] * rf + m[0][1] * cf + m[0][2];
                let ic = m[1][0] * rf + m[1][1] * cf + m[1][2];
                let rr = if t.flip_vertical { h - 1 - r } else { r };
                let cc = if t.flip_horizontal { w - 1 - c } else { c };
                out[rr * w + cc] = self.bilinear(img, h, w, ir, ic);
            }
        }
    }

    fn bilinear(&self, img: &[f32], h: usize, w: usize, r: f64, c: f64) -> f32 {
        // Coordinates within 1e-9 of a pixel centre are snapped to it, so exact geometric
        // cases (90° turns, whole-pixel shifts) reproduce pixels exactly.
        let snap = |v: f64| {
            if (v - v.round()).abs() < 1e-9 {
                v.round()
            } else {
                v
            }
        };
        let (r, c) = (snap(r), snap(c));
        let (r0, c0) = (f64::floor(r), f64::floor(c));
        let (fr, fc) = ((r - r0) as f32, (c - c0) as f32);
        let (r0, c0) = (r0 as i64, c0 as i64);
        let px = |i: i64, j: i64| self.pixel(img, h, w, i, j);
        let top = px(r0, c0) * (1.0 - fc) + if fc > 0.0 { px(r0, c0 + 1) * fc } else { 0.0 };
        if fr == 0.0 {
            return top;
        }
        let bottom = px(r0 + 1, c0) * (1.0 - fc)
            + if fc > 0.0 {
                px(r0 + 1, c0 + 1) * fc
            } else {
                0.0
            };
        top * (1.0 - fr) + bottom * fr
    }

    fn pixel(&self, img: &[f32], h: usize, w: usize, i: i64, j: i64) -> f32 {
        let fold = |v: i64, n: i64| -> Option<i64> {
            if (0..n).contains(&v) {
                return Some(v);
            }
            match self.fill_mode {
                FillMode::Constant => None,
                FillMode::Nearest => Some(v.clamp(0, n - 1)),
                FillMode::Wrap => Some(v.rem_euclid(n)),
                FillMode::Reflect => {
                    let p = v.rem_euclid(2 * n);
                    Some(if p < n { p } else { 2 * n - 1 - p })
                }
            }
        };
        match (fold(i, h as i64), fold(j, w as i64)) {
            (Some(a), Some(b)) => img[a as usize * w + b as usize],
            _ => self.cval,
        }
    }
}

fn mul(a: [[f64; 3]; 3], b: [[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let mut m = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..3 {
            m[i][j] = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    m
}

/// Keras' `transform_matrix_offset_center(rotation · shift · shear · zoom, h, w)`.
fn matrix(t: &Transform, h: usize, w: usize) -> [[f64; 3]; 3] {
    let rad = |d: f64| d * std::f64::consts::PI / 180.0;
    let (s, c) = (libm::sin(rad(t.theta)), libm::cos(rad(t.theta)));
    let rotation = [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]];
    let shift = [[1.0, 0.0, t.tx], [0.0, 1.0, t.ty], [0.0, 0.0, 1.0]];
    let sh = rad(t.shear);
    let shear = [
        [1.0, -libm::sin(sh), 0.0],
        [0.0, libm::cos(sh), 0.0],
        [0.0, 0.0, 1.0],
    ];
    let zoom = [[t.zx, 0.0, 0.0], [0.0, t.zy, 0.0], [0.0, 0.0, 1.0]];
    let m = mul(mul(mul(rotation, shift), shear), zoom);
    let (ox, oy) = (h as f64 / 2.0 - 0.5, w as f64 / 2.0 - 0.5);
    let offset = [[1.0, 0.0, ox], [0.0, 1.0, oy], [0.0, 0.0, 1.0]];
    let reset = [[1.0, 0.0, -ox], [0.0, 1.0, -oy], [0.0, 0.0, 1.0]];
    mul(mul(offset, m), reset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(h: usize, w: usize) -> Vec<f32> {
        (0..h * w)
            .map(|i| ((i * 37) % 101) as f32 / 100.0)
            .collect()
    }

    fn run(a: &Augment, t: &Transform, img: &[f32], h: usize, w: usize) -> Vec<f32> {
        let mut out = vec![0.0; h * w];
        a.apply(t, img, h, w, &mut out);
        out
    }

    crate::both_targets_test! {
        fn zero_parameters_are_the_identity() {
            let (h, w) = (7, 5);
            let img = image(h, w);
            let a = Augment::default();
            let t = a.random_transform(&mut Rng::new(1), h, w);
            assert_eq!(t, Transform::identity());
            assert_eq!(run(&a, &t, &img, h, w), img);
        }
    }

    crate::both_targets_test! {
        fn rotation_by_90_degrees_is_transpose_then_flip() {
            let n = 6;
            let img = image(n, n);
            let a = Augment::default();
            let out = run(&a, &Transform { theta: 90.0, ..Transform::identity() }, &img, n, n);
            // The output pixel (r, c) samples input (n−1−c, r): a transpose, then an
            // upside-down flip.
            for r in 0..n {
                for c in 0..n {
                    assert_eq!(out[r * n + c], img[(n - 1 - c) * n + r], "({r}, {c})");
                }
            }
        }
    }

    crate::both_targets_test! {
        fn flipping_twice_is_the_identity() {
            let (h, w) = (5, 8);
            let img = image(h, w);
            let a = Augment::default();
            let t = Transform { flip_horizontal: true, flip_vertical: true, ..Transform::identity() };
            let once = run(&a, &t, &img, h, w);
            assert_ne!(once, img);
            assert_eq!(run(&a, &t, &once, h, w), img);
            let hf = Transform { flip_horizontal: true, ..Transform::identity() };
            assert_eq!(run(&a, &hf, &img, h, w)[0], img[w - 1]);
        }
    }

    crate::both_targets_test! {
        fn shifts_move_mass_by_the_expected_amount() {
            let (h, w) = (12, 12);
            let mut img = vec![0.0f32; h * w];
            img[5 * w + 4] = 1.0;
            img[6 * w + 5] = 1.0;
            let a = Augment { fill_mode: FillMode::Constant, ..Augment::default() };
            let centre = |v: &[f32]| {
                let m: f32 = v.iter().sum();
                let r: f32 = v.iter().enumerate().map(|(i, x)| (i / w) as f32 * x).sum::<f32>() / m;
                let c: f32 = v.iter().enumerate().map(|(i, x)| (i % w) as f32 * x).sum::<f32>() / m;
                (m, r, c)
            };
            let (m0, r0, c0) = centre(&img);
            // Keras samples the input at (r + tx, c + ty): the content moves by (−tx, −ty).
            let out = run(&a, &Transform { tx: 2.0, ty: -3.0, ..Transform::identity() }, &img, h, w);
            let (m1, r1, c1) = centre(&out);
            assert_eq!(m0, m1, "whole-pixel shifts keep every bit of mass");
            assert!((r1 - (r0 - 2.0)).abs() < 1e-6 && (c1 - (c0 + 3.0)).abs() < 1e-6);
            // A half-pixel shift spreads each pixel over two, keeping the total.
            let out = run(&a, &Transform { ty: 0.5, ..Transform::identity() }, &img, h, w);
            let (m2, _, c2) = centre(&out);
            assert!((m2 - m0).abs() < 1e-6 && (c2 - (c0 - 0.5)).abs() < 1e-6);
        }
    }

    crate::both_targets_test! {
        fn fill_modes_follow_their_patterns() {
            let img = vec![1.0f32, 2.0, 3.0, 4.0]; // one row: a b c d
            let shifted = |mode, ty| {
                let a = Augment { fill_mode: mode, cval: 9.0, ..Augment::default() };
                run(&a, &Transform { ty, ..Transform::identity() }, &img, 1, 4)
            };
            assert_eq!(shifted(FillMode::Nearest, 2.0), [3.0, 4.0, 4.0, 4.0]);
            assert_eq!(shifted(FillMode::Constant, 2.0), [3.0, 4.0, 9.0, 9.0]);
            assert_eq!(shifted(FillMode::Reflect, 2.0), [3.0, 4.0, 4.0, 3.0]);
            assert_eq!(shifted(FillMode::Wrap, 2.0), [3.0, 4.0, 1.0, 2.0]);
            assert_eq!(shifted(FillMode::Reflect, -2.0), [2.0, 1.0, 1.0, 2.0]);
        }
    }

    crate::both_targets_test! {
        fn draws_stay_in_range_and_are_seeded() {
            let a = Augment { rotation_range: 15.0, width_shift_range: 0.1, height_shift_range: 3.0, zoom_range: 0.2, shear_range: 10.0, horizontal_flip: true, ..Augment::default() };
            let mut rng = Rng::new(4);
            for _ in 0..200 {
                let t = a.random_transform(&mut rng, 28, 28);
                assert!(t.theta.abs() <= 15.0 && t.ty.abs() <= 2.8 && t.tx.abs() <= 3.0 && t.shear.abs() <= 10.0);
                assert!((0.8..=1.2).contains(&t.zx) && (0.8..=1.2).contains(&t.zy));
                assert!(!t.flip_vertical);
            }
            let draw = |s| a.random_transform(&mut Rng::new(s), 28, 28);
            assert_eq!(draw(7), draw(7));
            assert_ne!(draw(7), draw(8));
        }
    }
}
