//! The metrics lab through the CLI: a link of labels in, scikit-learn's numbers out
//! (values checked against scikit-learn 1.9.1), bad lists named.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use serde_json::{json, Value};

/// The report of a successful run (and the summary line's raw text). The lab does all
/// its work when built: one progress line (done), then the summary.
fn summary(link: &str) -> (Value, String) {
    let out = common::mlpad(&["run", link]);
    assert!(
        out.status.success(),
        "{link}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let progress: Value = serde_json::from_str(lines[0]).expect("JSON line");
    assert_eq!(progress["type"], "progress");
    assert_eq!(
        (&progress["done"], &progress["fraction"]),
        (&json!(true), &json!(1.0))
    );
    let v: Value = serde_json::from_str(lines[1]).expect("JSON line");
    assert_eq!(v["type"], "summary");
    assert_eq!(v["lab"], "metrics");
    assert_eq!(v["status"], "finished");
    assert!(v["weights_sha256"].is_null(), "no model");
    // The headline metrics are the report's numbers (undefined ones, null, left out).
    let report = &v["report"];
    let metrics = v["metrics"].as_object().unwrap();
    for (k, x) in report.as_object().unwrap() {
        if x.is_number() && k != "n_samples" {
            assert_eq!(metrics.get(k), Some(x), "{link}: {k}");
        }
    }
    assert!(metrics.iter().all(|(k, x)| report[k] == *x), "{link}");
    (report.clone(), lines[1].to_string())
}

/// stderr of a run that must fail with exit code 2 (and print nothing on stdout).
fn failure(link: &str) -> String {
    let out = common::mlpad(&["run", link]);
    assert_eq!(out.status.code(), Some(2), "{link}");
    assert!(out.stdout.is_empty(), "{link}");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn classic_binary_example_matches_sklearn() {
    let (v, raw) = summary("#lab=metrics&y_true=0,1,1,0,1&y_pred=0,1,0,1,1");
    assert_eq!(v["accuracy"], 0.6);
    for key in ["precision", "recall", "f1"] {
        assert_eq!(v[key].as_f64(), Some(2.0 / 3.0), "{key}");
    }
    assert_eq!(v["roc_auc"].as_f64(), Some(0.5833333333333333));
    // Full precision, printed as Python prints floats.
    assert!(raw.contains("\"precision\":0.6666666666666666"), "{raw}");
    assert!(raw.contains("\"roc_auc\":0.5833333333333333"), "{raw}");
    assert_eq!(v["balanced_accuracy"].as_f64(), Some(0.5833333333333333));
    assert_eq!(v["matthews_corrcoef"].as_f64(), Some(0.16666666666666666));
    assert_eq!(v["average_precision"].as_f64(), Some(0.6444444444444444));
    assert_eq!(v["confusion_matrix"]["labels"], serde_json::json!([0, 1]));
    assert_eq!(
        v["confusion_matrix"]["counts"],
        serde_json::json!([[1, 1], [1, 2]])
    );
    assert_eq!(v["scores_from"], "y_pred");
    // roc_curve: +inf threshold as the string "inf".
    assert_eq!(
        v["roc_curve"],
        serde_json::json!({"fpr": [0.0, 0.5, 1.0], "tpr": [0.0, 2.0 / 3.0, 1.0],
                           "thresholds": ["inf", 1.0, 0.0]})
    );
    assert_eq!(v["warnings"], serde_json::json!([]));
    let line: Value = serde_json::from_str(&raw).unwrap();
    assert!(line["link"]
        .as_str()
        .unwrap()
        .starts_with("#lab=metrics&v=1&y_true=0,1,1,0,1&y_pred=0,1,0,1,1&"));
    // A link from before the evaluate lab split off (its canonical form listed a model
    // evaluation's keys, without effect under model=lists) gives the same report.
    let (old, _) = summary(
        "#lab=metrics&v=1&model=lists&y_true=0,1,1,0,1&y_pred=0,1,0,1,1&dataset=mnist&train_size=12000&n_neighbors=3&threshold=0.5",
    );
    assert_eq!(old, v);
}

#[test]
fn scores_and_multiclass_averages_match_sklearn() {
    let (v, _) = summary("#lab=metrics&y_true=0,0,1,1&y_pred=0,1,0,1&y_score=0.1,0.4,0.35,0.8");
    assert_eq!(v["scores_from"], "y_score");
    assert_eq!(v["roc_auc"], 0.75);
    assert_eq!(v["average_precision"].as_f64(), Some(0.8333333333333333));
    assert_eq!(
        v["roc_curve"]["thresholds"],
        serde_json::json!(["inf", 0.8, 0.4, 0.35, 0.1])
    );

    let (v, _) = summary("#lab=metrics&y_true=0,1,2,2,1,0,2&y_pred=0,2,2,2,1,1,0&average=macro");
    assert_eq!(v["precision"].as_f64(), Some(0.5555555555555555));
    assert_eq!(v["f1"].as_f64(), Some(0.5555555555555555));
    assert_eq!(v["matthews_corrcoef"], 0.34375);
    // Binary-only ranking metrics are skipped with scikit-learn's reason, not an error.
    assert!(v["roc_auc"].is_null());
    let skipped = v["skipped"].as_array().unwrap();
    assert!(skipped[0]["message"]
        .as_str()
        .unwrap()
        .contains("y_true has 3 classes [0 1 2]"));
    // The Chinese page names the metric in Chinese and gives scikit-learn's reason as is.
    let zh = skipped[0]["message_zh"].as_str().unwrap();
    assert!(
        zh.contains("没有计算 roc_auc") && zh.contains("y_true has 3 classes"),
        "{zh}"
    );
    let (v, _) = summary("#lab=metrics&y_true=0,1,2,2,1,0,2&y_pred=0,2,2,2,1,1,0&average=weighted");
    assert_eq!(v["recall"].as_f64(), Some(0.5714285714285714));
}

#[test]
fn undefined_metrics_warn_in_plain_words() {
    let (v, _) = summary("#lab=metrics&y_true=0,0,1&y_pred=0,0,0");
    assert_eq!(v["precision"], 0.0);
    let w = &v["warnings"][0];
    assert_eq!(w["metric"], "precision");
    assert_eq!(w["kind"], "UndefinedMetricWarning");
    assert!(w["message"]
        .as_str()
        .unwrap()
        .contains("Precision is ill-defined and being set to 0.0"));
    // The page's Chinese text: one label here, so "because there are no predicted samples".
    assert_eq!(
        w["message_zh"],
        "精确率（precision）无定义，已设为 0.0，因为没有预测样本。\
         可以用 zero_division 参数控制这一行为。（精确率 = TP / (TP + FP)，\
         没有样本被预测为该标签时是 0/0。）"
    );
    let (v, _) = summary("#lab=metrics&y_true=0,0,1&y_pred=0,0,0&zero_division=1");
    assert_eq!(v["precision"], 1.0);
    assert_eq!(v["warnings"], serde_json::json!([]));

    // One class only: ROC AUC is undefined (null) and says why.
    let (v, _) = summary("#lab=metrics&y_true=1,1,1&y_pred=1,0,1");
    assert!(v["roc_auc"].is_null());
    let auc_warning = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["metric"] == "roc_auc")
        .expect("roc_auc warning");
    let msg = auc_warning["message"].as_str().unwrap();
    assert!(
        msg.contains("Only one class is present in y_true. ROC AUC score is not defined"),
        "{msg}"
    );
    assert!(msg.contains("only the label 1"), "{msg}");
    let zh = auc_warning["message_zh"].as_str().unwrap();
    assert!(
        zh.contains("ROC AUC 无定义") && zh.contains("只含标签 1"),
        "{zh}"
    );
}

#[test]
fn bad_lists_exit_2_with_clear_messages() {
    let err = failure("#lab=metrics&y_true=0,1,x&y_pred=0,1,0");
    assert!(
        err.contains(
            "y_true=0,1,x is not a list of whole numbers (item 3, \"x\", is not a whole number)"
        ),
        "{err}"
    );
    let err = failure("#lab=metrics&y_true=0,1&y_pred=0,1&y_score=0.5,nan");
    assert!(err.contains("item 2, \"nan\", is not a number"), "{err}");
    let err = failure("#lab=metrics&y_true=0,1,1,0,1&y_pred=0,1,0,1");
    assert!(
        err.contains("y_true has 5 values but y_pred has 4: give one prediction per sample"),
        "{err}"
    );
    let err = failure("#lab=metrics&y_true=0,1,1&y_pred=0,1,1&y_score=0.2,0.7");
    assert!(
        err.contains("y_true has 3 values but y_score has 2"),
        "{err}"
    );
    let err = failure("#lab=metrics&y_true=&y_pred=");
    assert!(err.contains("y_true is empty"), "{err}");
    let err = failure("#lab=metrics&average=samples");
    assert!(
        err.contains("average=samples is not a known choice"),
        "{err}"
    );
}
