#![cfg(not(target_arch = "wasm32"))]
//! mlpad::metrics against scikit-learn: every value in tests/fixtures/metrics/cases.json
//! (made by make_fixtures.py next to it) must match to 1e-12 (NaN equals NaN, infinities
//! equal by sign), every warning scikit-learn raised must be raised here too (same class,
//! scikit-learn's message as the start of ours), and every exception must be an error.

use mlpad::metrics::{
    accuracy_score, average_precision_score, balanced_accuracy_score, confusion_matrix, f1_score,
    matthews_corrcoef, precision_recall_curve, precision_score, recall_score, roc_auc_score,
    roc_curve, Average, Averaged, Label, MetricError, MetricResult, MetricWarning, PrfOptions,
    ZeroDivision,
};
use serde_json::Value;

const TOL: f64 = 1e-12;

struct Checker {
    messages: Vec<(String, String)>,
    failures: Vec<String>,
    values: usize,
    bit_exact: usize,
    warnings: usize,
    errors: usize,
}

/// A float from the fixture: a string holding Python's repr (parsed by Rust's correctly
/// rounded parser, so the value is bit-exact) or "inf"/"-inf"/"nan".
fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) => match s.as_str() {
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            "nan" => f64::NAN,
            repr => repr
                .parse()
                .unwrap_or_else(|_| panic!("bad float {repr:?}")),
        },
        Value::Number(n) => n.as_f64().expect("float"),
        other => panic!("not a number: {other}"),
    }
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(num).collect()
}

fn labels(v: &Value) -> Vec<Label> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_i64().expect("integer label"))
        .collect()
}

impl Checker {
    fn fail(&mut self, at: &str, what: String) {
        self.failures.push(format!("{at}: {what}"));
    }

    fn close(&mut self, at: &str, got: f64, want: f64) {
        self.values += 1;
        if got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()) {
            self.bit_exact += 1;
            return;
        }
        let ok = (got == want) || (got - want).abs() <= TOL;
        if !ok {
            self.fail(at, format!("got {got:?}, scikit-learn {want:?}"));
        }
    }

    fn close_all(&mut self, at: &str, got: &[f64], want: &[f64]) {
        if got.len() != want.len() {
            self.fail(
                at,
                format!("got {got:?}, scikit-learn {want:?} (lengths differ)"),
            );
            return;
        }
        for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
            self.close(&format!("{at}[{i}]"), g, w);
        }
    }

    fn warnings(&mut self, at: &str, got: &[MetricWarning], want: &Value) {
        let want: Vec<(String, String)> = match want.get("warnings") {
            None => Vec::new(),
            Some(ids) => ids
                .as_array()
                .expect("warning ids")
                .iter()
                .map(|i| self.messages[i.as_u64().expect("id") as usize].clone())
                .collect(),
        };
        self.warnings += want.len();
        let matches = got.len() == want.len()
            && got
                .iter()
                .zip(&want)
                .all(|(g, (cat, msg))| g.kind.python_name() == cat && g.message.starts_with(msg));
        if !matches {
            let got: Vec<(&str, &str)> = got
                .iter()
                .map(|w| (w.kind.python_name(), w.message.as_str()))
                .collect();
            self.fail(at, format!("warnings {got:?}, scikit-learn {want:?}"));
        }
    }

    /// Checks that an expected error is an error; otherwise returns the result.
    fn outcome<'a, T: std::fmt::Debug>(
        &mut self,
        at: &str,
        got: Result<T, MetricError>,
        want: &'a Value,
    ) -> Option<(T, &'a Value)> {
        match (got, want.get("error")) {
            (Err(_), Some(_)) => {
                self.errors += 1;
                None
            }
            (Ok(v), None) => Some((v, &want["value"])),
            (Ok(v), Some(e)) => {
                self.fail(at, format!("got {v:?}, scikit-learn raised {e}"));
                None
            }
            (Err(e), None) => {
                self.fail(
                    at,
                    format!("error {e}, scikit-learn gave {}", want["value"]),
                );
                None
            }
        }
    }

    fn scalar_result(
        &mut self,
        at: &str,
        got: Result<MetricResult<f64>, MetricError>,
        want: &Value,
    ) {
        if let Some((r, v)) = self.outcome(at, got, want) {
            self.close(at, r.value, num(v));
            self.warnings(at, &r.warnings, want);
        }
    }
}

fn zero_division(v: &Value) -> ZeroDivision {
    match v {
        Value::String(s) if s == "warn" => ZeroDivision::Warn,
        Value::String(s) if s == "nan" => ZeroDivision::NaN,
        other if num(other) == 0.0 => ZeroDivision::Zero,
        other if num(other) == 1.0 => ZeroDivision::One,
        other => panic!("bad zero_division {other}"),
    }
}

fn check_classification(c: &mut Checker, case: &Value) {
    let id = case["id"].as_str().expect("id");
    let y_true = labels(&case["y_true"]);
    let y_pred = labels(&case["y_pred"]);
    let explicit = case.get("labels").map(labels);

    let at = format!("{id} accuracy");
    if let Some((v, want)) = c.outcome(&at, accuracy_score(&y_true, &y_pred), &case["accuracy"]) {
        c.close(&at, v, num(want));
    }
    for (key, adjusted) in [
        ("balanced_accuracy", false),
        ("balanced_accuracy_adjusted", true),
    ] {
        let got = balanced_accuracy_score(&y_true, &y_pred, adjusted);
        c.scalar_result(&format!("{id} {key}"), got, &case[key]);
    }
    c.scalar_result(
        &format!("{id} matthews_corrcoef"),
        matthews_corrcoef(&y_true, &y_pred),
        &case["matthews_corrcoef"],
    );
    let mut cms = vec![("confusion_matrix", None)];
    if let Some(l) = &explicit {
        cms.push(("confusion_matrix_labels", Some(l.as_slice())));
    }
    for (key, labs) in cms {
        let at = format!("{id} {key}");
        let want = &case[key];
        if let Some((r, v)) = c.outcome(&at, confusion_matrix(&y_true, &y_pred, labs), want) {
            let want_counts: Vec<Vec<u64>> = v
                .as_array()
                .expect("matrix")
                .iter()
                .map(|row| {
                    row.as_array()
                        .expect("row")
                        .iter()
                        .map(|x| x.as_u64().expect("count"))
                        .collect()
                })
                .collect();
            c.values += 1;
            if r.value.rows() != want_counts {
                c.fail(
                    &at,
                    format!("got {:?}, scikit-learn {want_counts:?}", r.value.counts),
                );
            } else {
                c.bit_exact += 1;
            }
            c.warnings(&at, &r.warnings, want);
        }
    }

    for entry in case["prf"].as_array().expect("prf") {
        let average = match entry["average"].as_str().expect("average") {
            "binary" => Average::Binary {
                pos_label: entry["pos_label"].as_i64().expect("pos_label"),
            },
            "micro" => Average::Micro,
            "macro" => Average::Macro,
            "weighted" => Average::Weighted,
            "none" => Average::None,
            other => panic!("bad average {other}"),
        };
        let mut opts =
            PrfOptions::new(average).zero_division(zero_division(&entry["zero_division"]));
        if entry.get("labels").is_some() {
            opts = opts.labels(explicit.as_deref().expect("case labels"));
        }
        type ScoreFn =
            fn(&[Label], &[Label], &PrfOptions) -> Result<MetricResult<Averaged>, MetricError>;
        let fns: [(&str, ScoreFn); 3] = [
            ("precision", precision_score),
            ("recall", recall_score),
            ("f1", f1_score),
        ];
        for (name, f) in fns {
            let at = format!(
                "{id} {name} {:?} labels={:?}",
                opts.average,
                opts.labels.is_some()
            );
            let at = format!("{at} zero_division={:?}", opts.zero_division);
            let want = &entry[name];
            if let Some((r, v)) = c.outcome(&at, f(&y_true, &y_pred, &opts), want) {
                match (&r.value, v) {
                    (Averaged::Scalar(g), w) if !w.is_array() => c.close(&at, *g, num(w)),
                    (Averaged::PerLabel(g), w) if w.is_array() => c.close_all(&at, g, &nums(w)),
                    (g, w) => c.fail(&at, format!("shape: got {g:?}, scikit-learn {w}")),
                }
                c.warnings(&at, &r.warnings, want);
            }
        }
    }
}

fn check_scores(c: &mut Checker, case: &Value) {
    let id = case["id"].as_str().expect("id");
    let y_true = labels(&case["y_true"]);
    let y_score = nums(&case["y_score"]);
    let pos_label = case["pos_label"].as_i64();

    for (key, drop) in [("roc_curve", true), ("roc_curve_all", false)] {
        let at = format!("{id} {key}");
        let want = &case[key];
        if let Some((r, v)) = c.outcome(&at, roc_curve(&y_true, &y_score, pos_label, drop), want) {
            c.close_all(&format!("{at} fpr"), &r.value.fpr, &nums(&v[0]));
            c.close_all(&format!("{at} tpr"), &r.value.tpr, &nums(&v[1]));
            c.close_all(
                &format!("{at} thresholds"),
                &r.value.thresholds,
                &nums(&v[2]),
            );
            c.warnings(&at, &r.warnings, want);
        }
    }
    c.scalar_result(
        &format!("{id} roc_auc"),
        roc_auc_score(&y_true, &y_score),
        &case["roc_auc"],
    );
    for (key, drop) in [("pr_curve", false), ("pr_curve_drop", true)] {
        let at = format!("{id} {key}");
        let want = &case[key];
        let got = precision_recall_curve(&y_true, &y_score, pos_label, drop);
        if let Some((r, v)) = c.outcome(&at, got, want) {
            c.close_all(&format!("{at} precision"), &r.value.precision, &nums(&v[0]));
            c.close_all(&format!("{at} recall"), &r.value.recall, &nums(&v[1]));
            c.close_all(
                &format!("{at} thresholds"),
                &r.value.thresholds,
                &nums(&v[2]),
            );
            c.warnings(&at, &r.warnings, want);
        }
    }
    let ap_pos = case["ap_pos_label"].as_i64().expect("ap_pos_label");
    c.scalar_result(
        &format!("{id} average_precision"),
        average_precision_score(&y_true, &y_score, ap_pos),
        &case["average_precision"],
    );
}

#[test]
fn metrics_match_scikit_learn() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/metrics/cases.json"
    );
    let text = std::fs::read_to_string(path).expect("read cases.json");
    let fixture: Value = serde_json::from_str(&text).expect("parse cases.json");
    let messages = fixture["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            let m = m.as_array().expect("[category, message]");
            (
                m[0].as_str().unwrap().to_string(),
                m[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut c = Checker {
        messages,
        failures: Vec::new(),
        values: 0,
        bit_exact: 0,
        warnings: 0,
        errors: 0,
    };
    let classification = fixture["classification"]
        .as_array()
        .expect("classification");
    let scores = fixture["scores"].as_array().expect("scores");
    for case in classification {
        check_classification(&mut c, case);
    }
    for case in scores {
        check_scores(&mut c, case);
    }
    println!(
        "scikit-learn {} / numpy {}: {} classification + {} score cases, {} values \
         ({} bit-identical), {} warnings, {} errors",
        fixture["sklearn_version"],
        fixture["numpy_version"],
        classification.len(),
        scores.len(),
        c.values,
        c.bit_exact,
        c.warnings,
        c.errors
    );
    assert!(classification.len() + scores.len() >= 300);
    if !c.failures.is_empty() {
        let shown: Vec<&String> = c.failures.iter().take(40).collect();
        panic!(
            "{} mismatches with scikit-learn:\n{shown:#?}",
            c.failures.len()
        );
    }
}
