//! The augmentation lab on real MNIST: augmented training holds up on a rotated and
//! shifted test set where plain training collapses, and flipping digits hurts.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{config, dataset, datasets_for};
use mlpad::labs::augmentation::{
    self, Augmentation, AugmentationConfig, Robustness, PREVIEW_IMAGES, PREVIEW_VARIANTS,
};
use mlpad::labs::training::{EpochRecord, Training};
use mlpad::labs::REGISTRY;
use mlpad::schema::FromConfig;

/// The last epoch's record of a six-epoch run.
fn last_epoch(extra: &str) -> EpochRecord<Robustness> {
    let link = format!("#lab=augmentation&epochs=6&{extra}");
    let (lab, steps) = common::run_typed::<Training<Augmentation>>(&link, 100);
    let ends: Vec<_> = steps
        .iter()
        .filter_map(|s| s.payload.epoch_end.clone())
        .collect();
    assert_eq!(
        ends,
        lab.epoch_records(),
        "{link}: every epoch reported once"
    );
    assert_eq!(ends.len(), 6, "{link}");
    ends.last().unwrap().clone()
}

#[test]
fn augmentation_buys_robustness_and_flips_hurt_digits() {
    // Three runs of a few seconds each, on both cores.
    let [off, on, flips] = std::thread::scope(|s| {
        [
            "augment=off",
            "augment=on",
            "augment=on&horizontal_flip=on&rotation_range=0&width_shift_range=0&height_shift_range=0&zoom_range=0",
        ]
        .map(|extra| s.spawn(move || last_epoch(extra)))
        .map(|h| h.join().expect("no panic"))
    });
    assert!(
        on.extra.shifted_accuracy > off.extra.shifted_accuracy + 0.15,
        "shifted test: on {} vs off {}",
        on.extra.shifted_accuracy,
        off.extra.shifted_accuracy
    );
    assert!(
        flips.test_accuracy < off.test_accuracy,
        "mirrored digits should not help: {} vs {}",
        flips.test_accuracy,
        off.test_accuracy
    );
    // Plain training fits its images better than augmented training does.
    assert!(off.extra.train_accuracy > on.extra.train_accuracy);
}

#[test]
fn preview_grid_has_originals_and_seeded_variants() {
    let link = "#lab=augmentation&seed=3";
    let c = AugmentationConfig::from_config(&config(link));
    let data = dataset("mnist");
    let (images, variants) = (4, 5);
    let pic = augmentation::preview(&c, &data, images, variants, 0);
    // Each cell is a 28×28 image with a 2-pixel gap; column 0 is the original.
    let (w, h) = ((variants + 1) * 30 + 2, images * 30 + 2);
    assert_eq!((pic.width, pic.height), (w, h));
    assert_eq!(pic.rgba.len(), w * h * 4);
    let px = |x: usize, y: usize| pic.rgba[(y * w + x) * 4];
    for i in 0..images {
        for r in 0..28 {
            for col in 0..28 {
                assert_eq!(
                    px(2 + col, 2 + i * 30 + r),
                    data.train.image(i)[r * 28 + col]
                );
            }
        }
    }
    // The variants are transformed, not copies of the original.
    let cell = |x0: usize, y0: usize| -> Vec<u8> {
        (0..28)
            .flat_map(|r| (0..28).map(move |col| (x0 + col, y0 + r)))
            .map(|(x, y)| px(x, y))
            .collect()
    };
    for v in 1..=variants {
        assert_ne!(cell(2 + v * 30, 2), cell(2, 2), "variant {v}");
    }
    let again = augmentation::preview(&c, &data, images, variants, 0);
    assert_eq!(again, pic, "same draw, same pictures");
    let next = augmentation::preview(&c, &data, images, variants, 1);
    assert_ne!(next.rgba, pic.rgba, "a new draw differs");

    // The page's preview through the registry is this grid at its own size.
    let config = config(link);
    let page = REGISTRY
        .kind(&config)
        .preview(&config, &datasets_for(&config), 1)
        .unwrap();
    assert_eq!(
        page,
        augmentation::preview(&c, &data, PREVIEW_IMAGES, PREVIEW_VARIANTS, 1)
    );
}
