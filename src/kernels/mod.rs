//! Compute kernels: packed GEMM, im2col for convolutions, and their scalar references.

pub mod gemm;
pub mod im2col;
