//! The pretrained bases shipped in `www/data/pretrained/`: each file matches its manifest
//! entry (size, SHA-256), names the link that trained it, scores the test images as that
//! run did, and the smallest one is rebuilt bit for bit from its link here.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use mlpad::data::pretrained;
use mlpad::labs::gan::Scorer;
use mlpad::labs::{Assets, Budget, REGISTRY};
use sha2::{Digest, Sha256};

fn assets() -> Assets {
    common::every_asset()
}

#[test]
fn shipped_bases_are_the_weights_their_links_trained() {
    let data = assets();
    for (name, asset) in &pretrained::manifest().models {
        let bytes = data.weights(name).unwrap();
        // The metadata names the training link, the manifest's own.
        let info = mlpad::nn::checkpoint::info(&bytes)
            .unwrap()
            .expect("metadata");
        let info: serde_json::Value = serde_json::from_str(&info).unwrap();
        assert_eq!(info["link"], asset.link.as_str(), "{name}");
        // Loaded into the CNN lab's network they score the test images of the classes the
        // link trained on as the run did.
        let config = REGISTRY.parse_strict(&asset.link).unwrap().config;
        let classes = config.int_list("classes");
        let dataset = data.dataset(&asset.dataset).unwrap();
        let kept: Vec<usize> = (0..dataset.test.len())
            .filter(|&i| classes.is_empty() || classes.contains(&i64::from(dataset.test.labels[i])))
            .collect();
        let images = dataset.test.features(&kept);
        let labels: Vec<u8> = kept.iter().map(|&i| dataset.test.labels[i]).collect();
        let mut scorer = Scorer::new(&bytes).unwrap();
        let correct = scorer.correct(images.as_slice().unwrap(), &labels);
        assert_eq!(
            correct as f64 / kept.len() as f64,
            asset.test_accuracy,
            "{name}"
        );
        assert_eq!(asset.bytes, bytes.len());
    }
}

#[test]
fn the_digits_0_4_base_is_rebuilt_bit_for_bit_from_its_link() {
    // What `cargo xtask pretrain` does for this base, through the same calls as
    // `mlpad run <link> --weights-out`.
    let asset = pretrained::asset("cnn_digits_0_4").unwrap();
    let data = assets();
    let config = REGISTRY.parse_strict(&asset.link).unwrap().config;
    let mut run = REGISTRY.kind(&config).start(&config, &data).unwrap();
    while !run.step(&mut Budget::units(64)).done {}
    let bytes = run.weights().expect("a trained model");
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(bytes.len(), asset.bytes);
    assert_eq!(sha, asset.sha256);
    assert_eq!(run.summary().metrics["test_accuracy"], asset.test_accuracy);
}
