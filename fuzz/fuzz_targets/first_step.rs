//! Any text as a link, all the way: parsed, built into a run on the bundled data and
//! stepped once. The schema's caps must keep every accepted link's first step bounded in
//! time and memory (libFuzzer's -timeout and -rss_limit_mb enforce it).
#![no_main]
use libfuzzer_sys::fuzz_target;
use mlpad::data::dataset::{bundled_dir, Dataset};
use mlpad::labs::{Assets, Budget, REGISTRY};
use std::rc::Rc;

thread_local! {
    static ASSETS: Assets = {
        let mut assets = Assets::new();
        for name in ["mnist", "fashion_mnist"] {
            assets.insert(Rc::new(Dataset::load_dir(name, &bundled_dir()).expect("bundled data")));
        }
        for name in mlpad::data::pretrained::manifest().models.keys() {
            let bytes = mlpad::data::pretrained::load_dir(name, &bundled_dir()).expect("shipped");
            assets.insert_weights(name, bytes).expect("checked");
        }
        assets
    };
}

fuzz_target!(|data: &[u8]| {
    let config = REGISTRY.parse(&String::from_utf8_lossy(data)).config;
    ASSETS.with(|assets| {
        let kind = REGISTRY.kind(&config);
        if let Ok(mut run) = kind.start(&config, assets) {
            let p = run.step(&mut Budget::units(1));
            assert!(p.fraction.is_finite() && (0.0..=1.0).contains(&p.fraction));
        }
    });
});
