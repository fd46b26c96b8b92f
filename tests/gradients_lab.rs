//! The gradients lab's presets reproduce the textbook cases on real MNIST: vanishing
//! gradients starve the first layers, exploding ones overflow and stop the run with the
//! step and layer named, and the fixes learn.
#![cfg(not(target_arch = "wasm32"))]

use mlpad::data::dataset::bundled_dir;
use mlpad::data::Dataset;
use mlpad::labs::{build, gradients, Snapshot};
use mlpad::link;
use std::rc::Rc;

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

fn run(link_text: &str) -> (Vec<Snapshot>, mlpad::labs::trainer::Run) {
    let parsed = link::parse_strict(link_text).expect("valid link");
    let data = Rc::new(Dataset::load_dir("mnist", &bundled_dir()).unwrap());
    let mut lab = build(parsed.config, data).unwrap();
    let mut snaps = Vec::new();
    loop {
        let s = lab.step(50);
        let done = s.done;
        snaps.push(s);
        if done {
            return (snaps, lab);
        }
    }
}

#[test]
fn vanishing_preset_starves_the_first_layers_and_its_fix_does_not() {
    let (snaps, _) = run(&preset_link("vanishing"));
    let first_step = &snaps[0].grad_norms[0];
    assert_eq!(first_step.len(), 11, "10 hidden layers + output");
    let ratio = first_step[0] / first_step[10];
    assert!(ratio < 1e-4, "first/last gradient norm {ratio}");

    let (snaps, lab) = run(&preset_link("vanishing_fixed"));
    let g = &snaps[0].grad_norms[0];
    let ratio = g[0] / g[g.len() - 1];
    assert!(
        ratio > 0.05,
        "first/last gradient norm with he_normal + BN: {ratio}"
    );
    assert!(lab.last_test().unwrap().accuracy > 0.85);
}

#[test]
fn exploding_preset_stops_with_step_and_layer_and_its_fix_learns() {
    let (snaps, _) = run(&preset_link("exploding"));
    let last = snaps.last().unwrap();
    let msg = last
        .diverged
        .as_ref()
        .expect("the exploding preset diverges");
    assert!(
        msg.contains("diverged at step") && msg.contains("in layer"),
        "{msg}"
    );
    assert!(last.done);

    let (snaps, lab) = run(&preset_link("exploding_fixed"));
    assert!(snaps.iter().all(|s| s.diverged.is_none()));
    assert!(lab.last_test().unwrap().accuracy > 0.85);
}

#[test]
fn every_preset_is_a_valid_link() {
    for p in gradients::SPEC.presets {
        let parsed = link::parse(&preset_link(p.id));
        assert!(parsed.errors.is_empty(), "{}: {:?}", p.id, parsed.errors);
    }
}
