//! The native CLI: a link in, JSON lines out. Its summary is the library's for the same
//! link and the recorded one where the golden table has the link; its progress lines
//! advance; a diverging run exits 1 saying where; a bad link exits 2 naming the keys.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{config, datasets_for, json_file, json_lines, mlpad, run_cli};
use mlpad::labs::{run_to_end, Status};
use serde_json::Value;

/// The golden table's entry for a link (recorded with the CLI before the labs moved to one
/// protocol).
fn golden(link: &str) -> Value {
    let table = json_file("tests/golden/links.json");
    table["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["link"] == link)
        .unwrap_or_else(|| panic!("{link} is in the golden table"))
        .clone()
}

/// Asserts the CLI's summary line is the library's summary for the same link, run to the
/// end in steps of a fixed size rather than the CLI's clock; returns that summary and the
/// losses of every step the library reported (where the lab trains).
fn assert_summary_is_the_librarys(link: &str, cli: &Value) -> (Value, Vec<Value>) {
    let c = config(link);
    let (steps, summary) = run_to_end(&c, &datasets_for(&c), 7).unwrap();
    let losses = steps
        .iter()
        .filter_map(|p| p.payload.get("losses")?.as_array().cloned())
        .flatten()
        .collect();
    let lib = serde_json::to_value(&summary).unwrap();
    assert_eq!(cli["type"], "summary", "{link}");
    for key in [
        "lab",
        "link",
        "status",
        "stopped",
        "metrics",
        "weights_sha256",
        "param_count",
        "report",
    ] {
        assert_eq!(cli.get(key), lib.get(key), "{link}: {key}");
    }
    (lib, losses)
}

/// Asserts the recorded summary's values are today's: each old key is now in the report,
/// the headline metrics or the summary itself.
fn assert_matches_golden(link: &str, summary: &Value) {
    let old = &golden(link)["summary"];
    let old = old.as_object().unwrap();
    assert!(old.len() > 3, "{link}: a recorded summary");
    for (key, want) in old {
        if key == "lab" || key == "seed" {
            continue; // where the run came from
        }
        if key == "link" && summary["lab"] == "metrics" {
            continue; // it listed a model evaluation's keys, which moved to another lab
        }
        let got = [&summary["report"], &summary["metrics"], summary]
            .into_iter()
            .find_map(|place| place.get(key));
        assert_eq!(got, Some(want), "{link}: recorded {key}");
    }
}

#[test]
fn a_training_run_prints_advancing_progress_and_the_recorded_summary() {
    let link = "#lab=cnn&seed=7&epochs=2&batch_size=50&learning_rate=0.002&train_size=600&dataset=fashion_mnist";
    // A full URL, as copied from the page.
    let lines = run_cli(&format!("http://127.0.0.1:8080/{link}"));
    let (summary, progress) = lines.split_last().unwrap();
    let (lib, lib_losses) = assert_summary_is_the_librarys(link, summary);
    assert_matches_golden(link, summary);
    assert_eq!(summary["status"], "finished");

    // Progress: one line per step, the step count and share done never going back, the
    // samples growing, and only the last line done, at the end of the work.
    assert!(progress.len() >= 2, "{} lines", progress.len());
    let (mut step, mut fraction, mut samples) = (0, 0.0, 0);
    for (i, p) in progress.iter().enumerate() {
        assert_eq!(p["type"], "progress");
        assert_eq!(p["phase"], "train");
        assert!(p.get("pictures").is_none(), "pictures stay in the library");
        let (s, f, n) = (
            p["step"].as_u64().unwrap(),
            p["fraction"].as_f64().unwrap(),
            p["samples"].as_u64().unwrap(),
        );
        assert!(s > step && f > fraction && n > samples, "line {i}: {p}");
        assert_eq!(p["done"], i + 1 == progress.len(), "line {i}");
        (step, fraction, samples) = (s, f, n);
    }
    let total = 2 * 600_u64.div_ceil(50);
    assert_eq!((step, fraction, samples), (total, 1.0, 2 * 600));
    assert!(progress.iter().all(|p| p["total"] == total));
    // Every step's loss is printed once, in order: the same losses however the steps
    // were cut, and each epoch's end comes with its record.
    let losses: Vec<Value> = progress
        .iter()
        .flat_map(|p| p["payload"]["losses"].as_array().unwrap().clone())
        .collect();
    assert_eq!(losses.len() as u64, total);
    assert_eq!(losses, lib_losses);
    let ends: Vec<&Value> = progress
        .iter()
        .map(|p| &p["payload"]["epoch_end"])
        .filter(|e| !e.is_null())
        .collect();
    let records: Vec<&Value> = lib["report"]["epochs"].as_array().unwrap().iter().collect();
    assert_eq!(ends, records);
    let recorded = golden(link)["epochs"].as_array().unwrap().clone();
    assert_eq!(records.len(), recorded.len());
    for (got, want) in records.iter().zip(&recorded) {
        for key in ["epoch", "test_accuracy", "test_loss"] {
            assert_eq!(got[key], want[key], "epoch {}: {key}", want["epoch"]);
        }
    }

    // Time: measured, and split between setup and training.
    let seconds = summary["seconds"].as_f64().unwrap();
    let phases = summary["phase_seconds"].as_object().unwrap();
    let spent: f64 = phases.values().map(|v| v.as_f64().unwrap()).sum();
    assert!(phases["train"].as_f64().unwrap() > 0.0);
    assert!(spent > 0.0 && spent <= seconds, "{spent} of {seconds}");
    let speed = summary["samples_per_second"].as_f64().unwrap();
    assert!((speed - samples as f64 / seconds).abs() <= 1e-9 * speed);
}

#[test]
fn other_labs_print_the_librarys_summary() {
    for (link, recorded) in [
        ("#lab=metrics", true),
        ("#lab=knn&n_samples=2000&n_neighbors=5", true),
        (
            "#lab=evaluate&model=knn&train_size=700&weights=distance&positive_class=4",
            false,
        ),
    ] {
        let lines = run_cli(link);
        let summary = lines.last().unwrap();
        assert_summary_is_the_librarys(link, summary);
        assert_eq!(summary["status"], "finished");
        let done = &lines[lines.len() - 2];
        assert_eq!(
            (&done["done"], &done["fraction"]),
            (&Value::from(true), &Value::from(1.0))
        );
        if recorded {
            assert_matches_golden(link, summary);
        }
    }
}

#[test]
fn a_diverging_run_exits_1_saying_where() {
    let link = "#lab=gradients&seed=1&learning_rate=10&kernel_initializer=random_normal&init_stddev=1&depth=10&train_size=500";
    let out = mlpad(&["run", link]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    let (summary, progress) = lines.split_last().unwrap();
    let (lib, _) = assert_summary_is_the_librarys(link, summary);
    assert_eq!(
        lib["status"],
        serde_json::to_value(Status::Diverged).unwrap()
    );
    assert_eq!(summary["status"], "diverged");
    let message = summary["stopped"]["message"].as_str().unwrap();
    assert_eq!(summary["stopped"]["reason"], "diverged");
    // The message the golden table recorded for this link, naming the step and the layer.
    assert_eq!(message, golden(link)["error"].as_str().unwrap());
    let last = progress.last().unwrap();
    assert!(
        message.contains(&format!("diverged at step {}", last["step"]))
            && message.contains("in layer 11 (dense_10"),
        "{message}"
    );
    assert!(summary["stopped"]["message_zh"]
        .as_str()
        .unwrap()
        .contains("第 11 层"));
    assert_eq!(last["done"], true);
    assert_eq!(last["stopped"], summary["stopped"]);
    assert!(last["fraction"].as_f64().unwrap() < 1.0, "stopped early");
    assert!(progress[..progress.len() - 1]
        .iter()
        .all(|p| p["stopped"].is_null()));
    assert!(
        summary["metrics"].as_object().unwrap().is_empty(),
        "no epoch ended"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(message), "{err}");
}

#[test]
fn bad_links_and_commands_exit_2_naming_the_problem() {
    let out = mlpad(&["run", "#lab=cnn&epochs=999&batch_size=abc&colour=red"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing runs");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("epochs=999 is out of range: allowed is a whole number from 1 to 20"),
        "{err}"
    );
    assert!(err.contains("batch_size=abc"), "{err}");
    assert!(
        err.contains("colour is not a setting of the cnn lab"),
        "{err}"
    );
    let err = String::from_utf8(mlpad(&["run", "#lab=cnnn"]).stderr).unwrap();
    assert!(err.contains("lab=cnnn is not a known lab"), "{err}");
    for args in [&["frobnicate"][..], &["run"], &[]] {
        let out = mlpad(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8(out.stderr).unwrap().contains("usage:"),
            "{args:?}"
        );
    }
}
