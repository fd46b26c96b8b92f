//! Compute kernels: packed GEMM, the Manhattan distance tile, im2col for convolutions, and
//! their scalar references.

pub mod gemm;
pub mod im2col;
pub mod manhattan;
