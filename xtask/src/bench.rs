//! `cargo xtask bench`: CNN training throughput natively and as wasm in headless Chromium,
//! printed as one table and written to `target/bench.json`.
//!
//! Each runtime reports one JSON object per workload:
//! `{"workload", "runtime", "median", "min", "max", "unit"}`. The browser side is
//! `bench/run.mjs`, which opens one page per entry of its `PAGES` list; peers such as
//! TensorFlow.js are added there as new pages (with their npm packages in `bench/package.json`).

use crate::tools;
use crate::{build, root, serve};
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::process::Command;

/// Parses every JSON-object line of a tool's stdout.
fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| l.trim_start().starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Runs the native CLI's benchmark.
fn native(cli: &std::path::Path) -> Result<Vec<Value>> {
    println!("xtask: native: {} bench cnn --repeats 5", cli.display());
    let out = Command::new(cli)
        .args(["bench", "cnn", "--repeats", "5"])
        .current_dir(root())
        .output()
        .context("running the native CLI")?;
    if !out.status.success() {
        bail!(
            "native bench failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut rows = json_lines(&out.stdout);
    for r in &mut rows {
        if let Some(o) = r.as_object_mut() {
            o.entry("runtime").or_insert_with(|| "native".into());
        }
    }
    Ok(rows)
}

/// Runs bench/run.mjs (headless Chromium) against a fresh static server.
fn browser() -> Result<Vec<Value>> {
    let bench = root().join("bench");
    tools::ensure_npm_package(&bench)?;
    let server = serve::start(0)?;
    println!("xtask: wasm: node bench/run.mjs against {}", server.url());
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

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

/// Adds `ratio_vs_native` (median over the native median of the same workload) to each row
/// and renders the table.
fn table(rows: &mut [Value]) -> String {
    let natives: Vec<(String, f64)> = rows
        .iter()
        .filter(|r| r["runtime"] == "native")
        .map(|r| {
            (
                r["workload"].as_str().unwrap_or("?").to_string(),
                num(r, "median"),
            )
        })
        .collect();
    let mut out = format!(
        "{:<16} {:<28} {:>10} {:>10} {:>10} {:>10}\n",
        "workload", "runtime", "median", "min", "max", "vs native"
    );
    for r in rows.iter_mut() {
        let workload = r["workload"].as_str().unwrap_or("?").to_string();
        let base = natives
            .iter()
            .find(|(w, _)| *w == workload)
            .map(|(_, m)| *m);
        let ratio = base.map(|b| num(r, "median") / b).filter(|x| x.is_finite());
        r["ratio_vs_native"] = serde_json::json!(ratio);
        out += &format!(
            "{:<16} {:<28} {:>10.1} {:>10.1} {:>10.1} {:>10}\n",
            workload,
            r["runtime"].as_str().unwrap_or("?"),
            num(r, "median"),
            num(r, "min"),
            num(r, "max"),
            ratio.map_or("-".to_string(), |x| format!("{x:.2}x")),
        );
    }
    out
}

/// `cargo xtask bench`.
pub fn run_all() -> Result<()> {
    tools::ensure_wasm_tools()?;
    tools::ensure_chromium()?;
    build::wasm()?;
    let cli = build::cli()?;
    let mut rows = native(&cli)?;
    rows.extend(browser()?);
    if rows.is_empty() {
        bail!("no benchmark results");
    }
    print!("\n{}", table(&mut rows));
    let path = root().join("target/bench.json");
    std::fs::write(&path, serde_json::to_string_pretty(&rows)? + "\n")?;
    println!(
        "(images/s, higher is better; written to {})",
        path.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_against_the_same_workload_natively() {
        let lines = br#"noise
{"workload":"cnn_train_b32","runtime":"native","median":1000,"min":900,"max":1100,"unit":"images/s"}
{"workload":"cnn_train_b32","runtime":"wasm (Chromium 1)","median":500,"min":400,"max":600,"unit":"images/s"}
{"workload":"other","runtime":"wasm","median":1,"min":1,"max":1,"unit":"images/s"}"#;
        let mut rows = json_lines(lines);
        assert_eq!(rows.len(), 3);
        let t = table(&mut rows);
        assert_eq!(rows[0]["ratio_vs_native"], 1.0);
        assert_eq!(rows[1]["ratio_vs_native"], 0.5);
        assert!(rows[2]["ratio_vs_native"].is_null());
        assert!(t.contains("0.50x") && t.lines().count() == 4, "{t}");
    }
}
