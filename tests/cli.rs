//! The native CLI: a link in, JSON lines out; a bad link exits non-zero with the page's
//! message.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn mlpad(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mlpad"))
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn run_prints_progress_and_a_summary() {
    let out = mlpad(&[
        "run",
        "http://127.0.0.1:8080/#lab=cnn&seed=5&epochs=1&batch_size=64&train_size=256",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert!(lines.len() >= 2);
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["lab"], "cnn");
    assert_eq!(last["seed"], 5);
    let acc = last["test_accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&acc));
    assert!(last["images_per_second"].as_f64().unwrap() > 0.0);
    assert_eq!(last["weights_sha256"].as_str().unwrap().len(), 64);
    assert!(lines.iter().any(|l| l["type"] == "epoch"));
}

#[test]
fn bad_link_exits_nonzero_with_the_key_named() {
    let out = mlpad(&["run", "#lab=cnn&epochs=999&batch_size=abc"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("epochs=999 is out of range: allowed is a whole number from 1 to 20"),
        "{err}"
    );
    assert!(err.contains("batch_size=abc"), "{err}");
    assert!(mlpad(&["frobnicate"]).status.code() == Some(2));
}
