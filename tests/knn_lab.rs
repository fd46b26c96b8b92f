//! The knn lab: the CLI's accuracy equals scikit-learn's `KNeighborsClassifier` on the
//! same MNIST images (`tests/fixtures/knn/lab_reference.json`, made by
//! `make_lab_reference.py`), and runs are deterministic and independent of chunking.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{config, dataset, datasets_for, json_file, mlpad, run_cli};
use mlpad::labs::knn::{Knn, KnnConfig, GALLERY_ROWS, SHOWN_NEIGHBORS};
use mlpad::labs::{run_to_end, Budget, Lab, Phase};
use mlpad::schema::FromConfig;
use serde_json::Value;

#[test]
fn cli_matches_sklearn_accuracy() {
    let f = json_file("tests/fixtures/knn/lab_reference.json");
    let cases = f["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let link = case["link"].as_str().unwrap();
        let lines = run_cli(link);
        let last = lines.last().unwrap();
        assert_eq!(last["type"], "summary", "{link}");
        assert_eq!(last["lab"], "knn");
        assert_eq!(last["status"], "finished");
        let report = &last["report"];
        // Exact: the same predictions as scikit-learn, so the same fraction.
        assert_eq!(report["accuracy"], case["accuracy"], "{link}");
        assert_eq!(last["metrics"]["test_accuracy"], case["accuracy"], "{link}");
        assert_eq!(report["accuracy_by_k"], case["accuracy_by_k"], "{link}");
        assert_eq!(report["n_test"], case["n_test"], "{link}");
        assert!(last["seconds"].as_f64().unwrap() > 0.0);
        let heads = case["head_neighbor_indices"].as_array().unwrap();
        assert!(!heads.is_empty());
        for (r, want) in heads.iter().enumerate() {
            assert_eq!(
                report["neighbors"][r]["train_rows"], *want,
                "{link} row {r}"
            );
        }
        let progress: Vec<&Value> = lines.iter().filter(|l| l["type"] == "progress").collect();
        assert_eq!(
            progress.len() + 1,
            lines.len(),
            "progress lines, then the summary"
        );
        let done = progress.last().unwrap();
        assert_eq!(done["done"], true);
        assert_eq!(done["step"], case["n_test"]);
        assert_eq!(done["total"], case["n_test"]);
        assert_eq!(done["samples"], case["n_test"]);
        // The confusion matrix agrees with the accuracy.
        let cm = report["confusion_matrix"].as_array().unwrap();
        let diag: u64 = (0..10).map(|i| cm[i][i].as_u64().unwrap()).sum();
        let n = case["n_test"].as_u64().unwrap();
        assert_eq!(diag as f64 / n as f64, case["accuracy"].as_f64().unwrap());
    }
}

#[test]
fn run_is_deterministic_and_chunking_does_not_matter() {
    let link =
        "#lab=knn&n_samples=1200&test_size=0.25&random_state=3&n_neighbors=5&weights=distance";
    let config = config(link);
    let data = datasets_for(&config);
    let mut a = Knn::new(KnnConfig::from_config(&config), &data).unwrap();
    assert_eq!(a.report(), None, "no report before prediction");
    let mut steps = Vec::new();
    loop {
        let p = a.step(&mut Budget::units(1));
        assert_eq!(p.phase, Phase::Classify);
        assert!(p.step <= p.total && p.total == 300);
        assert_eq!(
            p.pictures.is_empty(),
            !p.done,
            "pictures come with the report"
        );
        if !p.done {
            assert_eq!(a.report(), None);
        }
        steps.push(p);
        if steps.last().unwrap().done {
            break;
        }
    }
    assert!(
        steps.len() > 1,
        "one unit is a block of rows, not all of them"
    );
    assert!(steps.windows(2).all(|w| w[0].step < w[1].step));
    let mut b = Knn::new(KnnConfig::from_config(&config), &data).unwrap();
    let all = b.step(&mut Budget::units(1000));
    assert!(all.done, "one step with budget for every block");
    let (ra, rb) = (a.report().unwrap(), b.report().unwrap());
    assert_eq!(ra, rb);
    assert_eq!(steps.last().unwrap().pictures, all.pictures);
    let (_, summary) = run_to_end(&config, &data, 3).unwrap();
    assert_eq!(summary.report, serde_json::to_value(ra).unwrap());
    assert_eq!(summary.metrics["test_accuracy"], ra.accuracy);

    assert_eq!((ra.n_train, ra.n_test), (900, 300));
    assert_eq!(ra.accuracy, ra.accuracy_by_k[4], "n_neighbors=5");
    assert_eq!(ra.accuracy_by_k.len(), 15);
    let mnist = dataset("mnist");
    let label = |image: usize| i64::from(mnist.train.labels[image]);
    assert_eq!(ra.neighbors.len(), SHOWN_NEIGHBORS);
    for (r, nb) in ra.neighbors.iter().enumerate() {
        assert_eq!(nb.test_row, r);
        assert_eq!(nb.train_rows.len(), 5);
        assert!(nb.distances.windows(2).all(|w| w[0] <= w[1]));
        // Rows map to the MNIST file's images, whose labels are the ones shown.
        assert_eq!(nb.label, label(nb.image));
        let labels: Vec<i64> = nb.images.iter().map(|&i| label(i)).collect();
        assert_eq!(nb.labels, labels);
        assert!(nb.images.iter().all(|&i| i < 1200 && i != nb.image));
    }
    // The gallery lists mistakes first, as many as there are (up to its size).
    let mistakes = ra.n_test
        - (0..10)
            .map(|i| ra.confusion_matrix[i][i] as usize)
            .sum::<usize>();
    assert!(mistakes > 0);
    let shown_wrong = ra.gallery.iter().filter(|g| g.predicted != g.label).count();
    assert_eq!(ra.gallery.len(), GALLERY_ROWS);
    assert_eq!(shown_wrong, mistakes.min(GALLERY_ROWS));
    assert!(ra.gallery[..shown_wrong]
        .iter()
        .all(|g| g.predicted != g.label));
    // Its pictures are those rows' images and their neighbours', each once.
    let mut keys: Vec<String> = ra
        .gallery
        .iter()
        .flat_map(|g| std::iter::once(g.image).chain(g.images.iter().copied()))
        .map(|i| format!("train/{i}"))
        .collect();
    keys.sort();
    keys.dedup();
    let mut got: Vec<String> = all.pictures.iter().map(|p| p.key.clone()).collect();
    got.sort();
    assert_eq!(got, keys);
}

#[test]
fn bad_knn_link_exits_2() {
    let out = mlpad(&["run", "#lab=knn&n_neighbors=40&metric=cosine"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no run starts");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("n_neighbors=40 is out of range: allowed is a whole number from 1 to 15"),
        "{err}"
    );
    assert!(err.contains("metric=cosine is not a known choice"), "{err}");
}
