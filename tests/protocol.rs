//! The lab protocol itself, natively, through the erased handle the page's worker and the
//! CLI use: results do not depend on how work is cut into steps, the envelope advances
//! sensibly, a run can be cancelled, a finished evaluation redraws only for view-only keys,
//! and every registered lab starts from its default link.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{config, datasets_for};
use mlpad::labs::evaluate::{Evaluate, EvaluateConfig};
use mlpad::labs::{
    run_to_end, Budget, Lab, Phase, Progress, Status, StopReason, Summary, REGISTRY,
};
use mlpad::schema::FromConfig;
use serde_json::Value;

/// One small link per lab (two for the evaluate lab); the training ones end every epoch
/// on a short batch.
const LINKS: &[&str] = &[
    "#lab=cnn&seed=5&epochs=2&batch_size=50&train_size=230",
    "#lab=gradients&seed=2&depth=3&width=16&epochs=3&batch_size=64&train_size=300",
    "#lab=regularization&seed=4&variant=l1_l2&epochs=3&train_size=500",
    "#lab=augmentation&seed=6&augment=on&shear_range=10&epochs=2&train_size=300",
    "#lab=metrics&y_true=0,1,2,2,1&y_pred=0,2,2,1,1&average=macro",
    "#lab=evaluate&model=cnn&seed=3&train_size=200&batch_size=50",
    "#lab=evaluate&model=knn&train_size=700&n_neighbors=5&weights=distance",
    "#lab=knn&n_samples=600&test_size=0.25&n_neighbors=4",
    "#lab=gan&seed=3&steps=520&batch_size=16&hidden=32",
];

/// What a run's steps reported, joined: the per-step lists of the payloads (losses,
/// gradient norms, …) concatenated, and their records (epoch ends, galleries) in order.
/// Plain numbers are left out: they repeat the run's state at each step.
fn joined_payloads(steps: &[Progress<Value>]) -> Value {
    let mut out = serde_json::Map::new();
    for p in steps {
        let Value::Object(fields) = &p.payload else {
            continue;
        };
        for (k, v) in fields {
            let items = match v {
                Value::Array(items) if k != "gallery" => items.clone(),
                Value::Array(_) | Value::Object(_) => vec![v.clone()],
                _ => continue,
            };
            let slot = out
                .entry(k.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            slot.as_array_mut().unwrap().extend(items);
        }
    }
    Value::Object(out)
}

/// The envelope's rules: units within the phase's total, the share done and the samples
/// never going back, `done` on the last step only, and a finished run at fraction 1.
fn check_envelopes(link: &str, steps: &[Progress<Value>], summary: &Summary) {
    let (mut fraction, mut samples) = (0.0, 0);
    for (i, p) in steps.iter().enumerate() {
        assert!(
            p.step <= p.total,
            "{link} step {i}: {} > {}",
            p.step,
            p.total
        );
        assert!(
            p.fraction >= fraction && p.fraction <= 1.0,
            "{link} step {i}: fraction {} after {fraction}",
            p.fraction
        );
        assert!(p.samples >= samples, "{link} step {i}: samples went back");
        assert_eq!(p.done, i + 1 == steps.len(), "{link} step {i}");
        (fraction, samples) = (p.fraction, p.samples);
    }
    assert_eq!(summary.status, Status::Finished, "{link}");
    assert_eq!(fraction, 1.0, "{link}");
}

#[test]
fn results_do_not_depend_on_how_work_is_cut_into_steps() {
    for link in LINKS {
        let config = config(link);
        let data = datasets_for(&config);
        let runs: Vec<_> = [1, 7, 1000]
            .map(|units| run_to_end(&config, &data, units).expect("starts"))
            .into_iter()
            .collect();
        for (steps, summary) in &runs {
            check_envelopes(link, steps, summary);
        }
        let (one, seven, many) = (&runs[0], &runs[1], &runs[2]);
        assert_eq!(one.1, seven.1, "{link}: units(1) vs units(7)");
        assert_eq!(one.1, many.1, "{link}: units(1) vs units(1000)");
        assert_eq!(joined_payloads(&one.0), joined_payloads(&seven.0), "{link}");
        assert_eq!(joined_payloads(&one.0), joined_payloads(&many.0), "{link}");
        assert_eq!(
            one.0.last().unwrap().samples,
            many.0.last().unwrap().samples
        );
        // Smaller budgets mean more steps wherever there is more than one unit of work.
        if one.0.len() > 1 {
            assert!(one.0.len() > seven.0.len(), "{link}");
        }
    }
}

#[test]
fn a_cancelled_run_stops_and_says_so() {
    let link = "#lab=cnn&seed=5&epochs=2&batch_size=50&train_size=230";
    let config = config(link);
    let data = datasets_for(&config);
    let kind = REGISTRY.kind(&config);

    // Cancelling a finished run changes nothing.
    let mut run = kind.start(&config, &data).unwrap();
    while !run.step(&mut Budget::units(1000)).done {}
    let finished = run.summary();
    run.cancel();
    assert_eq!(run.summary(), finished);
    assert_eq!(finished.status, Status::Finished);

    let mut run = kind.start(&config, &data).unwrap();
    let first = run.step(&mut Budget::units(1));
    assert_eq!((first.step, first.done), (1, false));
    run.cancel();
    let s = run.summary();
    assert_eq!(s.status, Status::Cancelled);
    let stopped = s.stopped.clone().expect("says why it stopped");
    assert_eq!(stopped.reason, StopReason::Cancelled);
    assert!(!stopped.message.is_empty() && !stopped.message_zh.is_empty());
    assert!(s.metrics.is_empty(), "no epoch ended: {:?}", s.metrics);
    assert!(run.view(&config).is_err(), "nothing to redraw");
    // Later steps do no work and say the run is over, and why (a worker loops until done).
    for _ in 0..2 {
        let p = run.step(&mut Budget::units(5));
        assert_eq!(p.step, 1, "no training after cancel");
        assert!(p.done, "a cancelled run has no work left: {p:?}");
        assert_eq!(p.stopped.as_ref(), Some(&stopped), "{p:?}");
    }
    assert_eq!(run.summary(), s);

    // Cancelled before any work.
    let mut run = kind.start(&config, &data).unwrap();
    run.cancel();
    assert_eq!(run.summary().status, Status::Cancelled);
    let p = run.step(&mut Budget::units(5));
    assert_eq!(p.step, 0);
    assert!(p.done && p.stopped.is_some(), "{p:?}");
}

#[test]
fn a_finished_evaluation_redraws_for_view_keys_only() {
    let base = "#lab=evaluate&model=knn&train_size=500";
    let config = config(base);
    let data = datasets_for(&config);
    let mut run = REGISTRY.kind(&config).start(&config, &data).unwrap();
    let moved = common::config(&format!("{base}&threshold=0.9"));
    assert!(
        run.view(&moved).unwrap_err().contains("not finished"),
        "no view before the end"
    );
    while !run.step(&mut Budget::units(1000)).done {}
    let summary = run.summary();
    assert_eq!(run.view(&config).unwrap(), summary.report);

    // The typed lab's report for the moved threshold, computed from its own run.
    let mut typed = Evaluate::new(EvaluateConfig::from_config(&config), &data).unwrap();
    while !typed.step(&mut Budget::units(1000)).done {}
    let want = |c: &mlpad::schema::Config| {
        serde_json::to_value(typed.report(&EvaluateConfig::from_config(c)).unwrap()).unwrap()
    };
    let view = run.view(&moved).expect("threshold is view-only");
    assert_eq!(view, want(&moved));
    assert_eq!(view["one_vs_rest"]["at_threshold"]["threshold"], 0.9);
    assert_ne!(
        view["one_vs_rest"]["at_threshold"],
        summary.report["one_vs_rest"]["at_threshold"]
    );
    // Keys the KNN does not use are inactive and do not make another run either.
    let cnn_keys = common::config(&format!("{base}&positive_class=7&epochs=5&seed=1"));
    assert_eq!(run.view(&cnn_keys).unwrap(), want(&cnn_keys));

    for other in [
        format!("{base}&n_neighbors=4"),
        base.replace("train_size=500", "train_size=600"),
        format!("{base}&dataset=fashion_mnist"),
        "#lab=evaluate&model=cnn&train_size=500".to_string(),
        "#lab=knn&n_neighbors=3".to_string(),
    ] {
        let e = run.view(&common::config(&other)).unwrap_err();
        assert!(e.contains("another run"), "{other}: {e}");
    }
}

/// Each table's keys that make a default run long, at small values.
const SMALL: &[(&str, &str)] = &[
    ("train_size", "200"),
    ("n_samples", "300"),
    ("epochs", "1"),
    ("steps", "20"),
];

#[test]
fn every_lab_starts_from_its_default_link_and_takes_a_first_step() {
    let specs = REGISTRY.specs();
    let ids: Vec<&str> = specs.iter().map(|s| s.id).collect();
    for id in [
        "cnn",
        "gradients",
        "regularization",
        "augmentation",
        "metrics",
        "evaluate",
        "knn",
        "gan",
    ] {
        assert!(ids.contains(&id), "{id} is registered: {ids:?}");
    }
    for spec in specs {
        let mut link = format!("#lab={}", spec.id);
        for (key, value) in SMALL {
            if spec.params.iter().any(|p| p.name == *key) {
                link.push_str(&format!("&{key}={value}"));
            }
        }
        let config = config(&link);
        let kind = REGISTRY.kind(&config);
        assert_eq!(kind.spec().id, spec.id);
        let data = datasets_for(&config);
        let mut run = kind.start(&config, &data).expect(&link);
        assert_eq!(run.summary().status, Status::Running, "{link}");
        let needs_data = !kind.datasets(&config).is_empty();
        if needs_data {
            // The classes it tells apart: ten, or a task's subset (transfer's digits 5–9).
            let n = run.info().classes.len();
            assert!((2..=10).contains(&n), "{link}: {n} classes");
        }
        let mut p = run.step(&mut Budget::units(1));
        // A lab may first switch phase without work (the KNN's evaluation trains nothing).
        if p.step == 0 && !p.done {
            p = run.step(&mut Budget::units(1));
        }
        assert!(p.step > 0 || p.done, "{link}: no progress: {p:?}");
        assert!(
            p.fraction > 0.0 && p.fraction <= 1.0,
            "{link}: {}",
            p.fraction
        );
        if needs_data {
            assert!(p.samples > 0, "{link}");
        }
        if p.done {
            assert_eq!(p.phase, Phase::Done, "{link}");
            assert_eq!(run.summary().status, Status::Finished, "{link}");
        }
    }
}

#[test]
fn every_labs_essentials_are_a_few_of_its_own_settings() {
    for spec in REGISTRY.specs() {
        assert!(
            (1..=4).contains(&spec.essentials.len()),
            "{}: an embedded lab shows one to four settings up front",
            spec.id
        );
        for name in spec.essentials {
            let p = spec.params.iter().find(|p| p.name == *name);
            let p = p.unwrap_or_else(|| panic!("{}: no setting {name}", spec.id));
            // The page draws the compared setting itself, once per variant.
            assert_ne!(Some(p.name), spec.compare, "{}: {name}", spec.id);
        }
    }
}
