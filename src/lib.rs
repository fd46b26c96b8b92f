//! mlpad: a machine-learning playground whose core trains real models in the browser.
//!
//! The same code builds natively (tests, CLI, benchmarks) and for `wasm32` with SIMD128
//! (the page). Every random draw comes from an explicit seed, vector kernels use one
//! 4-lane type with the same order of operations on both targets, and transcendentals go
//! through `libm`, so a link replays bit-for-bit everywhere.

/// Image augmentation with Keras' `ImageDataGenerator` semantics.
pub mod augment;
/// The benchmark workloads, shared by the native CLI and the wasm bench page.
pub mod bench;
pub mod data;
/// The seed GAN (dense generator and discriminator) and its training step.
pub mod gan;
pub mod kernels;
/// scikit-learn-exact brute-force `KNeighborsClassifier` (uniform/distance, L2/L1).
pub mod knn;
pub mod labs;
pub mod link;
/// scikit-learn-exact classification metrics (accuracy, F1, ROC/PR curves, ...).
pub mod metrics;
pub mod nn;
pub mod rng;
pub mod schema;
pub mod simd;
/// scikit-learn's `train_test_split` (numpy legacy MT19937), index for index.
pub mod split;

#[cfg(target_arch = "wasm32")]
pub mod web;

/// Marks a test so the same body runs natively (`cargo test`) and in the wasm build
/// (`wasm-bindgen-test`).
#[macro_export]
macro_rules! both_targets_test {
    ($(#[$m:meta])* fn $name:ident() $body:block) => {
        $(#[$m])*
        #[cfg_attr(not(target_arch = "wasm32"), test)]
        #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
        fn $name() $body
    };
}
