//! Helpers shared by the integration tests (`mod common;` in each test file).

use serde_json::Value;
use std::process::Command;

/// All JSON lines of a successful `mlpad run '<link>'`; fails the test with the CLI's
/// stderr otherwise.
pub fn run_cli(link: &str) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_mlpad"))
        .args(["run", link])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{link}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}
