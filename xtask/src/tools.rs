//! Installs what the build and the tests need, when it is missing: the wasm32 target,
//! wasm-bindgen-cli at exactly the version in Cargo.lock (into `target/tools`), Debian's
//! Chromium and chromedriver, and the browser tests' npm packages.

use crate::root;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::Command;

/// Runs a command, failing with its name if it does not succeed.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

/// Captures stdout of a command, or `None` if it cannot run or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The wasm-bindgen version pinned in Cargo.lock.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.trim().strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock; run `cargo generate-lockfile`")
}

/// `target/tools/bin/<name>`.
pub fn tool(name: &str) -> PathBuf {
    root().join("target/tools/bin").join(name)
}

/// The wasm32 target and wasm-bindgen-cli (matching Cargo.lock).
pub fn ensure_wasm_tools() -> Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        println!("xtask: installing the wasm32-unknown-unknown target");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    if !root().join("Cargo.lock").exists() {
        run(Command::new("cargo").args(["generate-lockfile"]).current_dir(root()))?;
    }
    let want = locked_wasm_bindgen_version()?;
    let have = output(Command::new(tool("wasm-bindgen")).arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) != Some(want.as_str()) {
        println!("xtask: installing wasm-bindgen-cli {want} into target/tools (takes a few minutes once)");
        run(Command::new("cargo")
            .args(["install", "wasm-bindgen-cli", "--locked", "--version", &want, "--root"])
            .arg(root().join("target/tools")))?;
    }
    Ok(())
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).map(|s| s.trim() == "0").unwrap_or(false)
}

/// Debian's Chromium and chromedriver; installed with apt when running as root.
pub fn ensure_chromium() -> Result<PathBuf> {
    let chromium = PathBuf::from("/usr/bin/chromium");
    if chromium.exists() {
        return Ok(chromium);
    }
    if !is_root() {
        bail!("Chromium is missing: run `sudo apt-get install chromium chromium-driver` (Debian's packages), then retry");
    }
    println!("xtask: installing Debian's chromium and chromium-driver");
    run(Command::new("apt-get").arg("update").env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    Ok(chromium)
}

/// `npm ci` in a node package directory when its node_modules are missing or stale.
pub fn ensure_npm_package(dir: &std::path::Path) -> Result<()> {
    let lock = dir.join("package-lock.json");
    let marker = dir.join("node_modules/.package-lock.json");
    let stale = match (std::fs::metadata(&lock), std::fs::metadata(&marker)) {
        (Ok(l), Ok(m)) => l.modified()? > m.modified()?,
        _ => true,
    };
    if stale {
        println!("xtask: npm ci in {}", dir.display());
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
    }
    Ok(())
}
