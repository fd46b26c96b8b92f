//! Any bytes as a weights file loaded into a run (the page's "Load weights…"): refused with
//! a message and the run's weights unchanged, or loaded; never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mlpad::data::dataset::{bundled_dir, Dataset};
use mlpad::labs::{weights_origin, Assets, Running, REGISTRY};
use std::cell::RefCell;
use std::rc::Rc;

/// A small-model lab on the bundled MNIST, built once.
const LINK: &str = "#lab=gradients&depth=1&width=4&train_size=100&batch_norm=off";

thread_local! {
    static RUN: RefCell<Box<dyn Running>> = RefCell::new({
        let mut assets = Assets::new();
        assets.insert(Rc::new(Dataset::load_dir("mnist", &bundled_dir()).expect("bundled data")));
        let config = REGISTRY.parse_strict(LINK).expect("valid link").config;
        REGISTRY.kind(&config).start(&config, &assets).expect("starts")
    });
}

thread_local! {
    /// The run's weights as last checked, and how many refusals since.
    static LAST: RefCell<(Option<Vec<u8>>, u64)> = const { RefCell::new((None, 0)) };
}

fuzz_target!(|data: &[u8]| {
    let _ = weights_origin(data);
    RUN.with(|run| {
        let mut run = run.borrow_mut();
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if last.0.is_none() {
                last.0 = run.weights();
            }
            match run.import_weights(data) {
                Ok(_) => *last = (run.weights(), 0),
                Err(e) => {
                    assert!(e.chars().count() < 1_000);
                    // Comparing the weights costs more than most refusals: every 256th.
                    last.1 += 1;
                    if last.1 % 256 == 0 {
                        assert!(run.weights() == last.0, "a refused file changed the weights");
                    }
                }
            }
        });
    });
});
