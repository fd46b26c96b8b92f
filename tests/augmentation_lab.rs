//! The augmentation lab on real MNIST: augmented training holds up on a rotated and
//! shifted test set where plain training collapses, and flipping digits hurts.
#![cfg(not(target_arch = "wasm32"))]

use mlpad::data::dataset::bundled_dir;
use mlpad::data::Dataset;
use mlpad::labs::{augmentation, build, Snapshot};
use mlpad::link;
use std::rc::Rc;

fn last_epoch(extra: &str) -> Snapshot {
    let parsed = link::parse_strict(&format!("#lab=augmentation&epochs=6&{extra}")).unwrap();
    let data = Rc::new(Dataset::load_dir("mnist", &bundled_dir()).unwrap());
    let mut run = build(parsed.config, data).unwrap();
    let mut last = None;
    loop {
        let s = run.step(100);
        let done = s.done;
        if s.shifted_accuracy.is_some() {
            last = Some(s);
        }
        if done {
            return last.expect("an epoch ended");
        }
    }
}

#[test]
fn augmentation_buys_robustness_and_flips_hurt_digits() {
    let off = last_epoch("augment=off");
    let on = last_epoch("augment=on");
    let flips = last_epoch("augment=on&horizontal_flip=on&rotation_range=0&width_shift_range=0&height_shift_range=0&zoom_range=0");
    let shifted = |s: &Snapshot| s.shifted_accuracy.unwrap();
    assert!(
        shifted(&on) > shifted(&off) + 0.15,
        "shifted test: on {} vs off {}",
        shifted(&on),
        shifted(&off)
    );
    assert!(
        flips.test_accuracy.unwrap() < off.test_accuracy.unwrap(),
        "mirrored digits should not help"
    );
    // Plain training fits its images better than augmented training does.
    assert!(off.train_accuracy.unwrap() > on.train_accuracy.unwrap());
}

#[test]
fn preview_grid_has_originals_and_seeded_variants() {
    let parsed = link::parse_strict("#lab=augmentation&seed=3").unwrap();
    let data = Dataset::load_dir("mnist", &bundled_dir()).unwrap();
    let (w, h, rgba) = augmentation::preview(&parsed.config, &data, 4, 5, 0);
    assert_eq!((w, h), (6 * 30 + 2, 4 * 30 + 2));
    assert_eq!(rgba.len(), w * h * 4);
    // Column 0 is the untouched image.
    let px = |x: usize, y: usize| rgba[(y * w + x) * 4];
    for r in 0..28 {
        for c in 0..28 {
            assert_eq!(px(2 + c, 2 + r), data.train.image(0)[r * 28 + c]);
        }
    }
    assert_eq!(
        augmentation::preview(&parsed.config, &data, 4, 5, 0).2,
        rgba,
        "same draw, same pictures"
    );
    assert_ne!(
        augmentation::preview(&parsed.config, &data, 4, 5, 1).2,
        rgba,
        "a new draw differs"
    );
}
