//! `cargo xtask fuzz [--runs N] [--seconds S] [TARGET…]`: runs the cargo-fuzz targets in
//! `fuzz/` (link parsing, typed values and lists, dataset decoders, weights import, link
//! to first step) with libFuzzer, each from its committed seed corpus (`fuzz/corpus/T`,
//! read only) into a working corpus under `target/fuzz-corpus/T`, and prints one line per
//! target: executions, seconds, executions per second, corpus size. Installs the nightly
//! toolchain and cargo-fuzz when they are missing.

use crate::root;
use crate::tools::run;
use anyhow::{bail, Context, Result};
use std::process::Command;
use std::time::Instant;

/// Every target, in the order they run.
pub const TARGETS: [&str; 5] = ["link", "lists", "datasets", "weights", "first_step"];

/// Runs the targets the arguments name (all by default).
pub fn run_all(args: &[String]) -> Result<()> {
    let mut runs: u64 = 10_000_000;
    let mut seconds: Option<u64> = None;
    let mut targets = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => {
                runs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .context("--runs needs a number")?
            }
            "--seconds" => {
                seconds = Some(
                    it.next()
                        .and_then(|v| v.parse().ok())
                        .context("--seconds needs a number")?,
                )
            }
            t if TARGETS.contains(&t) => targets.push(t.to_string()),
            other => bail!(
                "unknown fuzz argument '{other}' (targets: {})",
                TARGETS.join(", ")
            ),
        }
    }
    if targets.is_empty() {
        targets = TARGETS.iter().map(|t| t.to_string()).collect();
    }
    ensure_cargo_fuzz()?;
    let mut table = Vec::new();
    for t in &targets {
        let work = root().join("target/fuzz-corpus").join(t);
        std::fs::create_dir_all(&work)?;
        let seeds = root().join("fuzz/corpus").join(t);
        let mut cmd = Command::new("cargo");
        cmd.current_dir(root().join("fuzz"))
            // Without AddressSanitizer: the crate's only `unsafe` is the SIMD loads and
            // stores, each behind a length assert, and ASan would cut the rate severalfold.
            .args([
                "+nightly",
                "fuzz",
                "run",
                "--release",
                "--sanitizer",
                "none",
                t,
            ])
            .arg(&work)
            .arg(&seeds)
            .args([
                "--",
                &format!("-runs={runs}"),
                "-timeout=20",
                "-rss_limit_mb=2048",
                "-max_len=65536",
                "-print_final_stats=1",
            ]);
        if let Some(s) = seconds {
            cmd.arg(format!("-max_total_time={s}"));
        }
        println!("=== fuzz {t} ===");
        let start = Instant::now();
        let out = cmd
            .output()
            .with_context(|| format!("could not start cargo fuzz for {t}"))?;
        let secs = start.elapsed().as_secs_f64();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            eprintln!(
                "{}",
                stderr
                    .lines()
                    .rev()
                    .take(60)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            bail!("fuzz target {t} failed: see the crash above (its input is saved under fuzz/artifacts/{t})");
        }
        let stat = |name: &str| {
            stderr
                .lines()
                .find_map(|l| l.strip_prefix(&format!("stat::{name}:")))
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(0)
        };
        let execs = stat("number_of_executed_units");
        let corpus = std::fs::read_dir(&work).map(|d| d.count()).unwrap_or(0);
        table.push((t.clone(), execs, secs, corpus));
    }
    println!(
        "\n{:<12} {:>14} {:>10} {:>12} {:>8}",
        "target", "executions", "seconds", "exec/s", "corpus"
    );
    for (t, execs, secs, corpus) in &table {
        println!(
            "{t:<12} {execs:>14} {secs:>10.0} {:>12.0} {corpus:>8}",
            *execs as f64 / secs.max(1e-9)
        );
    }
    Ok(())
}

/// Installs the nightly toolchain and cargo-fuzz if they are missing.
fn ensure_cargo_fuzz() -> Result<()> {
    let has = |args: &[&str]| {
        Command::new(args[0])
            .args(&args[1..])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    if !has(&["rustup", "run", "nightly", "rustc", "--version"]) {
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    if !has(&["cargo", "fuzz", "--version"]) {
        run(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}
