//! The gradients lab's presets reproduce the textbook cases on real MNIST: vanishing
//! gradients starve the first layers, exploding ones overflow and stop the run with the
//! step and layer named, and the fixes learn.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use mlpad::labs::gradients::{self, Gradients, LayerSteps};
use mlpad::labs::training::{Nothing, TrainPayload, Training};
use mlpad::labs::{Progress, StopReason, REGISTRY};

type GradientsLab = Training<Gradients>;
type Step = Progress<TrainPayload<LayerSteps, Nothing>>;

fn preset_link(id: &str) -> String {
    let p = gradients::SPEC
        .presets
        .iter()
        .find(|p| p.id == id)
        .expect("preset exists");
    let mut s = String::from("#lab=gradients");
    for (k, v) in p.values {
        s.push_str(&format!("&{k}={v}"));
    }
    s
}

fn run(link: &str) -> (GradientsLab, Vec<Step>) {
    let (lab, steps) = common::run_typed::<GradientsLab>(link, 50);
    // One record per step run, each with one entry per layer that has weights.
    let layers = lab.trainer().layer_names().len();
    for s in &steps {
        let (g, u) = (&s.payload.steps.grad_norms, &s.payload.steps.update_ratios);
        assert_eq!(g.len(), s.payload.losses.len(), "{link}");
        assert_eq!(u.len(), s.payload.losses.len(), "{link}");
        assert!(g.iter().chain(u).all(|r| r.len() == layers), "{link}");
    }
    (lab, steps)
}

fn accuracy(lab: &GradientsLab) -> f64 {
    lab.trainer().last_test().expect("an epoch ended").accuracy
}

#[test]
fn vanishing_preset_starves_the_first_layers_and_its_fix_does_not() {
    let (_, steps) = run(&preset_link("vanishing"));
    let first_step = &steps[0].payload.steps.grad_norms[0];
    assert_eq!(first_step.len(), 11, "10 hidden layers + output");
    let ratio = first_step[0] / first_step[10];
    assert!(ratio < 1e-4, "first/last gradient norm {ratio}");

    let (lab, steps) = run(&preset_link("vanishing_fixed"));
    let g = &steps[0].payload.steps.grad_norms[0];
    let ratio = g[0] / g[g.len() - 1];
    assert!(
        ratio > 0.05,
        "first/last gradient norm with he_normal + BN: {ratio}"
    );
    assert!(accuracy(&lab) > 0.85, "{}", accuracy(&lab));
}

#[test]
fn exploding_preset_stops_with_step_and_layer_and_its_fix_learns() {
    let (lab, steps) = run(&preset_link("exploding"));
    let last = steps.last().unwrap();
    assert!(last.done);
    let stopped = last
        .stopped
        .as_ref()
        .expect("the exploding preset diverges");
    assert_eq!(stopped.reason, StopReason::Diverged);
    let msg = &stopped.message;
    assert!(
        msg.contains(&format!("diverged at step {}", last.step)) && msg.contains("in layer"),
        "{msg}"
    );
    assert!(last.step < lab.trainer().total_steps(), "stopped early");
    // Only the last report says so.
    assert!(steps[..steps.len() - 1].iter().all(|s| s.stopped.is_none()));

    let (lab, steps) = run(&preset_link("exploding_fixed"));
    assert!(steps.iter().all(|s| s.stopped.is_none()));
    assert_eq!(steps.last().unwrap().step, lab.trainer().total_steps());
    assert!(accuracy(&lab) > 0.85, "{}", accuracy(&lab));
}

#[test]
fn every_preset_is_a_valid_link_that_sets_its_values() {
    let ids: Vec<&str> = gradients::SPEC.presets.iter().map(|p| p.id).collect();
    assert_eq!(
        ids,
        [
            "vanishing",
            "vanishing_fixed",
            "exploding",
            "exploding_fixed"
        ]
    );
    for p in gradients::SPEC.presets {
        let parsed = REGISTRY.parse(&preset_link(p.id));
        assert!(parsed.errors.is_empty(), "{}: {:?}", p.id, parsed.errors);
        assert_eq!(parsed.lab, "gradients");
        for (k, v) in p.values {
            let canonical = format!("&{k}={v}&");
            assert!(
                format!("{}&", parsed.canonical).contains(&canonical),
                "{}: {k}={v} not in {}",
                p.id,
                parsed.canonical
            );
        }
    }
}
