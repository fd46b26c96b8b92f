//! The transfer lab through the registry: a frozen base is bit-identical after training,
//! the head is replaced to fit each task, bad weights files are refused without changing
//! anything, runs replay whatever the chunking, and a pretrained base beats training from
//! scratch when labels are scarce.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use mlpad::data::dataset::bundled_dir;
use mlpad::data::pretrained;
use mlpad::labs::cnn::model_spec;
use mlpad::labs::transfer::{Transfer, TransferConfig, BASE_LAYERS};
use mlpad::labs::{run_to_end, Assets, Budget, Lab, Status, REGISTRY};
use mlpad::nn::{checkpoint, Sequential};
use mlpad::rng::Rng;
use mlpad::schema::FromConfig;
use safetensors::tensor::{Dtype, TensorView};

fn assets() -> Assets {
    common::every_asset()
}

fn typed(link: &str, data: &Assets) -> Transfer {
    let config = REGISTRY.parse_strict(link).unwrap().config;
    Transfer::new(TransferConfig::from_config(&config), data).unwrap()
}

fn train(run: &mut Transfer) {
    while !run.step(&mut Budget::units(16)).done {}
}

/// Every parameter value of `layers`, as bits (so -0.0 and NaN payloads count).
fn bits(model: &Sequential, layers: std::ops::Range<usize>) -> Vec<u32> {
    model.layers()[layers]
        .iter()
        .flat_map(|l| l.params())
        .flat_map(|p| p.value.iter().map(|v| v.to_bits()))
        .collect()
}

/// The shipped base loaded into a fresh copy of the CNN lab's network.
fn shipped_base(name: &str) -> Sequential {
    let mut m = Sequential::new([28, 28, 1], &model_spec(10), &mut Rng::new(99)).unwrap();
    let bytes = pretrained::load_dir(name, &bundled_dir()).unwrap();
    checkpoint::load_layers(&mut m, 0..BASE_LAYERS, &bytes).unwrap();
    m
}

#[test]
fn a_frozen_base_is_bit_identical_after_training_and_the_head_learns() {
    let data = assets();
    let mut run = typed(
        "#lab=transfer&mode=frozen&steps=60&labels_per_class=5",
        &data,
    );
    let head_before = bits(run.model(), BASE_LAYERS..BASE_LAYERS + 2);
    let shipped = bits(&shipped_base("cnn_digits_0_4"), 0..BASE_LAYERS);
    assert_eq!(
        bits(run.model(), 0..BASE_LAYERS),
        shipped,
        "the base is loaded"
    );
    train(&mut run);
    assert_eq!(
        bits(run.model(), 0..BASE_LAYERS),
        shipped,
        "a frozen base moved"
    );
    assert_ne!(bits(run.model(), BASE_LAYERS..BASE_LAYERS + 2), head_before);
    let table = run.layer_table();
    assert_eq!(table.iter().filter(|l| !l.trainable).count(), 3);
    assert!(table.iter().all(|l| l.trainable != l.base));
    let o = run.outcome();
    assert_eq!(o.report["frozen_params"], 320 + 18_496 + 36_928);
    assert_eq!(o.report["trainable_params"], 36_928 + 325);

    // Fine-tuning and the snippet move the base; from scratch never had it.
    for mode in ["fine_tune", "snippet"] {
        let mut run = typed(
            &format!("#lab=transfer&mode={mode}&steps=30&labels_per_class=5"),
            &data,
        );
        train(&mut run);
        assert_ne!(bits(run.model(), 0..BASE_LAYERS), shipped, "{mode}");
        assert!(run.layer_table().iter().all(|l| l.trainable), "{mode}");
    }
    let run = typed("#lab=transfer&mode=scratch", &data);
    assert_ne!(bits(run.model(), 0..BASE_LAYERS), shipped);
}

#[test]
fn the_head_is_replaced_to_fit_each_task() {
    let data = assets();
    for (task, outputs, base) in [
        ("digits_5_9", 5, "cnn_digits_0_4"),
        ("fashion", 10, "cnn_mnist"),
        ("binary_5_8", 1, "cnn_digits_0_4"),
    ] {
        let run = typed(&format!("#lab=transfer&task={task}&mode=frozen"), &data);
        let m = run.model();
        assert_eq!(m.outputs(), outputs, "{task}");
        assert_eq!(m.layers().len(), BASE_LAYERS + 2, "{task}");
        assert_eq!(
            bits(m, 0..BASE_LAYERS),
            bits(&shipped_base(base), 0..BASE_LAYERS),
            "{task} starts from {base}"
        );
        // The same seed gives every mode the same head.
        let other = typed(&format!("#lab=transfer&task={task}&mode=scratch"), &data);
        assert_eq!(
            bits(other.model(), BASE_LAYERS..BASE_LAYERS + 2),
            bits(m, BASE_LAYERS..BASE_LAYERS + 2),
            "{task}"
        );
        // Only the runs that load a base ask for one.
        let config = TransferConfig::from_config(
            &REGISTRY
                .parse_strict(&format!("#lab=transfer&task={task}&mode=scratch"))
                .unwrap()
                .config,
        );
        assert!(Transfer::pretrained(&config).is_empty());
    }
}

/// A safetensors file holding the base's tensors, each passed through `edit`.
fn base_file(edit: impl Fn(&str, Vec<usize>, Vec<u8>) -> (Dtype, Vec<usize>, Vec<u8>)) -> Vec<u8> {
    let m = shipped_base("cnn_digits_0_4");
    let tensors: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = m.layers()[..BASE_LAYERS]
        .iter()
        .flat_map(|l| l.params())
        .map(|p| {
            let raw: Vec<u8> = p.value.iter().flat_map(|v| v.to_le_bytes()).collect();
            let (dtype, shape, data) = edit(&p.name, p.shape.clone(), raw);
            (p.name.clone(), dtype, shape, data)
        })
        .collect();
    let views: Vec<(String, TensorView)> = tensors
        .iter()
        .map(|(n, d, s, b)| (n.clone(), TensorView::new(*d, s.clone(), b).unwrap()))
        .collect();
    safetensors::serialize(views, None).unwrap()
}

#[test]
fn bad_weights_files_are_refused_with_a_reason_and_change_nothing() {
    let data = assets();
    let good = base_file(|_, s, b| (Dtype::F32, s, b));
    let fresh = || Sequential::new([28, 28, 1], &model_spec(10), &mut Rng::new(7)).unwrap();
    // The well-formed file loads.
    let mut m = fresh();
    checkpoint::load_layers(&mut m, 0..BASE_LAYERS, &good).unwrap();
    assert_eq!(
        bits(&m, 0..BASE_LAYERS),
        bits(&shipped_base("cnn_digits_0_4"), 0..BASE_LAYERS)
    );

    let kernel = |n: &str| n.ends_with("kernel") && n.starts_with("conv2d_2");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", good[..good.len() / 2].to_vec(), "cut short"),
        ("empty", Vec::new(), ""),
        ("not safetensors", b"<html>404</html>".repeat(40), ""),
        (
            "wrong shape",
            base_file(|n, s, b| {
                if kernel(n) {
                    // 3×3×64×32 instead of 3×3×64×64: another network's layer.
                    let half = b.len() / 2;
                    (
                        Dtype::F32,
                        vec![s[0], s[1], s[2], s[3] / 2],
                        b[..half].to_vec(),
                    )
                } else {
                    (Dtype::F32, s, b)
                }
            }),
            "shape",
        ),
        (
            "wrong dtype",
            base_file(|n, s, b| {
                if kernel(n) {
                    let wide: Vec<u8> = b
                        .chunks_exact(4)
                        .flat_map(|c| {
                            f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])).to_le_bytes()
                        })
                        .collect();
                    (Dtype::F64, s, wide)
                } else {
                    (Dtype::F32, s, b)
                }
            }),
            "F64",
        ),
        (
            "missing tensor",
            {
                let m = shipped_base("cnn_digits_0_4");
                let p = &m.layers()[0].params()[0];
                let raw: Vec<u8> = p.value.iter().flat_map(|v| v.to_le_bytes()).collect();
                let view = TensorView::new(Dtype::F32, p.shape.clone(), &raw).unwrap();
                safetensors::serialize(vec![(p.name.clone(), view)], None).unwrap()
            },
            "no tensor",
        ),
        (
            "not finite",
            base_file(|n, s, mut b| {
                if kernel(n) {
                    b[..4].copy_from_slice(&f32::NAN.to_le_bytes());
                }
                (Dtype::F32, s, b)
            }),
            "not finite",
        ),
    ];
    for (what, bytes, says) in cases {
        let mut m = fresh();
        let before = bits(&m, 0..m.layers().len());
        let e = checkpoint::load_layers(&mut m, 0..BASE_LAYERS, &bytes).expect_err(what);
        assert!(!e.is_empty() && e.contains(says), "{what}: {e}");
        assert_eq!(
            bits(&m, 0..m.layers().len()),
            before,
            "{what} changed the model"
        );
    }

    // Through the page's path: the store checks size and SHA-256 first and keeps nothing.
    let shipped = pretrained::load_dir("cnn_digits_0_4", &bundled_dir()).unwrap();
    let mut store = Assets::new();
    let e = store
        .insert_weights("cnn_digits_0_4", shipped[..shipped.len() - 1].to_vec())
        .unwrap_err();
    assert!(e.contains("truncated"), "{e}");
    let mut flipped = shipped.clone();
    *flipped.last_mut().unwrap() ^= 1;
    let e = store.insert_weights("cnn_digits_0_4", flipped).unwrap_err();
    assert!(e.contains("checksum"), "{e}");
    assert!(!store.has_weights("cnn_digits_0_4"));
    // A run that needs the base says which file is missing.
    store.insert(data.dataset("mnist").unwrap());
    let config = REGISTRY
        .parse_strict("#lab=transfer&mode=frozen")
        .unwrap()
        .config;
    let e = REGISTRY
        .kind(&config)
        .start(&config, &store)
        .err()
        .expect("no base loaded");
    assert!(e.contains("cnn_digits_0_4"), "{e}");
}

#[test]
fn a_link_replays_the_same_run_whatever_the_chunking() {
    let data = assets();
    let link = "#lab=transfer&seed=5&mode=fine_tune&steps=60&labels_per_class=3&task=binary_5_8";
    let config = REGISTRY.parse_strict(link).unwrap().config;
    let (steps, a) = run_to_end(&config, &data, 1).unwrap();
    let (_, b) = run_to_end(&config, &data, 23).unwrap();
    assert_eq!(a.status, Status::Finished);
    assert_eq!(a, b, "chunking changed the run");
    // Evaluations at 0, 25, 50 and the end; the layer table in the first report only.
    let curve: Vec<u64> = a.report["curve"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["step"].as_u64().unwrap())
        .collect();
    assert_eq!(curve, [0, 25, 50, 60]);
    assert!(steps[0].payload["layers"].is_array());
    assert!(steps[1..].iter().all(|p| p.payload.get("layers").is_none()));
    assert_eq!(a.report["train_images"], 6);
    assert_eq!(a.report["batch_size"], 6);
    // Another seed, another run on the same labelled images.
    let other = REGISTRY
        .parse_strict(&link.replace("seed=5", "seed=6"))
        .unwrap()
        .config;
    let (_, c) = run_to_end(&other, &data, 64).unwrap();
    assert_ne!(c.weights_sha256, a.weights_sha256);
    assert_eq!(c.report["train_images"], 6);
}

#[test]
fn with_ten_labels_per_class_the_frozen_base_beats_training_from_scratch() {
    // The lab's lesson on its defaults, with one seed (the figures use three).
    let data = assets();
    let acc = |mode: &str| {
        let config = REGISTRY
            .parse_strict(&format!("#lab=transfer&mode={mode}"))
            .unwrap()
            .config;
        run_to_end(&config, &data, 64).unwrap().1.metrics["test_accuracy"]
    };
    let (frozen, scratch) = (acc("frozen"), acc("scratch"));
    assert!(
        frozen > scratch + 0.10,
        "frozen {frozen} vs scratch {scratch}"
    );
}
