//! Installs what the build and the tests need, when it is missing: the wasm32 target,
//! wasm-bindgen-cli at exactly the version in Cargo.lock (into `target/tools`), Debian's
//! Chromium and chromedriver, and the browser tests' npm packages. Nothing here downloads
//! a browser of its own.

use crate::root;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver (package chromium-driver).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Runs a command, failing with its command line if it cannot start or does not succeed.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

/// Captures stdout of a command, or `None` if it cannot run or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A `cargo` command run in the workspace root.
pub fn cargo(args: &[&str]) -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.args(args).current_dir(root());
    c
}

/// The version of package `name` in a Cargo.lock text, if it is there exactly once.
pub fn locked_version(lock: &str, name: &str) -> Option<String> {
    let mut found = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block.lines().find_map(|l| {
                let v = l.trim().strip_prefix(key)?.trim().strip_prefix('=')?.trim();
                Some(v.trim_matches('"').to_string())
            })
        };
        if field("name").as_deref() == Some(name) {
            found.extend(field("version"));
        }
    }
    (found.len() == 1).then(|| found.remove(0))
}

/// The wasm-bindgen version pinned in Cargo.lock (resolving the lock file first if needed).
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let path = root().join("Cargo.lock");
    let read = || std::fs::read_to_string(&path).unwrap_or_default();
    if let Some(v) = locked_version(&read(), "wasm-bindgen") {
        return Ok(v);
    }
    // `cargo metadata` resolves every platform's dependencies into Cargo.lock without
    // upgrading what is already locked.
    println!("xtask: resolving Cargo.lock (wasm-bindgen is not locked yet)");
    let mut c = cargo(&["metadata", "--format-version", "1"]);
    c.stdout(std::process::Stdio::null());
    run(&mut c)?;
    locked_version(&read(), "wasm-bindgen")
        .context("Cargo.lock has no single wasm-bindgen version, even after `cargo metadata`")
}

/// `target/tools/bin/<name>`.
pub fn tool(name: &str) -> PathBuf {
    root().join("target/tools/bin").join(name)
}

/// The wasm32 target and wasm-bindgen-cli at the Cargo.lock version, in `target/tools`.
pub fn ensure_wasm_tools() -> Result<()> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("xtask: rustup target add wasm32-unknown-unknown");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let want = locked_wasm_bindgen_version()?;
    let have = output(Command::new(tool("wasm-bindgen")).arg("--version")).unwrap_or_default();
    let runner = tool("wasm-bindgen-test-runner").exists();
    if have.split_whitespace().nth(1) != Some(want.as_str()) || !runner {
        println!(
            "xtask: installing wasm-bindgen-cli {want} (the Cargo.lock version) into target/tools; \
             this compiles for a few minutes, once"
        );
        run(cargo(&[
            "install",
            "wasm-bindgen-cli",
            "--locked",
            "--force",
            "--version",
            &want,
        ])
        .arg("--root")
        .arg(root().join("target/tools")))?;
    }
    Ok(())
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0")
}

/// Debian's Chromium and chromedriver, installed with apt when missing and running as root;
/// returns the Chromium path.
pub fn ensure_chromium() -> Result<PathBuf> {
    let missing = [CHROMIUM, CHROMEDRIVER]
        .iter()
        .any(|p| !Path::new(p).exists());
    if missing {
        if !is_root() {
            bail!(
                "Chromium or chromedriver is missing ({CHROMIUM}, {CHROMEDRIVER}). Install Debian's packages:\n  \
                 sudo apt-get update && sudo apt-get install -y chromium chromium-driver"
            );
        }
        println!("xtask: installing Debian's chromium and chromium-driver with apt-get");
        run(Command::new("apt-get")
            .arg("update")
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
        run(Command::new("apt-get")
            .args(["install", "-y", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    Ok(PathBuf::from(CHROMIUM))
}

/// Installs a node package's dependencies (`npm ci`, or `npm install` without a lock file)
/// when `node_modules` is missing or older than package.json / package-lock.json. Browser
/// downloads are always switched off.
pub fn ensure_npm_package(dir: &Path) -> Result<()> {
    if !dir.join("package.json").exists() {
        return Ok(());
    }
    let mtime = |p: PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = mtime(dir.join("node_modules/.package-lock.json"));
    let newest = [dir.join("package.json"), dir.join("package-lock.json")]
        .into_iter()
        .filter_map(mtime)
        .max();
    let stale = match (installed, newest) {
        (Some(i), Some(n)) => n > i,
        _ => true,
    };
    if stale {
        let has_lock = dir.join("package-lock.json").exists();
        let verb = if has_lock { "ci" } else { "install" };
        println!("xtask: npm {verb} in {}", dir.display());
        run(Command::new("npm")
            .args([verb, "--no-audit", "--no-fund"])
            .current_dir(dir)
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .env("PUPPETEER_SKIP_DOWNLOAD", "1"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_locked_version() {
        let lock = "version = 4\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\
                    source = \"registry+https://example\"\n\n[[package]]\nname = \"wasm-bindgen-macro\"\n\
                    version = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version(lock, "js-sys"), None);
    }
}
