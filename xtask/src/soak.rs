//! `cargo xtask soak`: builds the page, serves it, and runs tests/e2e/soak.mjs (a lab left
//! training for SOAK_MINUTES, default 20, then every lab switched through ten times),
//! which prints memory, input-to-paint and a verdict.

use crate::{build, root, serve, tools};
use anyhow::{bail, Context, Result};
use std::process::Command;

/// Runs the soak test in headless Chromium.
pub fn run() -> Result<()> {
    tools::ensure_wasm_tools()?;
    tools::ensure_chromium()?;
    tools::ensure_npm_package(&root().join("tests/e2e"))?;
    build::wasm()?;
    let server = serve::start(0)?;
    println!("xtask: soak against {}", server.url());
    let status = Command::new("node")
        .arg(root().join("tests/e2e/soak.mjs"))
        .current_dir(root())
        .env("MLPAD_URL", server.url())
        .env("CHROMIUM", tools::CHROMIUM)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .status()
        .context("running node tests/e2e/soak.mjs")?;
    if !status.success() {
        bail!("the soak test failed (see its figures above)");
    }
    Ok(())
}
