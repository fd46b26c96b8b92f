//! The metrics lab evaluating a real model (`model=cnn|knn`): the KNN's probabilities and
//! every number of both views equal scikit-learn's (`tests/fixtures/metrics/
//! model_knn.json`, made by `make_model_fixtures.py`), the threshold metrics equal those
//! of [`mlpad::metrics`] on the thresholded predictions and sit on the curves, the new
//! link keys are checked, and the CLI prints the report (the CNN's weights equal the CNN
//! lab's for the same keys).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::run_cli;
use mlpad::data::dataset::bundled_dir;
use mlpad::data::Dataset;
use mlpad::labs::evaluate::{ModelEval, ModelReport, Phase};
use mlpad::link;
use mlpad::metrics::{self, Average, PrfOptions, ZeroDivision};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::rc::Rc;

fn fixture() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/metrics/model_knn.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture exists")).expect("JSON")
}

/// Runs the evaluation a link describes to the end, `units` at a time.
fn evaluate(link_text: &str, units: usize) -> (ModelEval, link::Parsed) {
    let parsed = link::parse_strict(link_text).unwrap();
    let data = Rc::new(Dataset::load_dir(parsed.config.choice("dataset"), &bundled_dir()).unwrap());
    let mut eval = ModelEval::new(&parsed.config, data).unwrap();
    let mut phases = Vec::new();
    let mut last_fraction = 0.0;
    loop {
        let p = eval.step(units);
        assert!(p.fraction >= last_fraction && p.fraction <= 1.0, "{p:?}");
        last_fraction = p.fraction;
        if phases.last() != Some(&p.phase) {
            phases.push(p.phase);
        }
        if p.finished {
            break;
        }
    }
    assert_eq!(
        phases,
        [Phase::Train, Phase::PredictTest, Phase::PredictTrain]
    );
    (eval, parsed)
}

fn report(eval: &ModelEval, link_text: &str) -> ModelReport {
    let parsed = link::parse_strict(link_text).unwrap();
    eval.report(&parsed.config).unwrap().expect("same model")
}

fn sha256_le(v: &[f64]) -> String {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    mlpad::nn::model::hex(&Sha256::digest(&bytes))
}

#[test]
fn knn_probabilities_and_views_equal_sklearn() {
    let f = fixture();
    for case in f["cases"].as_array().unwrap() {
        let link_text = case["link"].as_str().unwrap();
        // An odd chunk size: results must not depend on how the work is cut.
        let (eval, _) = evaluate(link_text, 173);
        assert_eq!(
            sha256_le(eval.test_proba()),
            case["proba_sha256"],
            "{link_text}"
        );
        let head: Vec<f64> = eval.test_proba()[..30].to_vec();
        let want: Vec<f64> = case["proba_head"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()))
            .collect();
        assert_eq!(head, want, "{link_text}");
        // The view's predictions (the first most probable class) equal scikit-learn's
        // `predict` on every test image.
        let preds: Vec<Value> = eval
            .test_predictions()
            .into_iter()
            .map(Value::from)
            .collect();
        assert_eq!(Value::from(preds), case["predict"], "{link_text}");

        let r = serde_json::to_value(report(&eval, link_text)).unwrap();
        for key in ["accuracy", "train_accuracy"] {
            assert_eq!(r[key], case[key], "{link_text} {key}");
        }
        let ovr = &r["one_vs_rest"];
        for key in ["roc_auc", "average_precision"] {
            assert_eq!(ovr[key], case[key], "{link_text} {key}");
        }
        assert_eq!(
            ovr["roc_curve"]["fpr"].as_array().unwrap().len(),
            case["roc_points"]
        );
        assert_eq!(
            ovr["pr_curve"]["precision"].as_array().unwrap().len(),
            case["pr_points"]
        );
        let at = &ovr["at_threshold"];
        let want = &case["at_threshold"];
        assert_eq!(
            serde_json::json!([[at["tn"], at["fp"]], [at["fn"], at["tp"]]]),
            want["confusion_matrix"]
        );
        for key in ["accuracy", "precision", "recall", "f1"] {
            assert_eq!(at[key], want[key], "{link_text} at_threshold.{key}");
        }
        let mc = &r["multiclass"];
        let want = &case["multiclass"];
        for key in ["precision", "recall", "f1", "support"] {
            assert_eq!(mc[key], want[key], "{link_text} multiclass.{key}");
        }
        for (avg, name) in [("macro_avg", "macro"), ("weighted_avg", "weighted")] {
            let got = serde_json::json!([mc[avg]["precision"], mc[avg]["recall"], mc[avg]["f1"]]);
            assert_eq!(got, want[name], "{link_text} {avg}");
        }
    }
}

/// Index of the curve point whose threshold is the smallest score >= t (where the
/// thresholded predictions are exactly the curve's), or `None` (the (0, 0) start).
fn curve_index(thresholds: &[f64], t: f64) -> Option<usize> {
    thresholds
        .iter()
        .enumerate()
        .filter(|(_, &s)| s >= t && s.is_finite())
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map(|(i, _)| i)
}

#[test]
fn threshold_metrics_are_those_of_the_thresholded_predictions_and_lie_on_the_curves() {
    let base = "#lab=metrics&model=knn&train_size=1200&n_neighbors=7&weights=distance";
    let (eval, _) = evaluate(base, 500);
    let y = eval.test_labels();
    let proba = eval.test_proba();
    for (class, t) in [(3, 0.5), (3, 0.0), (3, 1.0), (8, 0.3), (8, 0.999), (0, 0.5)] {
        let link_text = format!("{base}&positive_class={class}&threshold={t}");
        let r = report(&eval, &link_text);
        let o = &r.one_vs_rest;
        let at = &o.at_threshold;
        let scores: Vec<f64> = proba.chunks_exact(10).map(|p| p[class as usize]).collect();
        let y_bin: Vec<i64> = y.iter().map(|&l| i64::from(l == class)).collect();
        let y_hat: Vec<i64> = scores.iter().map(|&s| i64::from(s >= t)).collect();
        let cm = metrics::confusion_matrix(&y_bin, &y_hat, Some(&[0, 1]))
            .unwrap()
            .value;
        assert_eq!(cm.counts, [[at.tn, at.fp], [at.fn_, at.tp]], "{link_text}");
        assert_eq!(
            at.accuracy,
            metrics::accuracy_score(&y_bin, &y_hat).unwrap()
        );
        let opts =
            PrfOptions::new(Average::Binary { pos_label: 1 }).zero_division(ZeroDivision::Warn);
        let p = metrics::precision_score(&y_bin, &y_hat, &opts)
            .unwrap()
            .value
            .scalar();
        let rc = metrics::recall_score(&y_bin, &y_hat, &opts)
            .unwrap()
            .value
            .scalar();
        let f1 = metrics::f1_score(&y_bin, &y_hat, &opts)
            .unwrap()
            .value
            .scalar();
        assert_eq!((at.precision, at.recall, at.f1), (p, rc, f1), "{link_text}");
        assert_eq!(at.fpr, Some(at.fp as f64 / (at.fp + at.tn) as f64));
        if at.tp + at.fp == 0 {
            assert!(o
                .warnings
                .iter()
                .any(|w| w.message.contains("Precision is ill-defined")
                    && w.message_zh.contains("精确率（precision）无定义")));
        }

        // The marked points are points of the full curves (no dropped points).
        let roc = metrics::roc_curve(&y_bin, &scores, Some(1), false)
            .unwrap()
            .value;
        let [fpr, tpr] = at.roc_point.unwrap();
        match curve_index(&roc.thresholds, t) {
            Some(i) => assert_eq!((roc.fpr[i], roc.tpr[i]), (fpr, tpr), "{link_text}"),
            None => assert_eq!((fpr, tpr), (0.0, 0.0), "{link_text}"),
        }
        let pr = metrics::precision_recall_curve(&y_bin, &scores, Some(1), false)
            .unwrap()
            .value;
        let [recall, precision] = at.pr_point.unwrap();
        match curve_index(&pr.thresholds, t) {
            Some(i) => assert_eq!((pr.recall[i], pr.precision[i]), (recall, precision)),
            None => assert_eq!((recall, precision), (0.0, 1.0), "the curve's end"),
        }
        // The drawn curves are scikit-learn's defaults.
        let drawn = metrics::roc_curve(&y_bin, &scores, Some(1), true)
            .unwrap()
            .value;
        assert_eq!(o.roc_curve.as_ref().unwrap().fpr, drawn.fpr);
        assert_eq!(o.pr_curve.as_ref().unwrap().precision, pr.precision);
        assert_eq!(o.positives + o.negatives, y.len());
    }
}

#[test]
fn link_keys_are_checked_and_view_keys_do_not_retrain() {
    let p = link::parse("#lab=metrics&model=cnn&positive_class=3&threshold=0.5");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.config.choice("model"), "cnn");
    assert_eq!(p.config.int("positive_class"), 3);
    assert!(p.inactive.contains(&"y_true") && p.inactive.contains(&"n_neighbors"));
    assert!(!p.inactive.contains(&"epochs") && !p.inactive.contains(&"threshold"));

    // Out of range: named, in both languages, and the default is used.
    let p = link::parse("#lab=metrics&model=knn&threshold=1.5&positive_class=10&model=svm");
    let keys: Vec<&str> = p.errors.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["threshold", "positive_class", "model"]);
    assert!(
        p.errors[0]
            .message
            .starts_with("threshold=1.5 is out of range: allowed is a number from 0 to 1"),
        "{}",
        p.errors[0].message
    );
    assert!(p.errors[0].message.ends_with("using the default 0.5"));
    assert!(p.errors[0].message_zh.contains("超出范围"));
    assert_eq!(p.config.float("threshold"), 0.5);
    assert!(p.inactive.contains(&"epochs"));

    // The text mode and its default are unchanged.
    let p = link::parse("#lab=metrics&y_true=0,1,1,0,1&y_pred=0,1,0,1,1");
    assert_eq!(p.config.choice("model"), "lists");
    assert!(p.inactive.contains(&"threshold") && !p.inactive.contains(&"zero_division"));
    let r = mlpad::labs::metrics::evaluate(&p.config).unwrap();
    assert_eq!(r.accuracy, 0.6);
    let e = mlpad::labs::metrics::evaluate(&link::parse("#lab=metrics&model=knn").config);
    assert!(e.unwrap_err().contains("model=knn needs the data"));

    // Moving the class or threshold reuses the model; other model keys do not.
    let base = "#lab=metrics&model=knn&train_size=300&n_neighbors=3";
    let (eval, _) = evaluate(base, 2000);
    let knn4 = base.replace("n_neighbors=3", "n_neighbors=4");
    let same = |l: &str| eval.report(&link::parse_strict(l).unwrap().config).unwrap();
    assert!(same(&format!(
        "{base}&positive_class=7&threshold=0.9&zero_division=1"
    ))
    .is_some());
    assert!(
        same(&format!("{base}&epochs=5&seed=1")).is_some(),
        "CNN keys do not matter"
    );
    assert!(
        same(&format!("{base}&y_true=1,1")).is_some(),
        "nor the lists"
    );
    assert!(same(&knn4).is_none());
    assert!(same("#lab=metrics&model=cnn&train_size=300").is_none());
}

#[test]
fn cli_prints_the_report_and_the_cnn_equals_the_cnn_lab() {
    let link_text = "#lab=metrics&model=knn&train_size=800&positive_class=5&threshold=0.6";
    let lines = run_cli(link_text);
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "summary");
    assert!(lines
        .iter()
        .any(|l| l["type"] == "progress" && l["phase"] == "predict_test"));
    let (eval, _) = evaluate(link_text, 64);
    let want = serde_json::to_value(report(&eval, link_text)).unwrap();
    for key in [
        "accuracy",
        "train_accuracy",
        "model_bytes",
        "param_count",
        "multiclass",
    ] {
        assert_eq!(last[key], want[key], "{key}");
    }
    for key in [
        "roc_auc",
        "average_precision",
        "at_threshold",
        "distinct_scores",
    ] {
        assert_eq!(last["one_vs_rest"][key], want["one_vs_rest"][key], "{key}");
    }
    assert_eq!(
        last["one_vs_rest"]["roc_points"], 5,
        "k=3 uniform: four scores"
    );
    assert_eq!(last["model_bytes"], 800 * (784 * 4 + 8));
    // Measured times: positive and finite (NaN or infinity would serialise as null).
    let positive = |line: &Value, key: &str| {
        let s = line[key].as_f64().unwrap_or(f64::NAN);
        assert!(s > 0.0 && s.is_finite(), "{key} = {}", line[key]);
    };
    positive(last, "train_seconds"); // fitting stores the images: still measured work
    positive(last, "predict_seconds_per_image");

    // A short CNN: the same weights as the CNN lab trains from the same keys.
    let lines =
        run_cli("#lab=metrics&model=cnn&train_size=200&batch_size=50&seed=3&positive_class=2");
    let cnn = lines.last().unwrap();
    assert_eq!(cnn["param_count"], 93322);
    assert_eq!(cnn["model_bytes"], 93322 * 4);
    assert_eq!(cnn["train_eval"], "training_subset");
    assert_eq!(cnn["train_eval_images"], 200);
    let cnn_link = cnn["cnn_link"].as_str().unwrap();
    assert!(cnn_link.starts_with("#lab=cnn&v=1&seed=3&dataset=mnist&epochs=1&batch_size=50&"));
    let lab = run_cli(cnn_link);
    assert_eq!(cnn["weights_sha256"], lab.last().unwrap()["weights_sha256"]);
    assert_eq!(cnn["accuracy"], lab.last().unwrap()["test_accuracy"]);
    // This run trained four batches: its training time is real, as is its prediction time.
    positive(cnn, "train_seconds");
    positive(cnn, "predict_seconds_per_image");
}
