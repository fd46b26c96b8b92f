//! Builds the wasm core into `pkg/` and the native CLI.

use crate::root;
use crate::tools::{run, tool};
use anyhow::Result;
use std::process::Command;

/// `cargo build` the core for wasm32 (release, +simd128 from .cargo/config.toml) and run
/// wasm-bindgen `--target web` into `pkg/`.
pub fn wasm() -> Result<()> {
    run(Command::new("cargo")
        .args(["build", "-p", "mlpad", "--lib", "--release", "--target", "wasm32-unknown-unknown"])
        .current_dir(root()))?;
    run(Command::new(tool("wasm-bindgen"))
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(root().join("pkg"))
        .arg(root().join("target/wasm32-unknown-unknown/release/mlpad.wasm")))?;
    let wasm = std::fs::metadata(root().join("pkg/mlpad_bg.wasm"))?.len();
    println!("xtask: pkg/mlpad_bg.wasm is {} KB", wasm / 1024);
    Ok(())
}

/// The native CLI in release mode (`target/release/mlpad`).
pub fn cli() -> Result<std::path::PathBuf> {
    run(Command::new("cargo").args(["build", "-p", "mlpad", "--bin", "mlpad", "--release"]).current_dir(root()))?;
    Ok(root().join("target/release/mlpad"))
}
