//! The evaluate lab (a real model scored, formerly the metrics lab's `model=cnn|knn`): the
//! KNN's probabilities and every number of both views equal scikit-learn's
//! (`tests/fixtures/metrics/model_knn.json`, made by `make_model_fixtures.py`, whose links
//! are the old metrics-lab ones), the threshold metrics equal those of [`mlpad::metrics`]
//! on the thresholded predictions and sit on the curves, the link keys are checked, old
//! links give the same report, and the CLI prints the report (the CNN's weights equal the
//! CNN lab's for the same keys).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{config, dataset, datasets_for, json_file, run_cli};
use mlpad::labs::evaluate::{Evaluate, EvaluateConfig, ModelReport, KNN_TRAIN_SAMPLE};
use mlpad::labs::{run_to_end, Budget, Lab, Phase, REGISTRY};
use mlpad::metrics::{self, Average, PrfOptions, ZeroDivision};
use mlpad::schema::FromConfig;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn fixture() -> Vec<Value> {
    let f = json_file("tests/fixtures/metrics/model_knn.json");
    let cases = f["cases"].as_array().unwrap().clone();
    assert!(!cases.is_empty());
    cases
}

/// The fixture's metrics-lab link as an evaluate-lab link (same keys).
fn evaluate_link(old: &str) -> String {
    assert!(old.starts_with("#lab=metrics&model="), "{old}");
    old.replacen("#lab=metrics&", "#lab=evaluate&", 1)
}

/// Runs the evaluation a link describes to the end, `units` at a time, checking that it
/// trains, predicts the test images, then the training images, with the share done never
/// going back.
fn evaluate(link: &str, units: usize) -> Evaluate {
    let mut eval = common::start::<Evaluate>(link);
    let mut phases = Vec::new();
    let mut last_fraction = 0.0;
    loop {
        let p = eval.step(&mut Budget::units(units));
        assert!(
            p.fraction >= last_fraction && p.fraction <= 1.0,
            "{link}: {p:?}"
        );
        last_fraction = p.fraction;
        if phases.last() != Some(&p.phase) {
            phases.push(p.phase);
        }
        if p.done {
            assert!(p.stopped.is_none(), "{link}");
            break;
        }
    }
    assert_eq!(
        phases,
        [Phase::Train, Phase::PredictTest, Phase::PredictTrain],
        "{link}"
    );
    assert_eq!(last_fraction, 1.0, "{link}");
    eval
}

/// The report of a finished evaluation for a link's view keys.
fn report(eval: &Evaluate, link: &str) -> ModelReport {
    eval.report(&EvaluateConfig::from_config(&config(link)))
        .unwrap()
}

fn sha256_le(v: &[f64]) -> String {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    mlpad::nn::model::hex(&Sha256::digest(&bytes))
}

/// Checks a report against a fixture case (scikit-learn's numbers).
fn assert_report_is_sklearns(r: &ModelReport, case: &Value, what: &str) {
    let r = serde_json::to_value(r).unwrap();
    for key in ["accuracy", "train_accuracy"] {
        assert_eq!(r[key], case[key], "{what} {key}");
    }
    let ovr = &r["one_vs_rest"];
    for key in ["roc_auc", "average_precision"] {
        assert_eq!(ovr[key], case[key], "{what} {key}");
    }
    assert_eq!(
        ovr["roc_curve"]["fpr"].as_array().unwrap().len(),
        case["roc_points"],
        "{what}"
    );
    assert_eq!(
        ovr["pr_curve"]["precision"].as_array().unwrap().len(),
        case["pr_points"],
        "{what}"
    );
    let at = &ovr["at_threshold"];
    let want = &case["at_threshold"];
    assert_eq!(
        serde_json::json!([[at["tn"], at["fp"]], [at["fn"], at["tp"]]]),
        want["confusion_matrix"],
        "{what}"
    );
    for key in ["accuracy", "precision", "recall", "f1"] {
        assert_eq!(at[key], want[key], "{what} at_threshold.{key}");
    }
    let mc = &r["multiclass"];
    let want = &case["multiclass"];
    for key in ["precision", "recall", "f1", "support"] {
        assert_eq!(mc[key], want[key], "{what} multiclass.{key}");
    }
    for (avg, name) in [("macro_avg", "macro"), ("weighted_avg", "weighted")] {
        let got = serde_json::json!([mc[avg]["precision"], mc[avg]["recall"], mc[avg]["f1"]]);
        assert_eq!(got, want[name], "{what} {avg}");
    }
}

#[test]
fn knn_probabilities_and_views_equal_sklearn() {
    for case in fixture() {
        let link = evaluate_link(case["link"].as_str().unwrap());
        // An odd chunk size: results must not depend on how the work is cut.
        let eval = evaluate(&link, 7);
        let proba = eval.test_proba();
        assert_eq!(
            proba.dim(),
            (2000, 10),
            "{link}: one row per test image, one column per class"
        );
        let flat = proba.as_slice().expect("row-major");
        assert_eq!(sha256_le(flat), case["proba_sha256"], "{link}");
        let head: Vec<f64> = flat[..30].to_vec();
        let want: Vec<f64> = case["proba_head"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()))
            .collect();
        assert_eq!(head, want, "{link}");
        // The view's predictions (the first most probable class) equal scikit-learn's
        // `predict` on every test image.
        let preds: Vec<Value> = eval
            .test_predictions()
            .into_iter()
            .map(Value::from)
            .collect();
        assert_eq!(Value::from(preds), case["predict"], "{link}");
        assert_report_is_sklearns(&report(&eval, &link), &case, &link);
    }
}

#[test]
fn an_old_metrics_lab_link_gives_the_same_report() {
    let case = &fixture()[0];
    let old = case["link"].as_str().unwrap();
    let parsed = REGISTRY.parse(old);
    assert_eq!(parsed.lab, "evaluate");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.notes.len(), 1, "the reader is told once");
    let new = evaluate_link(old);
    assert_eq!(parsed.config, config(&new), "every key carried over");

    // Through the CLI, as a reader's saved link would run.
    let lines = run_cli(old);
    let cli = lines.last().unwrap();
    assert_eq!(cli["lab"], "evaluate");
    let c = config(&new);
    let (_, summary) = run_to_end(&c, &datasets_for(&c), 50).unwrap();
    assert_eq!(cli["report"], summary.report);
    assert_eq!(cli["link"], summary.link);
    assert_eq!(
        cli["metrics"],
        serde_json::to_value(&summary.metrics).unwrap()
    );
    let typed: ModelReport = {
        let eval = evaluate(&new, 1000);
        report(&eval, &new)
    };
    assert_eq!(cli["report"], serde_json::to_value(&typed).unwrap());
    assert_report_is_sklearns(&typed, case, old);
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
    let base = "#lab=evaluate&model=knn&train_size=1200&n_neighbors=7&weights=distance";
    let eval = evaluate(base, 500);
    let y = eval.test_labels();
    let proba = eval.test_proba();
    for (class, t) in [(3, 0.5), (3, 0.0), (3, 1.0), (8, 0.3), (8, 0.999), (0, 0.5)] {
        let link = format!("{base}&positive_class={class}&threshold={t}");
        let r = report(&eval, &link);
        let o = &r.one_vs_rest;
        let at = &o.at_threshold;
        let scores: Vec<f64> = proba.column(class as usize).to_vec();
        let y_bin: Vec<i64> = y.iter().map(|&l| i64::from(l == class)).collect();
        let y_hat: Vec<i64> = scores.iter().map(|&s| i64::from(s >= t)).collect();
        let cm = metrics::confusion_matrix(&y_bin, &y_hat, Some(&[0, 1]))
            .unwrap()
            .value;
        assert_eq!(
            cm.counts,
            ndarray::array![[at.tn, at.fp], [at.fn_, at.tp]],
            "{link}"
        );
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
        assert_eq!((at.precision, at.recall, at.f1), (p, rc, f1), "{link}");
        assert_eq!(at.fpr, Some(at.fp as f64 / (at.fp + at.tn) as f64));
        // Precision is undefined exactly when nothing is predicted positive.
        let undefined = o
            .warnings
            .iter()
            .any(|w| w.message.contains("Precision is ill-defined"));
        assert_eq!(undefined, at.tp + at.fp == 0, "{link}");

        // The marked points are points of the full curves (no dropped points).
        let roc = metrics::roc_curve(&y_bin, &scores, Some(1), false)
            .unwrap()
            .value;
        let [fpr, tpr] = at.roc_point.unwrap();
        match curve_index(&roc.thresholds, t) {
            Some(i) => assert_eq!((roc.fpr[i], roc.tpr[i]), (fpr, tpr), "{link}"),
            None => assert_eq!((fpr, tpr), (0.0, 0.0), "{link}"),
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

/// With k above a class's count among the training images, no test image can have all
/// its uniform votes from that class: at threshold 1 nothing is predicted positive, so
/// precision is 0/0, which `zero_division` decides, and the PR marker sits on the curve's
/// end.
#[test]
fn nothing_predicted_positive_makes_precision_undefined() {
    let (n_train, k) = (100, 15);
    let data = dataset("mnist");
    let labels = data.train.labels.slice(ndarray::s![..n_train]);
    let class = (0..10u8)
        .find(|&c| labels.iter().filter(|&&l| l == c).count() < k)
        .expect("with 100 images some class has fewer than 15");
    let base = format!(
        "#lab=evaluate&model=knn&train_size={n_train}&n_neighbors={k}&positive_class={class}&threshold=1"
    );
    let eval = evaluate(&base, 1000);
    let r = report(&eval, &base);
    let (o, at) = (&r.one_vs_rest, &r.one_vs_rest.at_threshold);
    assert_eq!(at.tp + at.fp, 0);
    assert_eq!((at.precision, at.fpr), (Some(0.0), Some(0.0)));
    assert_eq!(at.pr_point, Some([0.0, 1.0]));
    let w = o
        .warnings
        .iter()
        .find(|w| w.message.contains("Precision is ill-defined"))
        .expect("a warning");
    assert!(
        w.message_zh.contains("精确率（precision）无定义"),
        "{}",
        w.message_zh
    );
    let silent = report(&eval, &format!("{base}&zero_division=1"));
    assert_eq!(silent.one_vs_rest.at_threshold.precision, Some(1.0));
    assert!(silent
        .one_vs_rest
        .warnings
        .iter()
        .all(|w| !w.message.contains("Precision is ill-defined")));
}

#[test]
fn link_keys_are_checked_and_view_keys_do_not_retrain() {
    let p = REGISTRY.parse("#lab=evaluate&model=cnn&positive_class=3&threshold=0.5");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert!(p.notes.is_empty());
    assert_eq!(p.config.choice_name("model"), "cnn");
    assert_eq!(p.config.int("positive_class"), 3);
    assert!(p.inactive.contains(&"n_neighbors") && p.inactive.contains(&"weights"));
    assert!(!p.inactive.contains(&"epochs") && !p.inactive.contains(&"threshold"));

    // Out of range: named, in both languages, and the default is used.
    let p = REGISTRY.parse("#lab=evaluate&model=knn&threshold=1.5&positive_class=10&model=svm");
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

    // The typed lists belong to the metrics lab, not here.
    let p = REGISTRY.parse("#lab=evaluate&y_true=0,1");
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.errors[0].key, "y_true");

    // Moving the class, threshold or zero_division reuses the model; other keys do not.
    let base = "#lab=evaluate&model=knn&train_size=300";
    let c = config(base);
    let data = datasets_for(&c);
    let mut run = REGISTRY.kind(&c).start(&c, &data).unwrap();
    while !run.step(&mut Budget::units(2000)).done {}
    let view = |l: &str| run.view(&config(l));
    let moved = view(&format!(
        "{base}&positive_class=7&threshold=0.9&zero_division=1"
    ))
    .expect("view keys only");
    assert_eq!(moved["one_vs_rest"]["positive_class"], 7);
    assert!(
        view(&format!("{base}&epochs=5&seed=1")).is_ok(),
        "CNN keys do not matter to a KNN"
    );
    assert!(view(&format!("{base}&n_neighbors=4")).is_err());
    assert!(view("#lab=evaluate&model=cnn&train_size=300").is_err());
}

#[test]
fn cli_prints_the_report_and_the_cnn_equals_the_cnn_lab() {
    let link = "#lab=evaluate&model=knn&train_size=800&positive_class=5&threshold=0.6";
    let lines = run_cli(link);
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["status"], "finished");
    assert!(lines
        .iter()
        .any(|l| l["type"] == "progress" && l["phase"] == "predict_test"));
    let eval = evaluate(link, 64);
    let want = serde_json::to_value(report(&eval, link)).unwrap();
    assert_eq!(last["report"], want, "the whole report");
    for (metric, value) in [
        ("test_accuracy", &want["accuracy"]),
        ("train_accuracy", &want["train_accuracy"]),
        ("roc_auc", &want["one_vs_rest"]["roc_auc"]),
        (
            "average_precision",
            &want["one_vs_rest"]["average_precision"],
        ),
    ] {
        assert_eq!(last["metrics"][metric], *value, "{metric}");
    }
    // k=3 uniform: the scores are 0, 1/3, 2/3 and 1, so the ROC curve has those four
    // thresholds after its start.
    assert_eq!(last["report"]["one_vs_rest"]["distinct_scores"], 4);
    assert_eq!(
        last["report"]["one_vs_rest"]["roc_curve"]["fpr"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    // The KNN stores its training set: 784 float32 pixels and an int64 label per image.
    assert_eq!(last["report"]["model_bytes"], 800 * (784 * 4 + 8));
    assert_eq!(last["report"]["param_count"], 0);
    assert_eq!(last["report"]["train_eval_images"], KNN_TRAIN_SAMPLE);
    assert!(last["param_count"].is_null() && last["weights_sha256"].is_null());
    // Measured times: positive and finite (NaN or infinity would serialise as null).
    let positive = |line: &Value, key: &str| {
        let s = line["phase_seconds"][key].as_f64().unwrap_or(f64::NAN);
        assert!(
            s > 0.0 && s.is_finite(),
            "{key} = {}",
            line["phase_seconds"][key]
        );
    };
    positive(last, "setup"); // fitting stores the images: still measured work
    positive(last, "predict_test");
    positive(last, "predict_train");

    // A short CNN: the same weights as the CNN lab trains from the same keys.
    let lines =
        run_cli("#lab=evaluate&model=cnn&train_size=200&batch_size=50&seed=3&positive_class=2");
    let cnn = lines.last().unwrap();
    let r = &cnn["report"];
    let params = cnn["param_count"].as_u64().unwrap();
    assert_eq!(r["param_count"], params);
    assert_eq!(r["model_bytes"], params * 4, "float32 weights");
    assert_eq!(r["train_eval"], "training_subset");
    assert_eq!(r["train_eval_images"], 200);
    assert_eq!(r["weights_sha256"], cnn["weights_sha256"]);
    let cnn_link = r["cnn_link"].as_str().unwrap();
    assert!(cnn_link.starts_with("#lab=cnn&v=1&seed=3&dataset=mnist&epochs=1&batch_size=50&"));
    let lab = run_cli(cnn_link);
    let lab = lab.last().unwrap();
    assert_eq!(cnn["weights_sha256"], lab["weights_sha256"]);
    assert_eq!(cnn["param_count"], lab["param_count"]);
    assert_eq!(r["accuracy"], lab["metrics"]["test_accuracy"]);
    assert_eq!(
        cnn["metrics"]["test_accuracy"],
        lab["metrics"]["test_accuracy"]
    );
    // This run trained four batches: its training time is real, as is its prediction time.
    positive(cnn, "train");
    positive(cnn, "predict_test");
}
