//! The GAN lab through the registry: deterministic runs whatever the chunking, the samples
//! grid and timeline, the snippet's bugs as settings, and the quality figure on known
//! inputs (the shipped classifiers themselves are checked in `tests/pretrained.rs`).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use mlpad::labs::gan::{GanLab, GanLabConfig, Quality, Scorer, GRID, QUALITY_SAMPLES};
use mlpad::labs::{run_to_end, Assets, Budget, Lab, Status, REGISTRY};
use mlpad::schema::FromConfig;

fn assets() -> Assets {
    common::every_asset()
}

fn typed(link: &str) -> GanLab {
    let config = REGISTRY.parse_strict(link).unwrap().config;
    GanLab::new(GanLabConfig::from_config(&config), &assets()).unwrap()
}

#[test]
fn a_link_replays_the_same_run_whatever_the_chunking() {
    let data = assets();
    let config = REGISTRY
        .parse_strict("#lab=gan&seed=3&steps=520&batch_size=16&hidden=32")
        .unwrap()
        .config;
    let (a_steps, a) = run_to_end(&config, &data, 1).unwrap();
    let (_, b) = run_to_end(&config, &data, 37).unwrap();
    assert_eq!(a.status, Status::Finished);
    assert_eq!(a, b, "chunking changed the run");
    let log_points: usize = a_steps
        .iter()
        .map(|p| p.payload["log"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(log_points, 52, "a point per 10 steps");
    // Quality figures at step 500 and at the end; both networks in the fingerprint.
    let steps: Vec<u64> = a.report["qualities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["step"].as_u64().unwrap())
        .collect();
    assert_eq!(steps, [500, 520]);
    let g = a.report["generator_sha256"].as_str().unwrap();
    let d = a.report["discriminator_sha256"].as_str().unwrap();
    assert_ne!(g, d);
    assert_eq!(a.weights_sha256.as_deref().map(str::len), Some(64));
    for key in [
        "confident",
        "classes",
        "largest_share",
        "d_loss",
        "g_loss",
        "d_real",
        "d_fake",
    ] {
        assert!(
            a.metrics.contains_key(key),
            "{key} missing from {:?}",
            a.metrics
        );
    }
    // Another seed, another run.
    let other = REGISTRY
        .parse_strict("#lab=gan&seed=4&steps=520&batch_size=16&hidden=32")
        .unwrap()
        .config;
    assert_ne!(
        run_to_end(&other, &data, 64).unwrap().1.weights_sha256,
        a.weights_sha256
    );
}

#[test]
fn the_grid_and_strip_come_with_a_timeline_that_starts_at_step_zero() {
    let mut lab = typed("#lab=gan&seed=1&steps=600&batch_size=8&hidden=32");
    let mut grids = Vec::new();
    loop {
        let p = lab.step(&mut Budget::units(50));
        if let Some(g) = &p.payload.grid {
            let grid = p
                .pictures
                .iter()
                .find(|x| x.key == "grid")
                .expect("grid picture");
            let strip = p
                .pictures
                .iter()
                .find(|x| x.key == "interpolation")
                .expect("strip");
            assert_eq!((grid.width, grid.height), (GRID * 30 + 2, GRID * 30 + 2));
            assert_eq!((strip.width, strip.height), (10 * 30 + 2, 32));
            grids.push((g.step, g.timeline, grid.rgba.clone()));
        }
        if p.done {
            break;
        }
    }
    let timeline: Vec<usize> = grids.iter().filter(|g| g.1).map(|g| g.0).collect();
    assert_eq!(timeline, [0, 100, 250, 500, 600]);
    // The same noise every time: the grid changes only because the generator learns.
    assert_ne!(grids[0].2, grids.last().unwrap().2);
}

#[test]
fn as_in_the_snippet_the_generator_never_learns() {
    // The preset's settings: the generator gets no gradient, the discriminator is not
    // frozen in the combined model; it runs (unlike the snippet), but only D changes.
    let preset = |steps: usize| {
        let p = REGISTRY
            .specs()
            .into_iter()
            .find(|s| s.id == "gan")
            .unwrap()
            .presets
            .iter()
            .find(|p| p.id == "snippet")
            .unwrap();
        let mut link = String::from("#lab=gan&seed=2");
        for (k, v) in p.values {
            if *k != "steps" {
                link.push_str(&format!("&{k}={v}"));
            }
        }
        link.push_str(&format!("&steps={steps}"));
        let (_, s) = run_to_end(
            &REGISTRY.parse_strict(&link).unwrap().config,
            &assets(),
            100,
        )
        .unwrap();
        s
    };
    let (one, hundred) = (preset(1), preset(100));
    assert_eq!(
        one.report["generator_sha256"],
        hundred.report["generator_sha256"]
    );
    assert_ne!(
        one.report["discriminator_sha256"],
        hundred.report["discriminator_sha256"]
    );
    assert_eq!(hundred.metrics["confident"], 0.0, "noise is not a digit");
}

#[test]
fn the_quality_figure_recognises_real_digits_not_blank_or_repeated_ones() {
    let data = assets();
    let mnist = data.dataset("mnist").unwrap();
    let mut scorer = Scorer::new(&data.weights("cnn_mnist").unwrap()).unwrap();
    let n = QUALITY_SAMPLES;
    // Real test digits, scaled to [−1, 1] as the generator draws them.
    let real: Vec<f32> = (0..n)
        .flat_map(|i| {
            mnist
                .test
                .image(i)
                .iter()
                .map(|&p| p as f32 / 127.5 - 1.0)
                .collect::<Vec<_>>()
        })
        .collect();
    let mut counts = vec![0; 10];
    scorer.count_confident(&real, &mut counts);
    let q = Quality::from_counts(0, counts, n);
    assert!(q.confident > 0.9, "real digits: {q:?}");
    assert_eq!(q.classes, 10);
    assert!(!q.mode_collapse && q.largest_share < 0.15, "{q:?}");
    // A blank page is no digit the classifier is sure of… most of the time: at least it
    // is one class, never ten.
    let mut counts = vec![0; 10];
    scorer.count_confident(&vec![-1.0; n * 784], &mut counts);
    let blank = Quality::from_counts(0, counts, n);
    assert!(blank.classes <= 1, "{blank:?}");
    // The same digit a thousand times is mode collapse.
    let one: Vec<f32> = real[..784].repeat(n);
    let mut counts = vec![0; 10];
    scorer.count_confident(&one, &mut counts);
    let same = Quality::from_counts(0, counts, n);
    assert!(
        same.mode_collapse && same.largest_share == 1.0 && same.classes == 1,
        "{same:?}"
    );
}

#[test]
fn quality_counts_name_collapse_above_half() {
    let q = Quality::from_counts(7, vec![51, 49, 0, 0, 0, 0, 0, 0, 0, 0], 1000);
    assert_eq!(
        (q.confident, q.classes, q.largest_share, q.mode_collapse),
        (0.1, 2, 0.51, true)
    );
    let q = Quality::from_counts(7, vec![50, 50, 0, 0, 0, 0, 0, 0, 0, 0], 1000);
    assert!(!q.mode_collapse, "exactly half is not more than half");
    // Classes need 1% of the confident samples to count as covered.
    let q = Quality::from_counts(7, vec![995, 5, 0, 0, 0, 0, 0, 0, 0, 0], 1000);
    assert_eq!(q.classes, 1);
    let none = Quality::from_counts(7, vec![0; 10], 1000);
    assert_eq!(
        (
            none.confident,
            none.classes,
            none.largest_share,
            none.mode_collapse
        ),
        (0.0, 0, 0.0, false)
    );
}
