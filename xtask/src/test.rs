//! `cargo xtask test` (every check, in CI's order) and `cargo xtask bench`.

use crate::tools::{ensure_chromium, ensure_npm_package, ensure_wasm_tools, run as run_cmd, tool};
use crate::{build, root, serve};
use anyhow::{bail, Result};
use std::process::Command;
use std::time::Instant;

fn cargo(args: &[&str]) -> Command {
    let mut c = Command::new("cargo");
    c.args(args).current_dir(root());
    c
}

/// `cargo xtask test`: runs every step, stopping at the first failure; prints a timing
/// table at the end.
pub fn run() -> Result<()> {
    let mut times = Vec::new();
    let mut step = |name: &str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        println!("\n=== xtask test: {name} ===");
        let t = Instant::now();
        let r = f();
        times.push((name.to_string(), t.elapsed().as_secs_f64()));
        r
    };
    step("tools", &mut || {
        ensure_wasm_tools()?;
        ensure_chromium()?;
        ensure_npm_package(&root().join("tests/e2e"))
    })?;
    step("fmt", &mut || run_cmd(&mut cargo(&["fmt", "--all", "--", "--check"])))?;
    step("clippy (host)", &mut || run_cmd(&mut cargo(&["clippy", "--workspace", "--all-targets", "--release", "--", "-D", "warnings"])))?;
    step("clippy (wasm32)", &mut || {
        run_cmd(&mut cargo(&["clippy", "-p", "mlpad", "--lib", "--tests", "--release", "--target", "wasm32-unknown-unknown", "--", "-D", "warnings"]))
    })?;
    step("native tests", &mut || run_cmd(&mut cargo(&["test", "--workspace", "--release"])))?;
    step("wasm tests (Node)", &mut || {
        run_cmd(cargo(&["test", "-p", "mlpad", "--lib", "--release", "--target", "wasm32-unknown-unknown"])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", tool("wasm-bindgen-test-runner")))
    })?;
    let mut cli = None;
    step("build wasm pkg and CLI", &mut || {
        build::wasm()?;
        cli = Some(build::cli()?);
        Ok(())
    })?;
    step("browser tests (headless Chromium)", &mut || {
        let port = serve::start(0)?;
        let shots = root().join("target/screenshots");
        let mut files: Vec<_> = std::fs::read_dir(root().join("tests/e2e"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
            .collect();
        files.sort();
        if files.is_empty() {
            bail!("no browser tests found in tests/e2e");
        }
        run_cmd(Command::new("node")
            .args(["--test", "--test-concurrency=1"])
            .args(&files)
            .current_dir(root())
            .env("MLPAD_URL", format!("http://127.0.0.1:{port}/"))
            .env("MLPAD_CLI", cli.clone().expect("built"))
            .env("CHROMIUM", "/usr/bin/chromium")
            .env("MLPAD_SCREENSHOTS", shots))
    })?;
    println!("\n=== xtask test: all steps passed ===");
    for (name, secs) in &times {
        println!("{secs:8.1} s  {name}");
    }
    Ok(())
}

/// `cargo xtask bench`: CNN training images/s natively and in headless Chromium (wasm),
/// printed as one table and written to `target/bench.json`.
pub fn bench() -> Result<()> {
    ensure_wasm_tools()?;
    ensure_chromium()?;
    ensure_npm_package(&root().join("tests/e2e"))?;
    build::wasm()?;
    let cli = build::cli()?;
    let native = Command::new(&cli).args(["bench", "cnn", "--repeats", "5"]).output()?;
    if !native.status.success() {
        bail!("native bench failed: {}", String::from_utf8_lossy(&native.stderr));
    }
    let native: serde_json::Value = serde_json::from_slice(&native.stdout)?;
    let port = serve::start(0)?;
    let out = Command::new("node")
        .arg(root().join("bench/run.mjs"))
        .current_dir(root())
        .env("MLPAD_URL", format!("http://127.0.0.1:{port}/"))
        .env("CHROMIUM", "/usr/bin/chromium")
        .output()?;
    if !out.status.success() {
        bail!("browser bench failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let wasm: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let rows = [wasm, native.clone()];
    let base = native["median"].as_f64().unwrap_or(f64::NAN);
    println!("\n{:<16} {:<22} {:>10} {:>10} {:>10} {:>12}", "workload", "runtime", "median", "min", "max", "vs native");
    for r in &rows {
        let med = r["median"].as_f64().unwrap_or(f64::NAN);
        println!(
            "{:<16} {:<22} {:>10.1} {:>10.1} {:>10.1} {:>11.0}%",
            r["workload"].as_str().unwrap_or("?"),
            r["runtime"].as_str().unwrap_or("?"),
            med,
            r["min"].as_f64().unwrap_or(f64::NAN),
            r["max"].as_f64().unwrap_or(f64::NAN),
            100.0 * med / base
        );
    }
    std::fs::write(root().join("target/bench.json"), serde_json::to_string_pretty(&rows)?)?;
    println!("(images/s, batch 32; written to target/bench.json)");
    Ok(())
}
