//! scikit-learn parity for `split` and `knn`: the fixtures in `tests/fixtures/knn/` were
//! made by `make_fixtures.py` (numpy/scikit-learn versions recorded inside) and every
//! comparison here is exact.
#![cfg(not(target_arch = "wasm32"))]

use mlpad::data::dataset::bundled_dir;
use mlpad::data::Dataset;
use mlpad::knn::{KNeighborsClassifier, Metric, Weights};
use mlpad::split::{train_test_split, Mt19937, TestSize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::Instant;

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/knn")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture exists"))
        .expect("fixture is JSON")
}

fn sha_u32(v: &[usize]) -> String {
    let mut h = Sha256::new();
    for &i in v {
        h.update((i as u32).to_le_bytes());
    }
    format!("{:x}", h.finalize())
}

fn ints(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn mnist() -> Dataset {
    Dataset::load_dir("mnist", &bundled_dir()).expect("bundled MNIST decodes")
}

#[test]
fn mt19937_raw_outputs_match_numpy() {
    let f = fixture("split.json");
    for (seed, want) in f["mt19937_every_7th_of_700"].as_object().unwrap() {
        let mut r = Mt19937::new(seed.parse().unwrap());
        let all: Vec<u64> = (0..700).map(|_| r.next_u32() as u64).collect();
        let got: Vec<u64> = all.iter().step_by(7).copied().collect();
        let want: Vec<u64> = want
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(got, want, "seed {seed}");
    }
}

#[test]
fn train_test_split_matches_sklearn() {
    let f = fixture("split.json");
    let labels: Vec<i64> = mnist().train.labels.iter().map(|&l| l as i64).collect();
    for case in f["splits"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap() as usize;
        let ts = &case["test_size"];
        let test_size = if ts.is_u64() {
            TestSize::Count(ts.as_u64().unwrap() as usize)
        } else {
            TestSize::Fraction(ts.as_f64().unwrap())
        };
        let y: Option<Vec<i64>> = match case["stratify"].as_str() {
            None => None,
            Some("mnist") => Some(labels[..n].to_vec()),
            Some(m) => {
                let q: i64 = m[3..].parse().unwrap();
                Some((0..n as i64).map(|i| i % q).collect())
            }
        };
        let (train, test) = train_test_split(
            n,
            test_size,
            case["random_state"].as_u64().unwrap() as u32,
            case["shuffle"].as_bool().unwrap(),
            y.as_deref(),
        )
        .unwrap();
        let what = format!("{case:?}");
        assert_eq!(
            train.len() as u64,
            case["n_train"].as_u64().unwrap(),
            "{what}"
        );
        assert_eq!(
            test.len() as u64,
            case["n_test"].as_u64().unwrap(),
            "{what}"
        );
        assert_eq!(
            train[..train.len().min(50)],
            ints(&case["train_head"])[..],
            "{what}"
        );
        assert_eq!(
            test[..test.len().min(50)],
            ints(&case["test_head"])[..],
            "{what}"
        );
        assert_eq!(
            sha_u32(&train),
            case["train_sha256"].as_str().unwrap(),
            "{what}"
        );
        assert_eq!(
            sha_u32(&test),
            case["test_sha256"].as_str().unwrap(),
            "{what}"
        );
    }
}

/// Checks every (metric, weights, k) prediction string and the k=5 neighbour lists.
fn check_cases(label: &str, x_tr: &[f32], y_tr: &[i64], x_te: &[f32], d: usize, expected: &Value) {
    for metric in [Metric::Euclidean, Metric::Manhattan] {
        let mname = if metric == Metric::Euclidean {
            "euclidean"
        } else {
            "manhattan"
        };
        for weights in [Weights::Uniform, Weights::Distance] {
            let wname = if weights == Weights::Uniform {
                "uniform"
            } else {
                "distance"
            };
            let want = expected[format!("{mname}/{wname}")].as_array().unwrap();
            let model =
                KNeighborsClassifier::fit(x_tr.to_vec(), d, y_tr, 1, weights, metric).unwrap();
            let q = model.queries(x_te).unwrap();
            // Chunked exactly as a UI would: the result must not depend on chunking.
            let mut by_k = Vec::new();
            let mut s = 0;
            while s < q.len() {
                let e = (s + 97).min(q.len());
                by_k.extend(q.predict_by_k_chunk(s, e, want.len()));
                s = e;
            }
            let mut mismatches = Vec::new();
            for (ki, w) in want.iter().enumerate() {
                let got: String = by_k.iter().map(|p| p[ki].to_string()).collect();
                let w = w.as_str().unwrap();
                let bad = got.chars().zip(w.chars()).filter(|(a, b)| a != b).count();
                if bad > 0 {
                    mismatches.push(format!("k={} differs in {bad} rows", ki + 1));
                }
            }
            assert!(
                mismatches.is_empty(),
                "{label} {mname}/{wname}: {mismatches:?}"
            );
            // predict_chunk with a fixed k agrees with the by-k pass.
            let m5 = KNeighborsClassifier::fit(x_tr.to_vec(), d, y_tr, 5, weights, metric).unwrap();
            let p5 = m5.queries(x_te).unwrap().predict_chunk(0, q.len());
            let w5: Vec<i64> = want[4]
                .as_str()
                .unwrap()
                .bytes()
                .map(|b| (b - b'0') as i64)
                .collect();
            assert_eq!(p5, w5, "{label} {mname}/{wname} predict_chunk k=5");
        }
        let nb = &expected[format!("{mname}/kneighbors5")];
        let model =
            KNeighborsClassifier::fit(x_tr.to_vec(), d, y_tr, 5, Weights::Uniform, metric).unwrap();
        let q = model.queries(x_te).unwrap();
        let all = q.kneighbors_chunk(0, q.len(), 5);
        let idx: Vec<usize> = all.iter().flat_map(|n| n.indices.clone()).collect();
        for (r, row) in nb["head_indices"].as_array().unwrap().iter().enumerate() {
            assert_eq!(
                all[r].indices,
                ints(row),
                "{label} {mname} neighbours of row {r}"
            );
        }
        assert_eq!(
            sha_u32(&idx),
            nb["indices_sha256"].as_str().unwrap(),
            "{label} {mname} neighbour indices"
        );
        let mut h = Sha256::new();
        for n in &all {
            for &dist in &n.distances {
                h.update((dist as f32).to_le_bytes());
            }
        }
        assert_eq!(
            format!("{:x}", h.finalize()),
            nb["distances_f32_sha256"].as_str().unwrap(),
            "{label} {mname} neighbour distances"
        );
    }
}

#[test]
fn knn_matches_sklearn_on_tie_heavy_integer_data() {
    let f = fixture("knn_ties.json");
    for case in f["cases"].as_array().unwrap() {
        let n_tr = case["n_train"].as_u64().unwrap() as usize;
        let x: Vec<f32> = case["X"]
            .as_str()
            .unwrap()
            .bytes()
            .map(|b| (b - b'0') as f32)
            .collect();
        let y: Vec<i64> = case["y"]
            .as_str()
            .unwrap()
            .bytes()
            .map(|b| (b - b'0') as i64)
            .collect();
        let d = 4;
        check_cases(
            &format!("ties {n_tr}"),
            &x[..n_tr * d],
            &y[..n_tr],
            &x[n_tr * d..],
            d,
            &case["predictions_by_k"],
        );
    }
}

/// The fixture's MNIST subset: first 3000 images, split with sklearn's indices.
fn mnist_subset() -> (Vec<f32>, Vec<i64>, Vec<f32>, Vec<i64>) {
    let data = mnist();
    let n = 3000;
    let (tr, te) = train_test_split(n, TestSize::Fraction(0.2), 42, true, None).unwrap();
    let rows = |idx: &[usize]| -> Vec<f32> {
        idx.iter()
            .flat_map(|&i| data.train.image(i).iter().map(|&p| p as f32 / 255.0f32))
            .collect()
    };
    let labels =
        |idx: &[usize]| -> Vec<i64> { idx.iter().map(|&i| data.train.labels[i] as i64).collect() };
    (rows(&tr), labels(&tr), rows(&te), labels(&te))
}

#[test]
fn knn_matches_sklearn_on_mnist() {
    let f = fixture("knn_mnist.json");
    let (x_tr, y_tr, x_te, _) = mnist_subset();
    assert_eq!(y_tr.len() as u64, f["n_train"].as_u64().unwrap());
    check_cases("mnist", &x_tr, &y_tr, &x_te, 784, &f["predictions_by_k"]);
}

/// Native timing of the KNN benchmark workload: the first 10,000 MNIST training images,
/// rows 0..8000 train and 8000..10000 test (no shuffle), pixels / 255 as f32; `predict`
/// with k = 3 (as `bench/sklearn_knn.py`, best of 3), then the lab's `accuracy_by_k(15)`.
/// Run with `cargo test --release --test knn_sklearn -- --ignored --nocapture`.
#[test]
#[ignore]
fn time_knn_2000_by_8000() {
    let data = mnist();
    let px = |range: std::ops::Range<usize>| -> Vec<f32> {
        range
            .flat_map(|i| {
                data.train
                    .image(i)
                    .iter()
                    .map(|&p| p as f32 / 255.0f32)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let x_tr = px(0..8000);
    let y_tr: Vec<i64> = data.train.labels[..8000]
        .iter()
        .map(|&l| l as i64)
        .collect();
    let x_te = px(8000..10000);
    let y_te: Vec<i64> = data.train.labels[8000..10000]
        .iter()
        .map(|&l| l as i64)
        .collect();
    // On-CPU time of this thread (Linux), less disturbed than wall time on a busy machine.
    let cpu = || -> Option<f64> {
        let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        Some(s.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
    };
    for metric in [Metric::Euclidean, Metric::Manhattan] {
        let m = KNeighborsClassifier::fit(x_tr.clone(), 784, &y_tr, 3, Weights::Uniform, metric)
            .unwrap();
        let q = m.queries(&x_te).unwrap();
        let (mut wall, mut on_cpu, mut acc) = (f64::INFINITY, f64::INFINITY, 0.0);
        for _ in 0..3 {
            let (t, c) = (Instant::now(), cpu());
            let p = q.predict_chunk(0, q.len());
            wall = wall.min(t.elapsed().as_secs_f64());
            if let (Some(c0), Some(c1)) = (c, cpu()) {
                on_cpu = on_cpu.min(c1 - c0);
            }
            acc = p.iter().zip(&y_te).filter(|(a, b)| a == b).count() as f64 / 2000.0;
        }
        let t = Instant::now();
        let by_k = q.accuracy_by_k(&y_te, 15);
        let t2 = t.elapsed().as_secs_f64();
        println!(
            "{metric:?}: predict k=3 best of 3: {wall:.3}s wall, {on_cpu:.3}s on CPU \
             ({:.0} queries/s, acc {acc:.4}); accuracy_by_k(15) {t2:.3}s: {by_k:?}",
            2000.0 / wall
        );
    }
}
