//! `cargo xtask test`: every check in CI's order, stopping at the first failure, with a
//! timing table at the end.

use crate::tools::{self, cargo, run};
use crate::{build, root, serve};
use anyhow::{bail, Context, Result};
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

/// Test counts gathered from the runners' summary lines.
#[derive(Default, Debug, PartialEq)]
struct Counts {
    passed: u64,
    failed: u64,
    skipped: u64,
}

impl Counts {
    /// Adds one output line if it is a summary line of `cargo test` / wasm-bindgen-test-runner
    /// (`test result: ok. 3 passed; 0 failed; 1 ignored; ...`) or node's TAP reporter (`# pass 3`).
    fn add_line(&mut self, line: &str) {
        let num = |s: &str| s.trim().parse::<u64>().ok();
        if let Some(rest) = line.trim().strip_prefix("test result: ") {
            for part in rest.split(';') {
                let words: Vec<&str> = part.split_whitespace().collect();
                let n = words.iter().rev().nth(1).and_then(|w| num(w));
                match (n, words.last()) {
                    (Some(n), Some(&"passed")) => self.passed += n,
                    (Some(n), Some(&"failed")) => self.failed += n,
                    (Some(n), Some(&"ignored")) => self.skipped += n,
                    _ => {}
                }
            }
        } else if let Some(rest) = line.trim().strip_prefix("# ") {
            let (key, value) = rest.split_once(' ').unwrap_or((rest, ""));
            match (key, num(value)) {
                ("pass", Some(n)) => self.passed += n,
                ("fail" | "cancelled", Some(n)) => self.failed += n,
                ("skipped" | "todo", Some(n)) => self.skipped += n,
                _ => {}
            }
        }
    }
}

/// Runs a test command, echoing its stdout line by line while counting its results.
fn run_counted(cmd: &mut Command, counts: &mut Counts) -> Result<()> {
    use std::io::BufRead;
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {shown}"))?;
    let stdout = child.stdout.take().expect("piped");
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        counts.add_line(&line);
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

/// Whether node's test runner treats a file name as a test file.
fn is_node_test_file(name: &str) -> bool {
    let stem = [".mjs", ".cjs", ".js"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext));
    stem.is_some_and(|stem| {
        stem.ends_with(".test")
            || stem.ends_with("-test")
            || stem.ends_with("_test")
            || stem.starts_with("test-")
            || stem == "test"
    })
}

/// Test files under `dir` (recursively, skipping node_modules), sorted.
fn node_test_files(dir: &std::path::Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "node_modules" && !name.starts_with('.') {
                files.extend(node_test_files(&path)?);
            }
        } else if is_node_test_file(name) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// `cargo xtask test`.
pub fn run_all() -> Result<()> {
    let mut steps = Steps {
        times: Vec::new(),
        started: Instant::now(),
    };
    let mut counts = Counts::default();
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
        run_counted(
            &mut cargo(&["test", "--workspace", "--release"]),
            &mut counts,
        )
    })?;
    steps.run("wasm tests (wasm-bindgen-test-runner under Node)", || {
        run_counted(
            cargo(&[
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
            ),
            &mut counts,
        )
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
        // One node process and one fresh static server per file. A file that fails is run
        // once more and said so loudly: a few browser tests have stalled on page loads on
        // this 2-core machine for reasons not yet found (see the issue notes); a real
        // failure fails twice.
        let mut flaky = Vec::new();
        for file in &files {
            let mut attempt = 0;
            loop {
                attempt += 1;
                let server = serve::start(0)?;
                let mut here = Counts::default();
                let result = run_counted(
                    Command::new("node")
                        .args(["--test", "--test-concurrency=1"])
                        .arg(file)
                        .current_dir(root())
                        .env("MLPAD_URL", server.url())
                        .env("MLPAD_CLI", &cli)
                        .env("CHROMIUM", tools::CHROMIUM)
                        .env("MLPAD_SCREENSHOTS", root().join("target/screenshots"))
                        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
                    &mut here,
                );
                match result {
                    Ok(()) => {
                        counts.passed += here.passed;
                        counts.skipped += here.skipped;
                        break;
                    }
                    Err(e) if attempt == 1 => {
                        println!(
                            "\n!!! {} failed once ({e:#}); running it again !!!\n",
                            file.display()
                        );
                        flaky.push(file.display().to_string());
                    }
                    Err(e) => {
                        counts.failed += here.failed.max(1);
                        return Err(e);
                    }
                }
            }
        }
        if !flaky.is_empty() {
            println!("\n!!! passed on a second run: {} !!!", flaky.join(", "));
        }
        Ok(())
    })?;
    steps.report();
    println!("\nxtask test: all steps passed");
    // The plain closing line CI reads: every test run by cargo, wasm-bindgen and node.
    println!(
        "total: {} passed, {} failed, {} skipped",
        counts.passed, counts.failed, counts.skipped
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_and_node_summaries() {
        let mut c = Counts::default();
        for line in [
            "test result: ok. 12 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 1.2s",
            "test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out",
            "# tests 5",
            "# pass 4",
            "# fail 1",
            "# skipped 1",
            "ok 1 - loads # SKIP",
            "running 12 tests",
        ] {
            c.add_line(line);
        }
        assert_eq!(
            c,
            Counts {
                passed: 16,
                failed: 1,
                skipped: 3
            }
        );
    }

    #[test]
    fn picks_node_test_files_by_name() {
        for yes in [
            "page.test.mjs",
            "a-test.js",
            "b_test.cjs",
            "test-x.mjs",
            "test.js",
        ] {
            assert!(is_node_test_file(yes), "{yes}");
        }
        for no in [
            "helpers.mjs",
            "page.test.mjs.map",
            "package.json",
            "testing.mjs",
        ] {
            assert!(!is_node_test_file(no), "{no}");
        }
    }
}
