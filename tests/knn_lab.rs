//! The knn lab: the CLI's accuracy equals scikit-learn's `KNeighborsClassifier` on the
//! same MNIST images (`tests/fixtures/knn/lab_reference.json`, made by
//! `make_lab_reference.py`), and runs are deterministic and independent of chunking.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::run_cli;
use mlpad::data::dataset::bundled_dir;
use mlpad::data::Dataset;
use mlpad::labs::knn::KnnRun;
use mlpad::link;
use serde_json::Value;
use std::process::Command;

fn reference() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/knn/lab_reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture exists"))
        .expect("fixture is JSON")
}

#[test]
fn cli_matches_sklearn_accuracy() {
    let f = reference();
    for case in f["cases"].as_array().unwrap() {
        let link = case["link"].as_str().unwrap();
        let lines = run_cli(link);
        let last = lines.last().unwrap();
        assert_eq!(last["type"], "summary", "{link}");
        assert_eq!(last["lab"], "knn");
        // Exact: the same predictions as scikit-learn, so the same fraction.
        assert_eq!(last["accuracy"], case["accuracy"], "{link}");
        assert_eq!(last["accuracy_by_k"], case["accuracy_by_k"], "{link}");
        assert_eq!(last["n_test"], case["n_test"], "{link}");
        assert!(last["seconds"].as_f64().unwrap() > 0.0);
        for (r, want) in case["head_neighbor_indices"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            assert_eq!(last["neighbors"][r]["train_rows"], *want, "{link} row {r}");
        }
        let progress: Vec<&Value> = lines.iter().filter(|l| l["type"] == "progress").collect();
        assert!(!progress.is_empty());
        let done = progress.last().unwrap();
        assert_eq!(done["done_rows"], case["n_test"]);
        assert_eq!(done["total_rows"], case["n_test"]);
        // The confusion matrix agrees with the accuracy.
        let cm = last["confusion_matrix"].as_array().unwrap();
        let diag: u64 = (0..10).map(|i| cm[i][i].as_u64().unwrap()).sum();
        let n = case["n_test"].as_u64().unwrap();
        assert_eq!(diag as f64 / n as f64, case["accuracy"].as_f64().unwrap());
    }
}

#[test]
fn run_is_deterministic_and_chunking_does_not_matter() {
    let data = Dataset::load_dir("mnist", &bundled_dir()).expect("bundled MNIST");
    let link_text =
        "#lab=knn&n_samples=1200&test_size=0.25&random_state=3&n_neighbors=5&weights=distance";
    let config = link::parse_strict(link_text).unwrap().config;
    let mut a = KnnRun::new(&config, &data).unwrap();
    assert_eq!(a.report(), None, "no report before prediction");
    let mut chunks = 0;
    loop {
        let p = a.step(37);
        chunks += 1;
        assert!(p.done_rows <= p.total_rows);
        if p.done {
            break;
        }
    }
    assert_eq!(chunks, 300usize.div_ceil(37));
    let mut b = KnnRun::new(&config, &data).unwrap();
    assert!(b.finish().done);
    let (ra, rb) = (a.report().unwrap(), b.report().unwrap());
    assert_eq!(ra, rb);
    assert_eq!(ra.n_test, 300);
    assert_eq!(ra.accuracy, ra.accuracy_by_k[4]);
    assert_eq!(ra.neighbors.len(), 5);
    for nb in &ra.neighbors {
        assert_eq!(nb.train_rows.len(), 5);
        assert!(nb.distances.windows(2).all(|w| w[0] <= w[1]));
    }
}

#[test]
fn bad_knn_link_exits_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_mlpad"))
        .args(["run", "#lab=knn&n_neighbors=40&metric=cosine"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("n_neighbors=40 is out of range: allowed is a whole number from 1 to 15"),
        "{err}"
    );
    assert!(err.contains("metric=cosine is not a known choice"), "{err}");
}
