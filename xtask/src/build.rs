//! Builds the wasm core into `pkg/` (cargo + wasm-bindgen + optional wasm-opt) and the native CLI.

use crate::root;
use crate::tools::{cargo, output, run, tool};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the core for wasm32 (release, +simd128 from .cargo/config.toml), runs wasm-bindgen
/// `--target web` into `pkg/`, then wasm-opt when it is on PATH, and prints the sizes.
pub fn wasm() -> Result<()> {
    run(&mut cargo(&[
        "build",
        "-p",
        "mlpad",
        "--lib",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    let pkg = root().join("pkg");
    run(Command::new(tool("wasm-bindgen"))
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&pkg)
        .arg(root().join("target/wasm32-unknown-unknown/release/mlpad.wasm")))?;
    wasm_opt(&pkg.join("mlpad_bg.wasm"));
    print_sizes()
}

/// Optimizes with Binaryen's wasm-opt when it is installed; any failure only prints a note.
fn wasm_opt(wasm: &Path) {
    if output(Command::new("wasm-opt").arg("--version")).is_none() {
        println!("xtask: wasm-opt not on PATH; keeping wasm-bindgen's output as is");
        return;
    }
    let tmp = wasm.with_extension("opt.wasm");
    let ok = Command::new("wasm-opt")
        .args([
            "-O3",
            "--enable-simd",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
        ])
        .arg(wasm)
        .arg("-o")
        .arg(&tmp)
        .status()
        .is_ok_and(|s| s.success());
    if ok && std::fs::rename(&tmp, wasm).is_ok() {
        println!("xtask: wasm-opt -O3 applied");
    } else {
        let _ = std::fs::remove_file(&tmp);
        println!("xtask: note: wasm-opt failed on this module; keeping the unoptimized build");
    }
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes)?;
    Ok(gz.finish()?.len())
}

/// Prints raw and gzip sizes of what the page downloads (wasm + JS), excluding the data.
fn print_sizes() -> Result<()> {
    let mut files = vec![
        root().join("pkg/mlpad_bg.wasm"),
        root().join("pkg/mlpad.js"),
    ];
    // The shell, its widgets (www/ui/) and every lab's view module (www/labs/); a page
    // loads the shell, the widgets it uses and one view module.
    let mut page_js = Vec::new();
    for dir in ["www", "www/ui", "www/labs"] {
        let entries: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        page_js.extend(
            entries
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "js")),
        );
    }
    page_js.sort();
    files.extend(page_js);
    let (mut raw_total, mut gz_total) = (0, 0);
    println!("xtask: page code sizes (raw / gzip):");
    for f in &files {
        let bytes = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
        let gz = gzip_len(&bytes)?;
        raw_total += bytes.len();
        gz_total += gz;
        let name = f.strip_prefix(root()).unwrap_or(f).display().to_string();
        println!(
            "  {name:<24} {:>8.1} KiB / {:>7.1} KiB",
            kib(bytes.len()),
            kib(gz)
        );
    }
    println!(
        "  {:<24} {:>8.1} KiB / {:>7.1} KiB",
        "total",
        kib(raw_total),
        kib(gz_total)
    );
    Ok(())
}

fn kib(n: usize) -> f64 {
    n as f64 / 1024.0
}

/// Builds the native CLI in release mode and returns `target/release/mlpad`.
pub fn cli() -> Result<PathBuf> {
    run(&mut cargo(&[
        "build",
        "-p",
        "mlpad",
        "--bin",
        "mlpad",
        "--release",
    ]))?;
    Ok(root().join("target/release/mlpad"))
}
