//! scikit-learn parity for `split` and `knn`: the fixtures in `tests/fixtures/knn/` were
//! made by `make_fixtures.py` (numpy/scikit-learn versions recorded inside) and every
//! comparison here is exact. Speed is not tested here: `cargo xtask bench` times the same
//! 2000 × 8000 prediction (workload `knn_predict_2000x8000`), beside scikit-learn's.
#![cfg(not(target_arch = "wasm32"))]

use mlpad::data::dataset::bundled_dir;
use mlpad::data::Dataset;
use mlpad::knn::{KNeighborsClassifier, Metric, Weights};
use mlpad::split::{train_test_split, Mt19937, TestSize};
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2};
use serde_json::Value;
use sha2::{Digest, Sha256};

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
    let seeds = f["mt19937_every_7th_of_700"].as_object().unwrap();
    assert!(!seeds.is_empty());
    for (seed, want) in seeds {
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
    let splits = f["splits"].as_array().unwrap();
    assert!(!splits.is_empty());
    for case in splits {
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
fn check_cases(
    label: &str,
    x_tr: ArrayView2<f32>,
    y_tr: ArrayView1<i64>,
    x_te: ArrayView2<f32>,
    expected: &Value,
) {
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
                KNeighborsClassifier::fit(x_tr.to_owned(), y_tr, 1, weights, metric).unwrap();
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
            // predict with a fixed k agrees with the by-k pass.
            let m5 = KNeighborsClassifier::fit(x_tr.to_owned(), y_tr, 5, weights, metric).unwrap();
            let p5 = m5.predict(x_te).unwrap().to_vec();
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
            KNeighborsClassifier::fit(x_tr.to_owned(), y_tr, 5, Weights::Uniform, metric).unwrap();
        let q = model.queries(x_te).unwrap();
        let all = q.kneighbors_chunk(0, q.len(), 5);
        // The array API gives the same neighbours, one row per query.
        let (dist, ind) = model.kneighbors(x_te, 5).unwrap();
        for (r, n) in all.iter().enumerate() {
            assert_eq!(
                ind.row(r).to_vec(),
                n.indices,
                "{label} {mname} kneighbors row {r}"
            );
            assert_eq!(
                dist.row(r).to_vec(),
                n.distances,
                "{label} {mname} kneighbors row {r}"
            );
        }
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
    let cases = f["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
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
        let x = Array2::from_shape_vec((x.len() / d, d), x).unwrap();
        check_cases(
            &format!("ties {n_tr}"),
            x.slice(s![..n_tr, ..]),
            ArrayView1::from(&y[..n_tr]),
            x.slice(s![n_tr.., ..]),
            &case["predictions_by_k"],
        );
    }
}

/// The fixture's MNIST subset: first 3000 images, split with sklearn's indices.
fn mnist_subset() -> (Array2<f32>, Array1<i64>, Array2<f32>, Array1<i64>) {
    let data = mnist();
    let n = 3000;
    let (tr, te) = train_test_split(n, TestSize::Fraction(0.2), 42, true, None).unwrap();
    let t = &data.train;
    (
        t.features(&tr),
        t.targets(&tr),
        t.features(&te),
        t.targets(&te),
    )
}

#[test]
fn knn_matches_sklearn_on_mnist() {
    let f = fixture("knn_mnist.json");
    let (x_tr, y_tr, x_te, _) = mnist_subset();
    assert_eq!(y_tr.len() as u64, f["n_train"].as_u64().unwrap());
    assert_eq!(x_tr.ncols(), 784);
    check_cases(
        "mnist",
        x_tr.view(),
        y_tr.view(),
        x_te.view(),
        &f["predictions_by_k"],
    );
}
