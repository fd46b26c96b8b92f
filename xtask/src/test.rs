//! `cargo xtask test`: every check in CI's order, stopping at the first failure, with a
//! timing table at the end.

use crate::tools::{self, cargo, run};
use crate::{build, root, serve};
use anyhow::{bail, Result};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// Runs named steps in order, timing each.
struct Steps {
    times: Vec<(String, f64, bool)>,
    started: Instant,
}

impl Steps {
    fn run(&mut self, name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
        println!("\n=== xtask test [{}]: {name} ===", self.times.len() + 1);
        let t = Instant::now();
        let r = f();
        self.times
            .push((name.to_string(), t.elapsed().as_secs_f64(), r.is_ok()));
        if r.is_err() {
            self.report();
        }
        r.map_err(|e| e.context(format!("step '{name}' failed")))
    }

    fn report(&self) {
        println!("\n=== xtask test: time per step ===");
        for (name, secs, ok) in &self.times {
            let mark = if *ok { "ok  " } else { "FAIL" };
            println!("  {mark} {secs:7.1} s  {name}");
        }
        println!(
            "       {:7.1} s  total",
            self.started.elapsed().as_secs_f64()
        );
    }
}

/// Test files in `dir` that `node --test` would pick up by name.
fn node_test_files(dir: &std::path::Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let stem = name
                .trim_end_matches(".mjs")
                .trim_end_matches(".js")
                .trim_end_matches(".cjs");
            stem != name
                && (stem.ends_with(".test")
                    || stem.ends_with("-test")
                    || stem.ends_with("_test")
                    || stem.starts_with("test-")
                    || stem == "test")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// `cargo xtask test`.
pub fn run_all() -> Result<()> {
    let mut steps = Steps {
        times: Vec::new(),
        started: Instant::now(),
    };
    let e2e = root().join("tests/e2e");
    steps.run(
        "tools (wasm32 target, wasm-bindgen-cli, Chromium, npm packages)",
        || {
            tools::ensure_wasm_tools()?;
            tools::ensure_chromium()?;
            tools::ensure_npm_package(&e2e)
        },
    )?;
    steps.run("cargo fmt --check", || {
        run(&mut cargo(&["fmt", "--all", "--", "--check"]))
    })?;
    steps.run("cargo clippy (host, wasm32)", || {
        run(&mut cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
        run(&mut cargo(&[
            "clippy",
            "-p",
            "mlpad",
            "--lib",
            "--tests",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    steps.run("native tests (cargo test --workspace --release)", || {
        run(&mut cargo(&["test", "--workspace", "--release"]))
    })?;
    steps.run("wasm tests (wasm-bindgen-test-runner under Node)", || {
        run(cargo(&[
            "test",
            "-p",
            "mlpad",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "--lib",
            "--tests",
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            tools::tool("wasm-bindgen-test-runner"),
        ))
    })?;
    let mut cli = PathBuf::new();
    steps.run("build the wasm pkg and the native CLI", || {
        build::wasm()?;
        cli = build::cli()?;
        Ok(())
    })?;
    steps.run("browser tests (node --test, headless Chromium)", || {
        if !e2e.is_dir() {
            println!("\n!!! tests/e2e/ does not exist yet: SKIPPING the browser tests !!!\n");
            return Ok(());
        }
        let files = node_test_files(&e2e)?;
        if files.is_empty() {
            bail!("tests/e2e/ has no test files (*.test.mjs) for node --test");
        }
        let server = serve::start(0)?;
        println!("xtask: serving the repo at {}", server.url());
        run(Command::new("node")
            .args(["--test", "--test-concurrency=1"])
            .args(&files)
            .current_dir(root())
            .env("MLPAD_URL", server.url())
            .env("MLPAD_CLI", &cli)
            .env("CHROMIUM", tools::CHROMIUM)
            .env("MLPAD_SCREENSHOTS", root().join("target/screenshots"))
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))
    })?;
    steps.report();
    println!("\nxtask test: all steps passed");
    Ok(())
}
