//! Every golden link (tests/golden/links.json, recorded with the CLI before the labs moved
//! to one protocol) still gives the same numbers and weights, bit for bit, through the
//! protocol natively; tests/e2e/golden_wasm.test.mjs checks the wasm build the same way.
#![cfg(not(target_arch = "wasm32"))]

use mlpad::data::dataset::bundled_dir;
use mlpad::data::Dataset;
use mlpad::labs::{run_to_end, Assets, Status, REGISTRY};
use serde_json::Value;
use std::rc::Rc;

fn golden() -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/links.json");
    let table: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    table["links"].as_array().unwrap().clone()
}

/// A recorded value's place in today's summary: the lab's report first, then the headline
/// metrics, then the summary itself.
fn lookup<'a>(summary: &'a Value, key: &str) -> Option<&'a Value> {
    [&summary["report"], &summary["metrics"], summary]
        .into_iter()
        .find_map(|place| place.get(key))
}

/// The differences between a recorded summary and today's (empty when they agree).
fn differences(old: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (key, want) in old.as_object().unwrap() {
        match key.as_str() {
            // Where the run came from, not what it gave (the link is checked apart).
            "lab" | "link" | "seed" => continue,
            // The recorded one-vs-rest view had its curves as point counts.
            "one_vs_rest" => {
                let got = &new["report"]["one_vs_rest"];
                for (k, w) in want.as_object().unwrap() {
                    let g = match k.as_str() {
                        "roc_points" => {
                            Value::from(got["roc_curve"]["fpr"].as_array().map_or(0, Vec::len))
                        }
                        "pr_points" => {
                            Value::from(got["pr_curve"]["precision"].as_array().map_or(0, Vec::len))
                        }
                        _ => got[k].clone(),
                    };
                    if &g != w {
                        out.push(format!("one_vs_rest.{k}: recorded {w}, now {g}"));
                    }
                }
            }
            _ => match lookup(new, key) {
                Some(got) if got == want => {}
                got => out.push(format!("{key}: recorded {want}, now {got:?}")),
            },
        }
    }
    out
}

/// Recorded figures a lab no longer reports, on purpose: the augmentation lab printed the
/// sparsity of its first kernel only because the old shared trainer bundled it with the
/// training accuracy; no view showed it, and it belongs to the regularization lab.
const RETIRED: [(&str, &str); 1] = [("augmentation", "near_zero")];

#[test]
fn golden_links_replay_bit_for_bit() {
    let mut data = Assets::new();
    for name in ["mnist", "fashion_mnist"] {
        data.insert(Rc::new(Dataset::load_dir(name, &bundled_dir()).unwrap()));
    }
    let mut failures = Vec::new();
    for (i, entry) in golden().iter().enumerate() {
        let link = entry["link"].as_str().unwrap();
        let parsed = REGISTRY.parse_strict(link).unwrap();
        // Odd chunk sizes, different per link: results must not depend on them.
        let (steps, summary) = run_to_end(&parsed.config, &data, 3 + 4 * i).unwrap();
        assert!(steps.last().unwrap().done);
        let new = serde_json::to_value(&summary).unwrap();
        if let Some(message) = entry.get("error") {
            assert_eq!(summary.status, Status::Diverged, "{link}");
            assert_eq!(
                summary.stopped.as_ref().unwrap().message,
                message.as_str().unwrap(),
                "{link}"
            );
            continue;
        }
        assert_eq!(summary.status, Status::Finished, "{link}");
        let old = &entry["summary"];
        // The link the page showed then still opens, without a complaint.
        let reopened = REGISTRY.parse(old["link"].as_str().unwrap());
        assert!(
            reopened.errors.is_empty(),
            "{}: {:?}",
            old["link"],
            reopened.errors
        );
        assert!(reopened.config.same_run(&parsed.config), "{}", old["link"]);
        if old["lab"] == new["lab"] && old["lab"] != "metrics" {
            assert_eq!(new["link"], old["link"], "{link}: canonical link");
        }
        let mut diffs = differences(old, &new);
        if let Some(epochs) = entry.get("epochs") {
            let records = new["report"]["epochs"].as_array().unwrap();
            assert_eq!(records.len(), epochs.as_array().unwrap().len(), "{link}");
            for (want, got) in epochs.as_array().unwrap().iter().zip(records) {
                for (k, w) in want.as_object().unwrap() {
                    if RETIRED.contains(&(parsed.lab, k.as_str())) {
                        continue;
                    }
                    if got.get(k).unwrap_or(&Value::Null) != w {
                        diffs.push(format!(
                            "epoch {}: {k} recorded {w}, now {:?}",
                            want["epoch"],
                            got.get(k)
                        ));
                    }
                }
            }
        }
        if !diffs.is_empty() {
            failures.push(format!("{link}\n  {}", diffs.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "golden links changed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn old_model_evaluation_links_open_the_evaluate_lab_once_noted() {
    let p = REGISTRY.parse("#lab=metrics&model=cnn&y_true=1,0&train_size=300&threshold=0.4");
    assert_eq!(p.lab, "evaluate");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.notes.len(), 1);
    assert!(p.notes[0].en.contains("Evaluate"), "{:?}", p.notes);
    assert_eq!(p.config.count("train_size"), 300);
    assert_eq!(p.config.float("threshold"), 0.4);
    // The canonical link is the new lab's, so it parses without a note.
    assert!(REGISTRY.parse(&p.canonical).notes.is_empty());
    // A model the old lab never had is still named as an error.
    let bad = REGISTRY.parse("#lab=metrics&model=svm");
    assert_eq!(bad.lab, "evaluate");
    assert_eq!(bad.errors[0].key, "model");
}
