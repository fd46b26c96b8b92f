//! `cargo xtask bench`: mlpad's workloads natively, as wasm in headless Chromium, and beside
//! peers run in the same session (TensorFlow.js on each backend, scikit-learn for KNN),
//! printed as one table and written to `target/bench.json`.
//!
//! Every runtime reports one JSON object per workload:
//! `{"workload", "runtime", "median", "min", "max", "unit", "samples", "error"?}`.
//! Native rows come from `mlpad bench` (which also gives `flops_per_unit`), browser rows from
//! `bench/run.mjs` (its `PAGES` list: mlpad's page and the TensorFlow.js pages), and the
//! scikit-learn row from `bench/sklearn_knn.py` when Python has scikit-learn.

use crate::tools;
use crate::{build, root, serve};
use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::process::Command;

/// The runtime every ratio is taken against: mlpad in the browser.
const MLPAD_WASM: &str = "mlpad wasm";

/// Parses every JSON-object line of a tool's stdout.
fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| l.trim_start().starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Runs the native CLI's benchmarks (every workload, one thread).
fn native(cli: &std::path::Path) -> Result<Vec<Value>> {
    println!("xtask: native: {} bench all --repeats 5", cli.display());
    let out = Command::new(cli)
        .args(["bench", "all", "--repeats", "5"])
        .current_dir(root())
        .output()
        .context("running the native CLI")?;
    if !out.status.success() {
        bail!(
            "native bench failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(json_lines(&out.stdout))
}

/// Runs bench/run.mjs (one headless Chromium: mlpad's page and the TensorFlow.js pages).
fn browser() -> Result<Vec<Value>> {
    let bench = root().join("bench");
    tools::ensure_npm_package(&bench)?;
    let server = serve::start(0)?;
    println!(
        "xtask: browser: node bench/run.mjs against {}",
        server.url()
    );
    let out = Command::new("node")
        .arg(bench.join("run.mjs"))
        .current_dir(root())
        .env("MLPAD_URL", server.url())
        .env("CHROMIUM", tools::CHROMIUM)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("running node bench/run.mjs")?;
    if !out.status.success() {
        bail!("browser bench failed (see its messages above)");
    }
    Ok(json_lines(&out.stdout))
}

/// Runs scikit-learn's KNN beside ours when Python has it; otherwise says why not.
fn sklearn() -> Vec<Value> {
    let script = root().join("bench/sklearn_knn.py");
    println!("xtask: scikit-learn: python3 {}", script.display());
    match Command::new("python3")
        .arg(&script)
        .current_dir(root())
        .stderr(std::process::Stdio::inherit())
        .output()
    {
        Ok(out) if out.status.success() => json_lines(&out.stdout),
        Ok(out) => {
            println!(
                "xtask: note: no scikit-learn rows (bench/sklearn_knn.py exited with {})",
                out.status
            );
            Vec::new()
        }
        Err(e) => {
            println!("xtask: note: no scikit-learn rows (python3: {e})");
            Vec::new()
        }
    }
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v[key].as_f64().filter(|x| x.is_finite())
}

fn median_of(rows: &[Value], workload: &str, runtime_prefix: &str) -> Option<f64> {
    rows.iter()
        .find(|r| {
            r["workload"] == workload
                && r["runtime"]
                    .as_str()
                    .is_some_and(|s| s.starts_with(runtime_prefix))
        })
        .and_then(|r| num(r, "median"))
}

/// Adds to each row `gflops` (its median times the workload's FLOPs per unit, which the
/// native run reports; every runtime runs the same model) and `wasm_over_this` (mlpad
/// wasm's median over this row's: above 1 means mlpad in the browser is faster).
fn annotate(rows: &mut [Value]) {
    let snapshot = rows.to_vec();
    for r in rows.iter_mut() {
        let workload = r["workload"].as_str().unwrap_or("?").to_string();
        let flops = snapshot
            .iter()
            .find(|n| n["workload"] == workload.as_str() && num(n, "flops_per_unit").is_some())
            .and_then(|n| num(n, "flops_per_unit"));
        let median = num(r, "median");
        r["gflops"] = json!(median.zip(flops).map(|(m, f)| m * f * 1e-9));
        // Only rates compare as "faster": a memory row is a size.
        let rate = r["unit"].as_str().is_some_and(|u| u.ends_with("/s"));
        let wasm = median_of(&snapshot, &workload, MLPAD_WASM).filter(|_| rate);
        r["wasm_over_this"] = json!(wasm.zip(median).map(|(w, m)| w / m));
    }
}

fn cell(v: Option<f64>) -> String {
    match v {
        Some(x) if x >= 100.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.2}"),
        None => "-".into(),
    }
}

/// Renders the table, grouped by workload in first-seen order.
fn table(rows: &[Value]) -> String {
    let mut out = format!(
        "{:<22} {:<38} {:>9} {:>9} {:>9} {:<10} {:>7} {:>10}\n",
        "workload", "runtime", "median", "min", "max", "unit", "GFLOP/s", "wasm÷this"
    );
    let mut order: Vec<&str> = Vec::new();
    for r in rows {
        let w = r["workload"].as_str().unwrap_or("?");
        if !order.contains(&w) {
            order.push(w);
        }
    }
    for w in order {
        for r in rows.iter().filter(|r| r["workload"] == w) {
            let runtime = r["runtime"].as_str().unwrap_or("?");
            if let Some(e) = r["error"].as_str() {
                out += &format!("{w:<22} {runtime:<38} failed: {e}\n");
                continue;
            }
            out += &format!(
                "{:<22} {:<38} {:>9} {:>9} {:>9} {:<10} {:>7} {:>10}\n",
                w,
                runtime,
                cell(num(r, "median")),
                cell(num(r, "min")),
                cell(num(r, "max")),
                r["unit"].as_str().unwrap_or(""),
                cell(num(r, "gflops")),
                num(r, "wasm_over_this").map_or("-".into(), |x| format!("{x:.2}x")),
            );
        }
    }
    out
}

/// The headline figures: CNN training against the machine's SIMD peak in the browser.
fn summary(rows: &[Value]) -> String {
    let peak = median_of(rows, "simd_peak", MLPAD_WASM);
    let cnn = rows.iter().find(|r| {
        r["workload"] == "cnn_train_b32"
            && r["runtime"]
                .as_str()
                .is_some_and(|s| s.starts_with(MLPAD_WASM))
    });
    let (Some(peak), Some(cnn)) = (peak, cnn) else {
        return String::new();
    };
    let (Some(gflops), Some(rate)) = (num(cnn, "gflops"), num(cnn, "median")) else {
        return String::new();
    };
    let limit = rate * peak / gflops;
    format!(
        "CNN training in the browser: {rate:.0} images/s = {gflops:.1} GFLOP/s, {:.0}% of the \
         wasm SIMD peak ({peak:.1} GFLOP/s, single-thread limit {limit:.0} images/s)\n",
        100.0 * gflops / peak
    )
}

/// `cargo xtask bench`.
pub fn run_all() -> Result<()> {
    tools::ensure_wasm_tools()?;
    tools::ensure_chromium()?;
    build::wasm()?;
    let cli = build::cli()?;
    let mut rows = native(&cli)?;
    rows.extend(browser()?);
    rows.extend(sklearn());
    if rows.is_empty() {
        bail!("no benchmark results");
    }
    annotate(&mut rows);
    print!("\n{}\n{}", table(&rows), summary(&rows));
    let path = root().join("target/bench.json");
    std::fs::write(&path, serde_json::to_string_pretty(&rows)? + "\n")?;
    println!(
        "(rates: higher is better, and wasm÷this above 1 means mlpad in the browser is faster; \
         memory rows: wasm memory after the first and last epoch of a CNN run; written to {})",
        path.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_and_gflops_use_the_same_workload() {
        let lines = br#"noise
{"workload":"cnn_train_b32","runtime":"mlpad native","median":1000,"min":900,"max":1100,"unit":"images/s","flops_per_unit":2e6}
{"workload":"cnn_train_b32","runtime":"mlpad wasm (Chromium 1)","median":500,"min":400,"max":600,"unit":"images/s"}
{"workload":"cnn_train_b32","runtime":"tfjs-cpu","median":5,"min":4,"max":6,"unit":"images/s"}
{"workload":"cnn_train_b32","runtime":"tfjs-wasm","error":"Kernel 'Conv2DBackpropFilter' not registered"}
{"workload":"simd_peak","runtime":"mlpad wasm (Chromium 1)","median":4,"min":4,"max":4,"unit":"GFLOP/s"}
{"workload":"other","runtime":"x","median":1,"min":1,"max":1,"unit":"images/s"}
{"workload":"wasm_memory_epoch1","runtime":"mlpad wasm (Chromium 1)","median":108,"min":108,"max":108,"unit":"MiB"}"#;
        let mut rows = json_lines(lines);
        assert_eq!(rows.len(), 7);
        annotate(&mut rows);
        assert_eq!(rows[0]["wasm_over_this"], 0.5);
        assert_eq!(rows[2]["wasm_over_this"], 100.0);
        assert_eq!(rows[1]["gflops"], 1.0);
        assert!(rows[5]["wasm_over_this"].is_null() && rows[5]["gflops"].is_null());
        assert!(rows[6]["wasm_over_this"].is_null(), "a size is not a speed");
        let t = table(&rows);
        assert!(t.contains("100.00x") && t.contains("failed: Kernel"), "{t}");
        assert_eq!(t.lines().count(), 8, "{t}");
        let s = summary(&rows);
        assert!(
            s.contains("25% of the wasm SIMD peak") && s.contains("limit 2000"),
            "{s}"
        );
    }
}
